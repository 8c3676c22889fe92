-- A second factor (TOTP) for staff and district administrators, and the rule that an organisation
-- (or the district, for its administrators) may require it before its people see the most
-- sensitive data: revealed phone numbers, referrals and their reasons, counselling details and
-- session notes, and the district's participation export. The level comes from the access token
-- (`auth.jwt() ->> 'aal'`), which Supabase Auth and the embedded Auth raise to aal2 only after a
-- TOTP code was verified in that session.

/*
 * Who must use a second factor: the people of an organisation (org_id), or the district
 * administrators (org_id null, one row). A row means "required"; managers (and the district)
 * add or remove it with set_second_factor_requirement, never directly.
 */
create table public.second_factor_requirements (
	id uuid primary key default gen_random_uuid(),
	org_id uuid unique references public.organisations (id) on delete cascade,
	required_by uuid references auth.users (id) on delete set null,
	required_at timestamptz not null default now()
);
create unique index second_factor_requirements_district_key
	on public.second_factor_requirements ((org_id is null)) where org_id is null;
comment on column public.second_factor_requirements.org_id is
	'The organisation whose staff must use a second factor; null: the district administrators.';

revoke all on table public.second_factor_requirements from anon, authenticated;
grant select on table public.second_factor_requirements to authenticated;
alter table public.second_factor_requirements enable row level security;

create policy "Staff and the district read which organisations require a second factor"
	on public.second_factor_requirements for select to authenticated
	using (
		org_id in (select private.my_org_ids())
		or (select private.is_district_admin())
	);

/*
 * True when the caller must show a second factor and has not in this session: a member of an
 * organisation that requires it, or a district administrator when the district does, whose
 * token is not aal2. Security definer: it reads every membership of the caller, whatever the
 * policies of the table asking.
 */
create function private.second_factor_missing()
returns boolean
language sql
stable
security definer
set search_path = ''
as $$
	select coalesce((select auth.jwt()) ->> 'aal', '') <> 'aal2'
		and (
			exists (
				select 1 from public.org_members m
				join public.second_factor_requirements q on q.org_id = m.org_id
				where m.user_id = (select auth.uid())
			)
			or (
				coalesce(private.is_district_admin(), false)
				and exists (select 1 from public.second_factor_requirements q where q.org_id is null)
			)
		)
$$;
revoke all on function private.second_factor_missing() from public;
grant execute on function private.second_factor_missing() to authenticated, service_role;

/*
 * Turns the requirement on or off for an organisation (its managers, or the district) or, with
 * p_org_id null, for the district administrators (the district only). Turning it on needs the
 * caller's own session at aal2, so nobody requires what they have not set up themselves.
 * Fails: not_authorised, organisation_not_found, second_factor_required.
 */
create function public.set_second_factor_requirement(p_org_id uuid, p_required boolean)
returns boolean
language plpgsql
security definer
set search_path = ''
as $$
declare
	v_admin boolean := coalesce(private.is_district_admin(), false);
begin
	if auth.uid() is null or p_required is null then
		perform private.fail('not_authorised');
	end if;
	if p_org_id is null then
		if not v_admin then
			perform private.fail('not_authorised');
		end if;
	else
		if not exists (select 1 from public.organisations o where o.id = p_org_id) then
			perform private.fail('organisation_not_found');
		end if;
		if not (v_admin or private.is_org_manager(p_org_id)) then
			perform private.fail('not_authorised');
		end if;
	end if;
	if coalesce((select auth.jwt()) ->> 'aal', '') <> 'aal2' then
		perform private.fail('second_factor_required');
	end if;
	if p_required then
		insert into public.second_factor_requirements (org_id, required_by)
		select p_org_id, auth.uid()
		where not exists (
			select 1 from public.second_factor_requirements q
			where q.org_id is not distinct from p_org_id
		);
	else
		delete from public.second_factor_requirements q where q.org_id is not distinct from p_org_id;
	end if;
	return p_required;
end;
$$;
revoke all on function public.set_second_factor_requirement(uuid, boolean) from public, anon, authenticated;
grant execute on function public.set_second_factor_requirement(uuid, boolean) to authenticated;

-- The sensitive reads, now also refused while a required second factor is missing.

create or replace function public.reveal_family_phone(p_registration_id uuid)
returns jsonb
language plpgsql
security definer
set search_path = ''
as $$
declare
	v_uid uuid := auth.uid();
	v_registration public.registrations;
	v_event public.events;
	v_family public.families;
	v_at timestamptz;
begin
	if v_uid is null then
		perform private.fail('not_authorised');
	end if;
	select * into v_registration from public.registrations r where r.id = p_registration_id;
	if not found then
		perform private.fail('registration_not_found');
	end if;
	select * into v_event from public.events e where e.id = v_registration.event_id;
	if not private.is_org_member(v_event.org_id) then
		perform private.fail('not_authorised');
	end if;
	if private.second_factor_missing() then
		perform private.fail('second_factor_required');
	end if;
	if v_registration.status = 'cancelled' then
		perform private.fail('registration_not_found');
	end if;
	if not public.contact_window(v_event.starts_at, v_event.ends_at) @> now() then
		perform private.fail('outside_contact_window');
	end if;
	select * into v_family from public.families f where f.id = v_registration.family_id;
	if v_family.phone is null then
		perform private.fail('no_phone');
	end if;
	insert into public.phone_reveals (registration_id, family_id, event_id, org_id, revealed_by)
	values (v_registration.id, v_family.id, v_event.id, v_event.org_id, v_uid)
	returning revealed_at into v_at;
	return jsonb_build_object('registration_id', v_registration.id,
		'guardian_name', v_family.guardian_name, 'phone', v_family.phone, 'revealed_at', v_at);
end;
$$;

create or replace function public.org_referrals(p_org_id uuid)
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
	if private.second_factor_missing() then
		perform private.fail('second_factor_required');
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

/*
 * Whether the caller may read the district's figures now: true for a district administrator,
 * unless the district requires a second factor and this session has none. The one place these two
 * refusals are made for the district's tables (district_participation calls it); /admin asks it
 * alone when it shows a single organisation and computes none of those tables.
 * Fails: not_authorised, second_factor_required.
 */
create function public.district_access()
returns boolean
language plpgsql
stable
security definer
set search_path = ''
as $$
begin
	if not coalesce(private.is_district_admin(), false) then
		perform private.fail('not_authorised');
	end if;
	if private.second_factor_missing() then
		perform private.fail('second_factor_required');
	end if;
	return true;
end;
$$;
revoke all on function public.district_access() from public, anon, authenticated;
grant execute on function public.district_access() to authenticated;

create or replace function public.district_participation(p_from timestamptz, p_to timestamptz)
returns table (
	org_id uuid,
	org_kind public.organisation_kind,
	org_slug text,
	org_name_zh text,
	org_name_en text,
	category public.event_category,
	events_published integer,
	events_held integer,
	events_cancelled integer,
	places_offered integer,
	families_registered integer,
	people_registered integer,
	people_attended integer,
	people_no_show integer,
	families_waitlisted integer,
	people_waitlisted integer,
	fill_rate numeric,
	channels jsonb
)
language plpgsql
stable
security definer
set search_path = ''
as $$
begin
	perform public.district_access();
	if p_from is not null and p_to is not null and p_to <= p_from then
		perform private.fail('invalid_period');
	end if;
	return query
	with ev as (
		select e.id, e.org_id, e.category, e.status, e.capacity, e.ends_at
		from public.events e
		where e.status <> 'draft'
			and (p_from is null or e.starts_at >= p_from)
			and (p_to is null or e.starts_at < p_to)
	),
	reg as (
		select ev.org_id, ev.category, r.family_id, r.status, r.seats,
			coalesce(r.source, '') as source
		from ev
		join public.registrations r on r.event_id = ev.id
		where r.status <> 'cancelled'
	),
	ev_counts as (
		select ev.org_id, ev.category,
			count(*) filter (where ev.status = 'published')::integer as published,
			count(*) filter (where ev.status = 'published' and ev.ends_at <= now())::integer as held,
			count(*) filter (where ev.status = 'cancelled')::integer as cancelled,
			coalesce(sum(ev.capacity) filter (where ev.status = 'published'), 0)::integer as places
		from ev
		group by ev.org_id, ev.category
	),
	reg_counts as (
		select reg.org_id, reg.category,
			count(distinct reg.family_id)
				filter (where reg.status in ('confirmed', 'attended', 'no_show'))::integer as families,
			coalesce(sum(reg.seats)
				filter (where reg.status in ('confirmed', 'attended', 'no_show')), 0)::integer as people,
			coalesce(sum(reg.seats) filter (where reg.status = 'attended'), 0)::integer as attended,
			coalesce(sum(reg.seats) filter (where reg.status = 'no_show'), 0)::integer as no_show,
			count(*) filter (where reg.status = 'waitlisted')::integer as waitlisted,
			coalesce(sum(reg.seats) filter (where reg.status = 'waitlisted'), 0)::integer
				as waitlisted_people
		from reg
		group by reg.org_id, reg.category
	),
	channel_counts as (
		select c.org_id, c.category, jsonb_object_agg(c.source, c.n) as channels
		from (
			select reg.org_id, reg.category, reg.source, count(*)::integer as n
			from reg
			group by reg.org_id, reg.category, reg.source
		) c
		group by c.org_id, c.category
	)
	select o.id, o.kind, o.slug, o.name_zh, o.name_en, ec.category,
		coalesce(ec.published, 0), coalesce(ec.held, 0), coalesce(ec.cancelled, 0),
		coalesce(ec.places, 0),
		coalesce(rc.families, 0), coalesce(rc.people, 0), coalesce(rc.attended, 0),
		coalesce(rc.no_show, 0), coalesce(rc.waitlisted, 0), coalesce(rc.waitlisted_people, 0),
		case when coalesce(ec.places, 0) > 0
			then round(coalesce(rc.people, 0)::numeric / ec.places, 3) end,
		coalesce(cc.channels, '{}'::jsonb)
	from public.organisations o
	left join ev_counts ec on ec.org_id = o.id
	left join reg_counts rc on rc.org_id = o.id and rc.category = ec.category
	left join channel_counts cc on cc.org_id = o.id and cc.category = ec.category
	order by o.kind, o.name_zh, o.id, ec.category;
end;
$$;


create or replace function public.counsellor_appointments(p_from timestamptz, p_to timestamptz,
	p_id uuid default null)
returns table (
	id uuid,
	starts_at timestamptz,
	ends_at timestamptz,
	mode public.appointment_mode,
	status public.appointment_status,
	cancelled_by text,
	cancelled_late boolean,
	subject public.counselling_subject,
	member_nickname text,
	topic public.counselling_topic,
	note text,
	contact public.contact_preference,
	guardian_name text,
	phone text,
	email text,
	has_notes boolean
)
language plpgsql
stable
security definer
set search_path = ''
as $$
begin
	if auth.uid() is null then
		perform private.fail('not_authorised');
	end if;
	if private.second_factor_missing() then
		perform private.fail('second_factor_required');
	end if;
	if p_id is null and (p_from is null or p_to is null or p_to < p_from
		or p_to - p_from > interval '62 days') then
		perform private.fail('invalid_range');
	end if;
	return query
		select a.id, a.starts_at, a.ends_at, a.mode, a.status, a.cancelled_by, a.cancelled_late,
			d.subject, m.nickname, d.topic, d.note, d.contact, f.guardian_name, f.phone, f.email,
			exists (select 1 from public.session_notes n
				where n.appointment_id = a.id and n.author_id = auth.uid())
		from public.appointments a
		join public.appointment_details d on d.appointment_id = a.id
		join public.families f on f.id = a.family_id
		left join public.family_members m on m.id = d.member_id
		where a.counsellor_id = auth.uid()
			and (a.id = p_id or (p_id is null and a.starts_at >= p_from and a.starts_at < p_to))
		order by a.starts_at;
end;
$$;

drop policy "Referrers read their organisation's referrals, care staff read all" on public.referrals;
create policy "Referrers read their organisation's referrals, care staff read all"
	on public.referrals for select to authenticated
	using (
		(org_id in (select private.my_referrer_org_ids()) or (select private.is_care_staff()))
		and not (select private.second_factor_missing())
	);

drop policy "Families and their counsellor can read what an appointment is about"
	on public.appointment_details;
create policy "Families and their counsellor can read what an appointment is about"
	on public.appointment_details for select to authenticated
	using (
		appointment_id in (
			select a.id from public.appointments a where a.family_id = (select private.my_family_id())
		)
		or (
			appointment_id in (
				select a.id from public.appointments a where a.counsellor_id = (select auth.uid())
			)
			and not (select private.second_factor_missing())
		)
	);

drop policy "Counsellors can read their own session notes" on public.session_notes;
create policy "Counsellors can read their own session notes"
	on public.session_notes for select to authenticated
	using (author_id = (select auth.uid()) and not (select private.second_factor_missing()));
