-- Walk-ins (现场报名): staff register a family that turns up at the door without registering, while
-- places remain, and check it in at once. Given an email, the family is claimed by the parent the
-- first time they sign in with that address; without one it stays a door-only record.

/*
 * A family registered at the door has no guardian account yet: guardian_id is null until the
 * parent claims it (private.claim_door_family), and a door-only family has no email either, so it
 * is never sent reminders, notices or feedback requests.
 */
alter table public.families
	alter column guardian_id drop not null,
	alter column email drop not null,
	add column door_org_id uuid references public.organisations (id) on delete set null,
	add constraint families_guardian_or_door check (guardian_id is not null or door_org_id is not null),
	add constraint families_email_or_door check (email is not null or guardian_id is null),
	add constraint families_no_email_no_reminders check (email is not null or not reminders_enabled);
comment on column public.families.door_org_id is
	'The organisation whose staff registered the family at an event''s door (walk-in), if any.';
comment on column public.families.guardian_id is
	'The guardian''s account; null for a family registered at the door and not yet claimed.';
create index families_door_email_idx on public.families (lower(email))
	where guardian_id is null and email is not null;

/* Consent given on paper or by word at the door, recorded by the staff member (user_id). */
alter table public.consents add column given_at_door boolean not null default false;
comment on column public.consents.given_at_door is
	'The guardian agreed at the door; user_id is the staff member who recorded it.';

/*
 * Registers a family at the door of an event and checks it in, in one transaction under the event
 * lock: never over capacity (held places are kept), coded failures, nothing written on failure.
 * Staff of the organising organisation only, from the event's day (Beijing time) on.
 * p_members: [{kind: 'child'|'parent'|'grandparent', nickname, age}] — age (whole years, 0–18) is
 * required for children and gives a birth month that makes that age on the event's day.
 * p_consent: the guardian agreed to the current privacy text (required when a child comes).
 * Returns check_in's answer plus check_in_code and family_id.
 * Fails: not_authorised, event_not_found, event_cancelled, check_in_not_open, invalid_guardian_name,
 * invalid_phone, invalid_email, no_attendees, invalid_member, consent_required,
 * seat_limit_exceeded, age_out_of_range, event_full.
 */
create function public.register_walk_in(
	p_event_id uuid,
	p_guardian_name text,
	p_phone text,
	p_email text,
	p_members jsonb,
	p_consent boolean default false,
	p_locale public.app_locale default 'zh-CN'
)
returns jsonb
language plpgsql
security definer
set search_path = ''
as $$
declare
	v_uid uuid := auth.uid();
	v_name text := btrim(coalesce(p_guardian_name, ''));
	v_phone text := btrim(coalesce(p_phone, ''));
	v_email text := nullif(lower(btrim(coalesce(p_email, ''))), '');
	v_org uuid;
	v_event public.events;
	v_member jsonb;
	v_kind text;
	v_nickname text;
	v_age integer;
	v_seats integer;
	v_has_child boolean := false;
	v_family public.families;
	v_registration public.registrations;
	v_version text;
	v_attendees jsonb;
begin
	select e.org_id into v_org from public.events e where e.id = p_event_id;
	if v_uid is null or v_org is null or not private.is_org_member(v_org) then
		-- Unknown events and other organisations' events look the same.
		perform private.fail('not_authorised');
	end if;

	if char_length(v_name) not between 1 and 50 then
		perform private.fail('invalid_guardian_name');
	end if;
	if regexp_replace(v_phone, '[\s()-]', '', 'g')
		!~ '^((\+?86)?1[3-9][0-9]{9}|0[0-9]{9,11}|\+?86[1-9][0-9]{8,10})$'
		or char_length(v_phone) > 20 then
		perform private.fail('invalid_phone');
	end if;
	if v_email is not null and (v_email !~ '^[^@\s]+@[^@\s]+\.[^@\s]+$' or char_length(v_email) > 254) then
		perform private.fail('invalid_email');
	end if;
	if p_members is null or jsonb_typeof(p_members) <> 'array' or jsonb_array_length(p_members) = 0 then
		perform private.fail('no_attendees');
	end if;
	v_seats := jsonb_array_length(p_members);
	if v_seats > 20 then
		perform private.fail('seat_limit_exceeded');
	end if;
	for v_member in select * from jsonb_array_elements(p_members) loop
		v_kind := v_member->>'kind';
		v_nickname := btrim(coalesce(v_member->>'nickname', ''));
		if jsonb_typeof(v_member) <> 'object'
			or v_kind is null or v_kind not in ('child', 'parent', 'grandparent')
			or char_length(v_nickname) not between 1 and 30
			or (v_kind = 'child' and coalesce(v_member->>'age', '') !~ '^[0-9]{1,2}$')
			or (v_kind = 'child' and (v_member->>'age')::integer > 18) then
			perform private.fail('invalid_member');
		end if;
		v_has_child := v_has_child or v_kind = 'child';
	end loop;
	if v_has_child and not coalesce(p_consent, false) then
		perform private.fail('consent_required');
	end if;
	v_version := private.current_privacy_version();
	if v_has_child and v_version is null then
		perform private.fail('consent_required', 'No privacy text is published.');
	end if;

	select * into v_event from public.events e where e.id = p_event_id for update;
	if v_event.status = 'draft' then
		perform private.fail('event_not_found');
	end if;
	if v_event.status = 'cancelled' then
		perform private.fail('event_cancelled');
	end if;
	if (now() at time zone 'Asia/Shanghai')::date < (v_event.starts_at at time zone 'Asia/Shanghai')::date then
		perform private.fail('check_in_not_open',
			to_char(v_event.starts_at at time zone 'Asia/Shanghai', 'YYYY-MM-DD'));
	end if;
	if v_seats > v_event.max_seats_per_family then
		perform private.fail('seat_limit_exceeded',
			format('At most %s people per family.', v_event.max_seats_per_family));
	end if;
	if (v_event.min_child_age is not null or v_event.max_child_age is not null) and exists (
		select 1 from jsonb_array_elements(p_members) m
		where m->>'kind' = 'child' and (m->>'age')::integer
			not between coalesce(v_event.min_child_age, 0) and coalesce(v_event.max_child_age, 99)
	) then
		perform private.fail('age_out_of_range', format('For children aged %s to %s.',
			coalesce(v_event.min_child_age, 0), coalesce(v_event.max_child_age::text, '…')));
	end if;
	if v_event.seats_taken + private.held_reserve(p_event_id) + v_seats > v_event.capacity then
		perform private.fail('event_full',
			format('%s places left.', greatest(v_event.capacity - v_event.seats_taken
				- private.held_reserve(p_event_id), 0)));
	end if;

	insert into public.families (guardian_id, guardian_name, phone, email, locale, reminders_enabled,
		feedback_requests_enabled, door_org_id)
	values (null, v_name, v_phone, v_email, coalesce(p_locale, 'zh-CN'), v_email is not null,
		v_email is not null, v_org)
	returning * into v_family;
	if v_has_child then
		insert into public.consents (family_id, user_id, version, given_at_door)
		values (v_family.id, v_uid, v_version, true);
	end if;
	with added as (
		insert into public.family_members (family_id, kind, nickname, birth_year_month)
		select v_family.id, (m->>'kind')::public.member_kind, btrim(m->>'nickname'),
			-- Six months before the birthday's month: the given age on the event's day.
			case when m->>'kind' = 'child' then (date_trunc('month',
				(v_event.starts_at at time zone 'Asia/Shanghai')::date
				- make_interval(years => (m->>'age')::integer, months => 6)))::date end
		from jsonb_array_elements(p_members) m
		returning id
	)
	insert into public.registrations (event_id, family_id, status, seats, check_in_code, source,
		confirmed_at, checked_in_at)
	values (p_event_id, v_family.id, 'attended', v_seats, private.new_check_in_code(), 'door', now(),
		now())
	returning * into v_registration;
	insert into public.registration_attendees (registration_id, member_id)
	select v_registration.id, m.id from public.family_members m where m.family_id = v_family.id;

	select coalesce(jsonb_agg(jsonb_build_object('kind', m.kind, 'nickname', m.nickname)
		order by m.kind, m.nickname), '[]'::jsonb)
	into v_attendees
	from public.family_members m where m.family_id = v_family.id;
	perform private.enqueue_email('walk_in_registered', v_family.email, v_family.locale,
		private.registration_email_payload(v_registration, v_family, v_attendees),
		'walk_in_registered:' || v_registration.id, p_event_id, v_registration.id);

	return jsonb_build_object(
		'registration_id', v_registration.id,
		'family_id', v_family.id,
		'event_id', p_event_id,
		'status', 'attended',
		'seats', v_seats,
		'check_in_code', v_registration.check_in_code,
		'already_checked_in', false,
		'guardian_name', v_name,
		'attendees', (
			select coalesce(jsonb_agg(jsonb_build_object('kind', m.kind, 'nickname', m.nickname,
				'age', case when m.kind = 'child' then private.age_at(m.birth_year_month, v_event.starts_at) end)
				order by m.kind, m.nickname), '[]'::jsonb)
			from public.family_members m where m.family_id = v_family.id
		)
	);
end;
$$;

/*
 * Ties the families registered at a door with this email to the account that has just signed in
 * with it (verified), if the account has no family yet: the oldest becomes the account's family,
 * and the registrations, members and consents of any later ones move into it. An account that
 * already has a family keeps it as it is. Returns the family claimed, or null.
 */
create function private.claim_door_family(p_user_id uuid, p_email text)
returns uuid
language plpgsql
security definer
set search_path = ''
as $$
declare
	v_family uuid;
	v_other uuid;
begin
	if p_email is null or exists (select 1 from public.families f where f.guardian_id = p_user_id) then
		return null;
	end if;
	select f.id into v_family from public.families f
	where f.guardian_id is null and lower(f.email) = lower(p_email)
	order by f.created_at, f.id
	limit 1
	for update;
	if v_family is null then
		return null;
	end if;
	update public.families f set guardian_id = p_user_id where f.id = v_family;
	for v_other in
		select f.id from public.families f
		where f.guardian_id is null and lower(f.email) = lower(p_email) and f.id <> v_family
		order by f.created_at, f.id
		for update
	loop
		-- A second walk-in at the same event stays a record of its own rather than break the
		-- one-registration-per-event rule.
		continue when exists (
			select 1 from public.registrations a join public.registrations b on b.event_id = a.event_id
			where a.family_id = v_other and b.family_id = v_family
				and a.status <> 'cancelled' and b.status <> 'cancelled'
		);
		insert into public.consents (family_id, user_id, kind, version, agreed_at, given_at_door)
		select v_family, c.user_id, c.kind, c.version, c.agreed_at, c.given_at_door
		from public.consents c where c.family_id = v_other
		on conflict (family_id, kind, version) do nothing;
		update public.family_members m set family_id = v_family where m.family_id = v_other;
		update public.registrations r set family_id = v_family where r.family_id = v_other;
		delete from public.families f where f.id = v_other;
	end loop;
	return v_family;
end;
$$;

-- A sign-in stamps last_sign_in_at (GoTrue and the embedded Auth alike): the first one with a
-- verified address claims what the door recorded for it.
create function private.claim_door_family_on_sign_in()
returns trigger
language plpgsql
security definer
set search_path = ''
as $$
begin
	if new.email is not null and new.email_confirmed_at is not null and exists (
		select 1 from public.families f where f.guardian_id is null and lower(f.email) = lower(new.email)
	) then
		perform private.claim_door_family(new.id, new.email);
	end if;
	return null;
end;
$$;

create trigger users_claim_door_family
	after update of last_sign_in_at on auth.users
	for each row when (new.last_sign_in_at is not null)
	execute function private.claim_door_family_on_sign_in();

revoke all on function private.claim_door_family(uuid, text), private.claim_door_family_on_sign_in()
	from public, anon, authenticated;
revoke all on function public.register_walk_in(uuid, text, text, text, jsonb, boolean, public.app_locale)
	from public, anon;
grant execute on function public.register_walk_in(uuid, text, text, text, jsonb, boolean, public.app_locale)
	to authenticated;
