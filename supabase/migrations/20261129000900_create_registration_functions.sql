-- Registering, cancelling, the waitlist, check-in, and emails on event changes.
-- Every function that changes seats locks the event row first (`for update`), so capacity and the
-- waitlist order hold under any number of concurrent calls. Failures: errcode P0001, message = code.

-- A child's age in whole years on the (Shanghai) day an event starts.
create function private.age_at(p_birth_year_month date, p_at timestamptz)
returns integer
language sql
stable
set search_path = ''
as $$
	select extract(year from age((p_at at time zone 'Asia/Shanghai')::date, p_birth_year_month))::integer
$$;

create function private.new_check_in_code()
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
		into v_code from generate_series(1, 6);
		exit when not exists (select 1 from public.registrations r where r.check_in_code = v_code);
	end loop;
	return v_code;
end;
$$;

/*
 * Confirms waitlisted families, in joining order, while places remain. A family that does not fit
 * the free places is skipped and keeps its place; a smaller family behind it may go first.
 * The caller holds the event row lock. Returns how many were promoted.
 */
create function private.promote_waitlist(p_event_id uuid)
returns integer
language plpgsql
security definer
set search_path = ''
as $$
declare
	v_free integer;
	v_promoted integer := 0;
	v_row record;
begin
	select e.capacity - e.seats_taken into v_free from public.events e where e.id = p_event_id;
	if v_free is null or v_free <= 0 then
		return 0;
	end if;
	for v_row in
		select r.id, r.seats from public.registrations r
		where r.event_id = p_event_id and r.status = 'waitlisted'
		order by r.waitlist_position
	loop
		exit when v_free <= 0;
		if v_row.seats <= v_free then
			update public.registrations r
			set status = 'confirmed', confirmed_at = now(), waitlist_position = null
			where r.id = v_row.id;
			v_free := v_free - v_row.seats;
			v_promoted := v_promoted + 1;
			perform private.email_family('waitlist_promoted', v_row.id, 'waitlist_promoted:' || v_row.id);
		end if;
	end loop;
	return v_promoted;
end;
$$;

-- Cancels one registration (the event row is locked by the caller) and promotes from the waitlist
-- while the event is still ahead. Returns how many were promoted.
create function private.cancel_registration_locked(p_registration_id uuid, p_notify boolean)
returns integer
language plpgsql
security definer
set search_path = ''
as $$
declare
	v_event public.events;
begin
	update public.registrations r
	set status = 'cancelled', cancelled_at = now(), waitlist_position = null
	where r.id = p_registration_id and r.status in ('confirmed', 'waitlisted');
	if not found then
		return 0;
	end if;
	if p_notify then
		perform private.email_family('registration_cancelled', p_registration_id,
			'registration_cancelled:' || p_registration_id);
	end if;
	select e.* into v_event from public.events e
	join public.registrations r on r.event_id = e.id
	where r.id = p_registration_id;
	if v_event.status = 'published' and v_event.starts_at > now() then
		return private.promote_waitlist(v_event.id);
	end if;
	return 0;
end;
$$;

/*
 * Registers members of the caller's family for an event (报名). Confirms when the places allow,
 * else puts the family on the waitlist, or fails with event_full when the waitlist is off.
 * Writes the confirmation (or waitlist) email in the same transaction.
 * Returns {registration_id, status: 'confirmed'|'waitlisted', waitlist_position: int|null}.
 * Fails (checked in this order): not_authorised, family_required, no_attendees, not_family_member,
 * consent_required, event_not_found, event_cancelled, already_registered, registration_not_open,
 * registration_closed, seat_limit_exceeded, age_out_of_range, event_full.
 * Everything that does not depend on the event row is read before the row is locked; under the
 * lock come only the checks against the event, the decision and three inserts.
 */
create function public.register_family(p_event_id uuid, p_member_ids uuid[], p_source text default null)
returns jsonb
language plpgsql
security definer
set search_path = ''
as $$
declare
	v_uid uuid := auth.uid();
	v_family public.families;
	v_event public.events;
	v_members uuid[];
	v_seats integer;
	v_found integer;
	v_has_child boolean;
	v_births date[];
	v_attendees jsonb;
	v_status public.registration_status;
	v_position integer;
	v_registration public.registrations;
	v_code text;
	v_source text := lower(btrim(p_source));
begin
	if v_uid is null then
		perform private.fail('not_authorised', 'Sign in to register.');
	end if;
	select f.* into v_family from public.families f where f.guardian_id = v_uid;
	if not found then
		perform private.fail('family_required', 'Save the family''s contact details first.');
	end if;

	-- Who comes, and how the email will list them: read before taking the event lock.
	select coalesce(array_agg(distinct m), '{}') into v_members from unnest(p_member_ids) m
	where m is not null;
	v_seats := cardinality(v_members);
	if v_seats = 0 then
		perform private.fail('no_attendees', 'Choose who is coming.');
	end if;
	select count(*), coalesce(bool_or(fm.kind = 'child'), false),
		array_agg(fm.birth_year_month) filter (where fm.kind = 'child'),
		coalesce(jsonb_agg(jsonb_build_object('kind', fm.kind, 'nickname', fm.nickname)
			order by fm.kind, fm.nickname), '[]'::jsonb)
	into v_found, v_has_child, v_births, v_attendees
	from public.family_members fm
	where fm.id = any (v_members) and fm.family_id = v_family.id;
	if v_found <> v_seats then
		perform private.fail('not_family_member', 'Only members of your own family can be registered.');
	end if;
	if v_has_child and not private.has_current_consent(v_family.id) then
		perform private.fail('consent_required', 'Agree to the current privacy text first.');
	end if;
	if v_source !~ '^[a-z0-9._-]{1,40}$' then
		v_source := null;
	end if;
	v_code := private.new_check_in_code();

	-- Only the columns the checks use: a long description is not read under the lock.
	select e.status, e.starts_at, e.registration_opens_at, e.registration_closes_at, e.capacity,
		e.max_seats_per_family, e.min_child_age, e.max_child_age, e.waitlist_enabled, e.seats_taken
	into v_event.status, v_event.starts_at, v_event.registration_opens_at,
		v_event.registration_closes_at, v_event.capacity, v_event.max_seats_per_family,
		v_event.min_child_age, v_event.max_child_age, v_event.waitlist_enabled, v_event.seats_taken
	from public.events e where e.id = p_event_id for update;
	if not found or v_event.status = 'draft' then
		perform private.fail('event_not_found');
	end if;
	if v_event.status = 'cancelled' then
		perform private.fail('event_cancelled');
	end if;
	if exists (
		select 1 from public.registrations r
		where r.event_id = p_event_id and r.family_id = v_family.id and r.status <> 'cancelled'
	) then
		perform private.fail('already_registered');
	end if;
	if v_event.registration_opens_at is not null and now() < v_event.registration_opens_at then
		perform private.fail('registration_not_open', to_char(v_event.registration_opens_at
			at time zone 'Asia/Shanghai', 'YYYY-MM-DD HH24:MI'));
	end if;
	if now() >= least(coalesce(v_event.registration_closes_at, v_event.starts_at), v_event.starts_at) then
		perform private.fail('registration_closed');
	end if;
	if v_seats > v_event.max_seats_per_family then
		perform private.fail('seat_limit_exceeded',
			format('At most %s people per family.', v_event.max_seats_per_family));
	end if;
	if v_seats > v_event.capacity then
		perform private.fail('seat_limit_exceeded',
			format('The event has %s places in all.', v_event.capacity));
	end if;
	if (v_event.min_child_age is not null or v_event.max_child_age is not null) and exists (
		select 1 from unnest(v_births) b
		where private.age_at(b, v_event.starts_at)
			not between coalesce(v_event.min_child_age, 0) and coalesce(v_event.max_child_age, 99)
	) then
		perform private.fail('age_out_of_range', format('For children aged %s to %s.',
			coalesce(v_event.min_child_age, 0), coalesce(v_event.max_child_age::text, '…')));
	end if;

	if v_event.seats_taken + v_seats <= v_event.capacity then
		v_status := 'confirmed';
	elsif v_event.waitlist_enabled then
		v_status := 'waitlisted';
		select coalesce(max(r.waitlist_position), 0) + 1 into v_position
		from public.registrations r where r.event_id = p_event_id and r.status = 'waitlisted';
	else
		perform private.fail('event_full');
	end if;

	insert into public.registrations (event_id, family_id, status, seats, waitlist_position,
		waitlist_joined_at, check_in_code, source, confirmed_at)
	values (p_event_id, v_family.id, v_status, v_seats, v_position,
		-- The moment the lock was won: the joining order the positions follow.
		case when v_status = 'waitlisted' then clock_timestamp() end,
		v_code, v_source,
		case when v_status = 'confirmed' then now() end)
	returning * into v_registration;
	insert into public.registration_attendees (registration_id, member_id)
	select v_registration.id, m from unnest(v_members) m;

	-- The email, in this transaction, from the rows already read (no second read of the family
	-- or the attendees while the event row is locked).
	perform private.enqueue_email('registration_' || v_status, v_family.email, v_family.locale,
		private.registration_email_payload(v_registration, v_family, v_attendees),
		'registration_' || v_status || ':' || v_registration.id, p_event_id, v_registration.id);
	return jsonb_build_object('registration_id', v_registration.id, 'status', v_status,
		'waitlist_position', v_position);
end;
$$;

/*
 * Cancels a registration (取消报名): the guardian before the event starts, the event's staff at any
 * time. Frees the places and promotes waitlisted families in order, emailing each.
 * Returns {registration_id, status: 'cancelled', promoted: int}.
 * Fails: registration_not_found, not_authorised, too_late_to_cancel, registration_not_active.
 */
create function public.cancel_registration(p_registration_id uuid)
returns jsonb
language plpgsql
security definer
set search_path = ''
as $$
declare
	v_event_id uuid;
	v_event public.events;
	v_registration public.registrations;
	v_is_guardian boolean;
	v_promoted integer;
begin
	select r.event_id into v_event_id from public.registrations r where r.id = p_registration_id;
	if v_event_id is null then
		perform private.fail('registration_not_found');
	end if;
	-- The event first, then the registration: the same order as register_family.
	select * into v_event from public.events e where e.id = v_event_id for update;
	select * into v_registration from public.registrations r where r.id = p_registration_id for update;
	select exists (
		select 1 from public.families f
		where f.id = v_registration.family_id and f.guardian_id = auth.uid()
	) into v_is_guardian;
	if not v_is_guardian and not private.is_org_member(v_event.org_id) then
		perform private.fail('not_authorised');
	end if;
	if v_registration.status not in ('confirmed', 'waitlisted') then
		perform private.fail('registration_not_active', format('The registration is %s.', v_registration.status));
	end if;
	if not private.is_org_member(v_event.org_id) and now() >= v_event.starts_at then
		perform private.fail('too_late_to_cancel', 'The event has started: please tell the organiser.');
	end if;
	v_promoted := private.cancel_registration_locked(p_registration_id, true);
	return jsonb_build_object('registration_id', p_registration_id, 'status', 'cancelled',
		'promoted', v_promoted);
end;
$$;

/*
 * Checks a family in at the door (签到) by its code: staff of the event's organisation, from the
 * event's day (Beijing time) on — not days ahead, where a tap would count as attendance.
 * Returns {registration_id, event_id, status: 'attended', seats, already_checked_in,
 * guardian_name, attendees: [{kind, nickname, age}]} (age: children only).
 * Fails: registration_not_found, not_authorised, event_cancelled, check_in_not_open (hint: the
 * day it opens, YYYY-MM-DD), not_confirmed, registration_not_active.
 */
create function public.check_in(p_code text)
returns jsonb
language plpgsql
security definer
set search_path = ''
as $$
declare
	v_registration public.registrations;
	v_event public.events;
	v_already boolean := false;
begin
	select * into v_registration from public.registrations r
	where r.check_in_code = upper(btrim(p_code))
	for update;
	if not found then
		perform private.fail('registration_not_found');
	end if;
	select * into v_event from public.events e where e.id = v_registration.event_id;
	if not private.is_org_member(v_event.org_id) then
		perform private.fail('not_authorised');
	end if;
	if v_event.status = 'cancelled' then
		perform private.fail('event_cancelled');
	end if;
	if (now() at time zone 'Asia/Shanghai')::date < (v_event.starts_at at time zone 'Asia/Shanghai')::date then
		perform private.fail('check_in_not_open',
			to_char(v_event.starts_at at time zone 'Asia/Shanghai', 'YYYY-MM-DD'));
	end if;
	case v_registration.status
		when 'waitlisted' then
			perform private.fail('not_confirmed', format('On the waitlist, position %s.',
				v_registration.waitlist_position));
		when 'cancelled' then
			perform private.fail('registration_not_active', 'The registration was cancelled.');
		when 'attended' then
			v_already := true;
		else
			update public.registrations r set status = 'attended', checked_in_at = now()
			where r.id = v_registration.id;
	end case;
	return jsonb_build_object(
		'registration_id', v_registration.id,
		'event_id', v_event.id,
		'status', 'attended',
		'seats', v_registration.seats,
		'already_checked_in', v_already,
		'guardian_name', (select f.guardian_name from public.families f where f.id = v_registration.family_id),
		'attendees', coalesce((
			select jsonb_agg(jsonb_build_object(
				'kind', m.kind,
				'nickname', m.nickname,
				'age', case when m.kind = 'child' then private.age_at(m.birth_year_month, v_event.starts_at) end
			) order by m.kind, m.nickname)
			from public.registration_attendees a
			join public.family_members m on m.id = a.member_id
			where a.registration_id = v_registration.id
		), '[]'::jsonb)
	);
end;
$$;

/*
 * After an event has started, marks every confirmed registration not checked in as no_show.
 * Returns how many. Fails: event_not_found, not_authorised, event_not_started.
 */
create function public.mark_no_shows(p_event_id uuid)
returns integer
language plpgsql
security definer
set search_path = ''
as $$
declare
	v_event public.events;
	v_count integer;
begin
	select * into v_event from public.events e where e.id = p_event_id;
	if not found then
		perform private.fail('event_not_found');
	end if;
	if not private.is_org_member(v_event.org_id) then
		perform private.fail('not_authorised');
	end if;
	if now() < v_event.starts_at then
		perform private.fail('event_not_started');
	end if;
	update public.registrations r set status = 'no_show'
	where r.event_id = p_event_id and r.status = 'confirmed';
	get diagnostics v_count = row_count;
	return v_count;
end;
$$;

/*
 * Who is coming to an event, for its staff (and district administrators): no contact details or
 * birth dates — the guardian's name, a masked phone number, and each attendee's kind, nickname and
 * (children) age. Cancelled registrations are left out.
 * Fails: event_not_found, not_authorised.
 */
create function public.event_attendees(p_event_id uuid)
returns table (
	registration_id uuid,
	status public.registration_status,
	seats integer,
	waitlist_position integer,
	check_in_code text,
	source text,
	guardian_name text,
	phone_masked text,
	attendees jsonb,
	created_at timestamptz
)
language plpgsql
stable
security definer
set search_path = ''
as $$
declare
	v_event public.events;
begin
	select * into v_event from public.events e where e.id = p_event_id;
	if not found then
		perform private.fail('event_not_found');
	end if;
	if not (private.is_org_member(v_event.org_id) or private.is_district_admin()) then
		perform private.fail('not_authorised');
	end if;
	return query
		select r.id, r.status, r.seats::integer, r.waitlist_position, r.check_in_code, r.source,
			f.guardian_name,
			case when char_length(f.phone) >= 7
				then left(f.phone, 3) || '****' || right(f.phone, 4) end,
			coalesce((
				select jsonb_agg(jsonb_build_object(
					'kind', m.kind,
					'nickname', m.nickname,
					'age', case when m.kind = 'child' then private.age_at(m.birth_year_month, v_event.starts_at) end
				) order by m.kind, m.nickname)
				from public.registration_attendees a
				join public.family_members m on m.id = a.member_id
				where a.registration_id = r.id
			), '[]'::jsonb),
			r.created_at
		from public.registrations r
		join public.families f on f.id = r.family_id
		where r.event_id = p_event_id and r.status <> 'cancelled'
		order by r.status, r.waitlist_position nulls first, r.created_at;
end;
$$;

-- Cancelling an event, or changing its time or place while published, emails every registered
-- family (confirmed or waitlisted); more places promote from the waitlist.
create function private.notify_event_change()
returns trigger
language plpgsql
security definer
set search_path = ''
as $$
begin
	if new.status = 'cancelled' and old.status <> 'cancelled' then
		perform private.email_family('event_cancelled', r.id, 'event_cancelled:' || r.id)
		from public.registrations r
		where r.event_id = new.id and r.status in ('confirmed', 'waitlisted');
	elsif new.status = 'published' and old.status = 'published'
		and (new.starts_at, new.ends_at, new.venue_booking_id, new.address_zh, new.address_en)
			is distinct from (old.starts_at, old.ends_at, old.venue_booking_id, old.address_zh, old.address_en)
	then
		-- The previous time, when it moved, so the email can say what changed.
		perform private.email_family('event_changed', r.id, 'event_changed:' || r.id || ':' || new.sequence,
			case when (new.starts_at, new.ends_at) is distinct from (old.starts_at, old.ends_at)
				then jsonb_build_object('previous_starts_at', old.starts_at, 'previous_ends_at', old.ends_at)
				else '{}'::jsonb end)
		from public.registrations r
		where r.event_id = new.id and r.status in ('confirmed', 'waitlisted');
	end if;
	if new.capacity > old.capacity and new.status = 'published' and new.starts_at > now() then
		perform private.promote_waitlist(new.id);
	end if;
	return null;
end;
$$;

create trigger events_notify_families after update on public.events
	for each row
	when (
		old.status is distinct from new.status
		or old.starts_at is distinct from new.starts_at
		or old.ends_at is distinct from new.ends_at
		or old.venue_booking_id is distinct from new.venue_booking_id
		or old.address_zh is distinct from new.address_zh
		or old.address_en is distinct from new.address_en
		or new.capacity > old.capacity
	)
	execute function private.notify_event_change();

-- Deleting a family (the guardian's right to erasure) first cancels its registrations for events
-- still ahead, so their places go to the waitlist; no emails go to the departing family.
create function private.release_family()
returns trigger
language plpgsql
security definer
set search_path = ''
as $$
declare
	v_row record;
begin
	for v_row in
		select r.id, r.event_id from public.registrations r
		join public.events e on e.id = r.event_id
		where r.family_id = old.id and r.status in ('confirmed', 'waitlisted') and e.starts_at > now()
		order by r.event_id
	loop
		perform 1 from public.events e where e.id = v_row.event_id for update;
		perform private.cancel_registration_locked(v_row.id, false);
	end loop;
	delete from public.email_outbox o
	where o.status = 'pending'
		and o.registration_id in (select r.id from public.registrations r where r.family_id = old.id);
	return old;
end;
$$;

create trigger families_release_registrations before delete on public.families
	for each row execute function private.release_family();

revoke all on all functions in schema private from public;
revoke all on function
	public.register_family(uuid, uuid[], text),
	public.cancel_registration(uuid),
	public.check_in(text),
	public.mark_no_shows(uuid),
	public.event_attendees(uuid)
	from public, anon, authenticated;
grant execute on function
	public.register_family(uuid, uuid[], text),
	public.cancel_registration(uuid),
	public.check_in(text),
	public.mark_no_shows(uuid),
	public.event_attendees(uuid)
	to authenticated;
