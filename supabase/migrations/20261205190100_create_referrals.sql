-- Referrals (转介): staff of schools and of the three centres who are marked as referrers point
-- families who need priority care (留守儿童, 困境儿童 …) to held places. Whether a family is
-- referred, and why, is readable only by the referrers of the referring organisation and by the
-- district's designated care staff: not by the event's staff, other families or other
-- organisations, and it never reaches emails, calendars or CSVs.

create type public.referral_reason as enum ('left_behind', 'hardship', 'psychological', 'other');

-- The district's designated care staff: district administrators whose app_metadata also carries
-- care_staff = true (set by the server, never by the user).
create function private.is_care_staff()
returns boolean
language sql
stable
set search_path = ''
as $$
	select private.is_district_admin()
		and coalesce((select auth.jwt()) -> 'app_metadata' ->> 'care_staff', '') = 'true'
$$;

/*
 * Staff members who may refer families for their organisation. Only schools' parent schools and
 * the three centres refer. Marked by the organisation's managers or a district administrator.
 */
create table public.referrers (
	org_id uuid not null,
	user_id uuid not null,
	created_at timestamptz not null default now(),
	primary key (org_id, user_id),
	foreign key (org_id, user_id) references public.org_members (org_id, user_id) on delete cascade
);
create index referrers_user_id_idx on public.referrers (user_id);

create function private.my_referrer_org_ids()
returns setof uuid
language sql
stable
security definer
set search_path = ''
as $$
	select r.org_id from public.referrers r where r.user_id = (select auth.uid())
$$;

create function private.is_referrer(p_org_id uuid)
returns boolean
language sql
stable
security definer
set search_path = ''
as $$
	select exists (
		select 1 from public.referrers r where r.org_id = p_org_id and r.user_id = (select auth.uid())
	)
$$;

create function private.may_refer(p_org_id uuid)
returns boolean
language sql
stable
security definer
set search_path = ''
as $$
	select exists (
		select 1 from public.organisations o
		where o.id = p_org_id and o.kind in ('youth_centre', 'counselling_centre',
			'women_children_centre', 'school_parent_school')
	)
$$;

/*
 * A family referred by an organisation for a period, with a reason category. The family is named
 * by family_id once known; before that by the guardian's sign-in email (guardian_email) or by a
 * code the family redeems when it signs in (code). Written only through refer_family,
 * create_referral_code, redeem_referral_code and end_referral.
 */
create table public.referrals (
	id uuid primary key default gen_random_uuid(),
	org_id uuid not null references public.organisations (id) on delete cascade,
	referred_by uuid default auth.uid() references auth.users (id) on delete set null,
	family_id uuid references public.families (id) on delete cascade,
	guardian_email text check (guardian_email = lower(guardian_email)
		and guardian_email ~ '^[^@\s]+@[^@\s]+$' and char_length(guardian_email) <= 254),
	code text unique check (code ~ '^[0-9A-Z]{10}$'),
	reason public.referral_reason not null,
	starts_on date not null,
	ends_on date not null,
	ended_at timestamptz,
	redeemed_at timestamptz,
	created_at timestamptz not null default now(),
	constraint referrals_period_check check (ends_on >= starts_on),
	constraint referrals_names_someone check (
		family_id is not null or guardian_email is not null or code is not null)
);
create index referrals_org_id_idx on public.referrals (org_id);
create index referrals_family_id_idx on public.referrals (family_id);
create index referrals_guardian_email_idx on public.referrals (guardian_email)
	where family_id is null;
comment on column public.referrals.reason is
	'留守 left_behind, 困境 hardship, 心理关注 psychological, 其他 other. Never leaves the organisation.';
comment on column public.referrals.guardian_email is
	'The guardian''s sign-in email, lower case, while no family is linked yet.';
comment on column public.referrals.code is 'What the family types to link itself (redeem_referral_code).';

-- A guardian's sign-in address: what an email referral is matched against (the family's contact
-- email is the guardian's to edit, the sign-in address is proven).
create function private.family_sign_in_email(p_family_id uuid)
returns text
language sql
stable
security definer
set search_path = ''
as $$
	select lower(u.email) from public.families f join auth.users u on u.id = f.guardian_id
	where f.id = p_family_id
$$;

-- The referral that makes a family eligible for held places at p_at, if any (the newest).
create function private.active_referral(p_family_id uuid, p_at timestamptz default now())
returns uuid
language plpgsql
stable
security definer
set search_path = ''
as $$
declare
	v_day date := (p_at at time zone 'Asia/Shanghai')::date;
	v_id uuid;
begin
	select r.id into v_id from public.referrals r
	where r.family_id = p_family_id and r.ended_at is null
		and v_day between r.starts_on and r.ends_on
	order by r.created_at desc limit 1;
	if v_id is null then
		select r.id into v_id from public.referrals r
		where r.family_id is null and r.ended_at is null
			and r.guardian_email = private.family_sign_in_email(p_family_id)
			and v_day between r.starts_on and r.ends_on
		order by r.created_at desc limit 1;
	end if;
	return v_id;
end;
$$;

create function private.new_referral_code()
returns text
language plpgsql
volatile
set search_path = ''
as $$
declare
	v_alphabet constant text := '23456789ABCDEFGHJKLMNPQRSTUVWXYZ';
	v_code text;
begin
	loop
		select string_agg(substr(v_alphabet, 1 + floor(random() * 32)::int, 1), '')
		into v_code from generate_series(1, 10);
		exit when not exists (select 1 from public.referrals r where r.code = v_code);
	end loop;
	return v_code;
end;
$$;

create function private.check_referral_period(p_starts_on date, p_ends_on date)
returns void
language plpgsql
immutable
set search_path = ''
as $$
begin
	if p_starts_on is null or p_ends_on is null or p_ends_on < p_starts_on then
		perform private.fail('referral_period_invalid');
	end if;
	if p_ends_on - p_starts_on > 366 then
		perform private.fail('referral_period_too_long', 'At most a year.');
	end if;
end;
$$;

/*
 * Refers a family by its guardian's sign-in email, for a period, with a reason.
 * Returns {referral_id, linked: whether a family with that address exists yet}.
 * Fails: not_referrer, email_invalid, referral_period_invalid, referral_period_too_long.
 */
create function public.refer_family(p_org_id uuid, p_email text, p_reason public.referral_reason,
	p_starts_on date, p_ends_on date)
returns jsonb
language plpgsql
security definer
set search_path = ''
as $$
declare
	v_email text := lower(btrim(p_email));
	v_family uuid;
	v_id uuid;
begin
	if not private.is_referrer(p_org_id) or not private.may_refer(p_org_id) then
		perform private.fail('not_referrer');
	end if;
	if v_email is null or v_email !~ '^[^@\s]+@[^@\s]+$' or char_length(v_email) > 254 then
		perform private.fail('email_invalid');
	end if;
	perform private.check_referral_period(p_starts_on, p_ends_on);
	select f.id into v_family from public.families f join auth.users u on u.id = f.guardian_id
	where lower(u.email) = v_email;
	insert into public.referrals (org_id, referred_by, family_id, guardian_email, reason, starts_on,
		ends_on, redeemed_at)
	values (p_org_id, auth.uid(), v_family, case when v_family is null then v_email end, p_reason,
		p_starts_on, p_ends_on, case when v_family is not null then now() end)
	returning id into v_id;
	return jsonb_build_object('referral_id', v_id, 'linked', v_family is not null);
end;
$$;

/*
 * Makes a referral code to hand to a family (on paper, in person). Returns {referral_id, code}.
 * Fails: not_referrer, referral_period_invalid, referral_period_too_long.
 */
create function public.create_referral_code(p_org_id uuid, p_reason public.referral_reason,
	p_starts_on date, p_ends_on date)
returns jsonb
language plpgsql
security definer
set search_path = ''
as $$
declare
	v_code text := private.new_referral_code();
	v_id uuid;
begin
	if not private.is_referrer(p_org_id) or not private.may_refer(p_org_id) then
		perform private.fail('not_referrer');
	end if;
	perform private.check_referral_period(p_starts_on, p_ends_on);
	insert into public.referrals (org_id, referred_by, code, reason, starts_on, ends_on)
	values (p_org_id, auth.uid(), v_code, p_reason, p_starts_on, p_ends_on)
	returning id into v_id;
	return jsonb_build_object('referral_id', v_id, 'code', v_code);
end;
$$;

/*
 * A signed-in family redeems a code it was given. Answers {ok: true} and nothing about why.
 * Wrong codes are counted per account in private.client_attempts (kind referral_code, the same
 * counting as the anonymous repeats): at most 10 an hour, so every app server shares the limit.
 * Fails: not_authorised, family_required, too_many_attempts, code_invalid.
 */
create function public.redeem_referral_code(p_code text)
returns jsonb
language plpgsql
security definer
set search_path = ''
as $$
declare
	v_uid uuid := auth.uid();
	v_family uuid;
	v_code text := upper(regexp_replace(coalesce(p_code, ''), '[\s-]', '', 'g'));
begin
	if v_uid is null then
		perform private.fail('not_authorised');
	end if;
	select f.id into v_family from public.families f where f.guardian_id = v_uid;
	if v_family is null then
		perform private.fail('family_required');
	end if;
	if not public.client_attempts_allowed('referral_code', v_uid::text, 10, 3600) then
		perform private.fail('too_many_attempts');
	end if;
	update public.referrals r set family_id = v_family, redeemed_at = now()
	where r.code = v_code and r.family_id is null and r.ended_at is null
		and r.ends_on >= (now() at time zone 'Asia/Shanghai')::date;
	if not found then
		-- Recorded outside the failure: a raised error would roll the attempt back.
		perform public.count_client_attempt('referral_code', v_uid::text, 3600);
		return jsonb_build_object('ok', false, 'error', 'code_invalid');
	end if;
	return jsonb_build_object('ok', true);
end;
$$;

/* Ends a referral early (the family no longer needs priority care). Fails: not_referrer. */
create function public.end_referral(p_referral_id uuid)
returns void
language plpgsql
security definer
set search_path = ''
as $$
begin
	update public.referrals r set ended_at = now()
	where r.id = p_referral_id and r.ended_at is null and private.is_referrer(r.org_id);
	if not found and not exists (
		select 1 from public.referrals r where r.id = p_referral_id and private.is_referrer(r.org_id)
	) then
		perform private.fail('not_referrer');
	end if;
end;
$$;

/*
 * The referrals of an organisation, for its referrers (and the care staff): who, why, when, how
 * many events the family has come to since, and the last care contact.
 * Fails: not_referrer.
 */
create function public.org_referrals(p_org_id uuid)
returns table (
	referral_id uuid,
	guardian_name text,
	guardian_email text,
	code text,
	reason public.referral_reason,
	starts_on date,
	ends_on date,
	ended boolean,
	linked boolean,
	participations integer,
	created_at timestamptz
)
language plpgsql
stable
security definer
set search_path = ''
as $$
begin
	if not (private.is_referrer(p_org_id) or private.is_care_staff()) then
		perform private.fail('not_referrer');
	end if;
	return query
		select r.id, f.guardian_name, coalesce(lower(u.email), r.guardian_email), r.code, r.reason,
			r.starts_on, r.ends_on, r.ended_at is not null, r.family_id is not null,
			(select count(*)::integer from public.registrations g
				join public.events e on e.id = g.event_id
				where g.family_id = r.family_id and g.status in ('confirmed', 'attended')
					and (e.starts_at at time zone 'Asia/Shanghai')::date >= r.starts_on),
			r.created_at
		from public.referrals r
		left join public.families f on f.id = r.family_id
		left join auth.users u on u.id = f.guardian_id
		where r.org_id = p_org_id
		order by r.ended_at is not null, r.created_at desc;
end;
$$;

revoke all on all functions in schema private from public;
grant execute on function private.is_care_staff(), private.my_referrer_org_ids(),
	private.is_referrer(uuid), private.may_refer(uuid) to authenticated, service_role;

revoke all on table public.referrers, public.referrals from anon, authenticated;
grant select, insert, delete on table public.referrers to authenticated;
grant select on table public.referrals to authenticated;

alter table public.referrers enable row level security;
alter table public.referrals enable row level security;

create policy "Staff see who refers for their organisation, the district sees every referrer"
	on public.referrers for select to authenticated
	using (org_id in (select private.my_org_ids()) or (select private.is_district_admin()));

create policy "Managers and the district mark referrers of organisations that refer"
	on public.referrers for insert to authenticated
	with check (
		((select private.is_district_admin()) or private.is_org_manager(org_id))
		and private.may_refer(org_id)
	);

create policy "Managers and the district unmark referrers"
	on public.referrers for delete to authenticated
	using ((select private.is_district_admin()) or private.is_org_manager(org_id));

create policy "Referrers read their organisation's referrals, care staff read all"
	on public.referrals for select to authenticated
	using (org_id in (select private.my_referrer_org_ids()) or (select private.is_care_staff()));

revoke all on function
	public.refer_family(uuid, text, public.referral_reason, date, date),
	public.create_referral_code(uuid, public.referral_reason, date, date),
	public.redeem_referral_code(text),
	public.end_referral(uuid),
	public.org_referrals(uuid)
	from public, anon, authenticated;
grant execute on function
	public.refer_family(uuid, text, public.referral_reason, date, date),
	public.create_referral_code(uuid, public.referral_reason, date, date),
	public.redeem_referral_code(text),
	public.end_referral(uuid),
	public.org_referrals(uuid)
	to authenticated;
