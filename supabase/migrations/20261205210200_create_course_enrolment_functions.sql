-- Saving a course, enrolling, cancelling and the course waitlist, and drop-ins to single sessions.
-- Every function that changes a course's places locks the course row first, then the sessions'
-- event rows in id order (the order register_family's event lock meets them in), so the capacity and
-- the waitlist order hold under any number of concurrent calls. Failures: errcode P0001, message =
-- a stable code.

/*
 * Creates (p_id null) or updates a course of p_org_id and sets its sessions (p_event_ids: events of
 * the same organisation, in no other course, each with at least the course's capacity in places).
 * p_course: {kind, status ('draft'|'published'), title_zh, title_en, summary_zh, summary_en,
 * capacity, max_seats_per_family, enrol_opens_at, enrol_closes_at, waitlist_enabled,
 * drop_in_enabled, sessions_required, excused_allowed}. Returns the course id.
 * Fails: not_authorised, course_not_found, no_sessions, session_invalid, session_in_other_course,
 * session_too_small, sessions_required_too_high, sessions_not_published, course_has_enrolments
 * (sessions cannot change once families enrolled), capacity_below_confirmed, invalid_input.
 */
create function public.save_course(p_org_id uuid, p_course jsonb, p_event_ids uuid[],
	p_id uuid default null)
returns uuid
language plpgsql
security definer
set search_path = ''
as $$
declare
	v_course public.courses;
	v_events uuid[];
	v_count integer;
	v_first timestamptz;
	v_min_capacity integer;
	v_unpublished integer;
	v_alphabet constant text := 'abcdefghijkmnpqrstuvwxyz23456789';
	v_old_capacity integer;
	v_status public.event_status;
begin
	if not private.is_org_member(p_org_id) then
		perform private.fail('not_authorised');
	end if;
	select coalesce(array_agg(distinct e order by e), '{}') into v_events
	from unnest(p_event_ids) e where e is not null;
	if cardinality(v_events) = 0 then
		perform private.fail('no_sessions', 'Choose the events that are the course''s sessions.');
	end if;
	select count(*), min(e.starts_at), min(e.capacity),
		count(*) filter (where e.status <> 'published')
	into v_count, v_first, v_min_capacity, v_unpublished
	from public.events e
	where e.id = any (v_events) and e.org_id = p_org_id and e.status <> 'cancelled';
	if v_count <> cardinality(v_events) then
		perform private.fail('session_invalid', 'Sessions are events of your own organisation.');
	end if;
	if exists (
		select 1 from public.course_sessions s
		where s.event_id = any (v_events) and s.course_id is distinct from p_id
	) then
		perform private.fail('session_in_other_course');
	end if;

	if p_id is not null then
		select * into v_course from public.courses c where c.id = p_id and c.org_id = p_org_id for update;
		if not found then
			perform private.fail('course_not_found');
		end if;
		v_old_capacity := v_course.capacity;
	else
		v_course.id := gen_random_uuid();
		v_course.org_id := p_org_id;
		v_course.slug := to_char(v_first at time zone 'Asia/Shanghai', 'YYYY-MM') || '-course-'
			|| (select string_agg(substr(v_alphabet, 1 + floor(random() * 32)::int, 1), '')
				from generate_series(1, 5));
	end if;

	begin
		v_status := coalesce(nullif(p_course ->> 'status', ''), 'draft')::public.event_status;
		v_course.kind := (p_course ->> 'kind')::public.course_kind;
		v_course.title_zh := btrim(coalesce(p_course ->> 'title_zh', ''));
		v_course.title_en := btrim(coalesce(p_course ->> 'title_en', ''));
		v_course.summary_zh := btrim(coalesce(p_course ->> 'summary_zh', ''));
		v_course.summary_en := btrim(coalesce(p_course ->> 'summary_en', ''));
		v_course.capacity := (p_course ->> 'capacity')::integer;
		v_course.max_seats_per_family := coalesce((p_course ->> 'max_seats_per_family')::smallint, 2);
		v_course.enrol_opens_at := nullif(p_course ->> 'enrol_opens_at', '')::timestamptz;
		v_course.enrol_closes_at := nullif(p_course ->> 'enrol_closes_at', '')::timestamptz;
		v_course.waitlist_enabled := coalesce((p_course ->> 'waitlist_enabled')::boolean, true);
		v_course.drop_in_enabled := coalesce((p_course ->> 'drop_in_enabled')::boolean, false);
		v_course.sessions_required := (p_course ->> 'sessions_required')::smallint;
		v_course.excused_allowed := coalesce((p_course ->> 'excused_allowed')::smallint, 0);
	exception when invalid_text_representation or numeric_value_out_of_range
		or invalid_datetime_format or datetime_field_overflow then
		perform private.fail('invalid_input');
	end;
	if v_status = 'cancelled' or v_course.kind is null or v_course.capacity is null
		or v_course.sessions_required is null then
		perform private.fail('invalid_input');
	end if;
	if v_course.capacity > v_min_capacity then
		perform private.fail('session_too_small',
			format('Every session needs at least %s places.', v_course.capacity));
	end if;
	if v_course.sessions_required > v_count then
		perform private.fail('sessions_required_too_high',
			format('The course has %s sessions.', v_count));
	end if;
	if v_status = 'published' and v_unpublished > 0 then
		perform private.fail('sessions_not_published', 'Publish the sessions first.');
	end if;

	if p_id is null then
		v_course.status := v_status;
		insert into public.courses (id, org_id, slug, kind, status, title_zh, title_en, summary_zh,
			summary_en, capacity, max_seats_per_family, enrol_opens_at, enrol_closes_at,
			waitlist_enabled, drop_in_enabled, sessions_required, excused_allowed)
		values (v_course.id, v_course.org_id, v_course.slug, v_course.kind, v_status,
			v_course.title_zh, v_course.title_en, v_course.summary_zh, v_course.summary_en,
			v_course.capacity, v_course.max_seats_per_family, v_course.enrol_opens_at,
			v_course.enrol_closes_at, v_course.waitlist_enabled, v_course.drop_in_enabled,
			v_course.sessions_required, v_course.excused_allowed);
	else
		if v_course.status = 'published' and v_status = 'draft' and exists (
			select 1 from public.course_enrolments ce
			where ce.course_id = p_id and ce.status <> 'cancelled'
		) then
			perform private.fail('course_has_enrolments');
		end if;
		if v_course.capacity < v_course.seats_taken then
			perform private.fail('capacity_below_confirmed',
				format('%s places are already taken.', v_course.seats_taken));
		end if;
		if exists (
			select 1 from public.course_sessions s where s.course_id = p_id
			and not (s.event_id = any (v_events))
			union all
			select 1 from unnest(v_events) e
			where not exists (select 1 from public.course_sessions s where s.course_id = p_id and s.event_id = e)
		) and exists (
			select 1 from public.course_enrolments ce where ce.course_id = p_id and ce.status <> 'cancelled'
		) then
			perform private.fail('course_has_enrolments', 'Sessions cannot change once families enrolled.');
		end if;
		update public.courses c set kind = v_course.kind, status = v_status, title_zh = v_course.title_zh,
			title_en = v_course.title_en, summary_zh = v_course.summary_zh,
			summary_en = v_course.summary_en, capacity = v_course.capacity,
			max_seats_per_family = v_course.max_seats_per_family,
			enrol_opens_at = v_course.enrol_opens_at, enrol_closes_at = v_course.enrol_closes_at,
			waitlist_enabled = v_course.waitlist_enabled, drop_in_enabled = v_course.drop_in_enabled,
			sessions_required = v_course.sessions_required,
			excused_allowed = v_course.excused_allowed, updated_at = now()
		where c.id = p_id;
		delete from public.course_sessions s where s.course_id = p_id and not (s.event_id = any (v_events));
	end if;
	insert into public.course_sessions (course_id, event_id)
	select v_course.id, e from unnest(v_events) e
	on conflict do nothing;
	if p_id is not null and v_course.capacity > v_old_capacity then
		perform private.promote_course_waitlist(p_id);
	end if;
	return v_course.id;
exception when check_violation then
	perform private.fail('invalid_input', sqlerrm);
end;
$$;

/*
 * Registers a confirmed enrolment's members for every session still ahead (the course row is locked
 * by the caller). Each session's event row is locked in id order; a session where the family already
 * holds a registration (a drop-in) keeps it, and a session with no places left for the family
 * (outside seats held for referred families) is skipped. Returns how many sessions the family was registered for.
 */
create function private.register_enrolment_sessions(p_enrolment_id uuid)
returns integer
language plpgsql
security definer
set search_path = ''
as $$
declare
	v_enrolment public.course_enrolments;
	v_event record;
	v_registration_id uuid;
	v_count integer := 0;
begin
	select * into v_enrolment from public.course_enrolments ce where ce.id = p_enrolment_id;
	for v_event in
		select e.id, e.capacity, e.seats_taken from public.course_sessions s
		join public.events e on e.id = s.event_id
		where s.course_id = v_enrolment.course_id and e.status = 'published' and e.starts_at > now()
		order by e.id
		for update of e
	loop
		continue when exists (
			select 1 from public.registrations r
			where r.event_id = v_event.id and r.family_id = v_enrolment.family_id and r.status <> 'cancelled'
		);
		-- Seats held for referred families are not the course's to give.
		continue when v_event.seats_taken + v_enrolment.seats + private.held_reserve(v_event.id)
			> v_event.capacity;
		insert into public.registrations (event_id, family_id, status, seats, check_in_code, source,
			confirmed_at)
		values (v_event.id, v_enrolment.family_id, 'confirmed', v_enrolment.seats,
			private.new_check_in_code(), coalesce(v_enrolment.source, 'course'), now())
		returning id into v_registration_id;
		insert into public.registration_attendees (registration_id, member_id)
		select v_registration_id, cm.member_id from public.course_enrolment_members cm
		where cm.enrolment_id = p_enrolment_id;
		v_count := v_count + 1;
	end loop;
	return v_count;
end;
$$;

-- What a course email says: the course, its organiser and its sessions, and the family's enrolment.
create function private.course_email_payload(p_enrolment_id uuid)
returns jsonb
language sql
stable
security definer
set search_path = ''
as $$
	select jsonb_build_object(
		'course', jsonb_build_object('id', c.id, 'slug', c.slug, 'title_zh', c.title_zh,
			'title_en', c.title_en, 'sessions_required', c.sessions_required),
		'organisation', jsonb_build_object('name_zh', o.name_zh, 'name_en', o.name_en,
			'phone', o.contact_phone),
		'enrolment', jsonb_build_object('id', ce.id, 'status', ce.status, 'seats', ce.seats,
			'waitlist_position', ce.waitlist_position),
		'sessions', coalesce((
			select jsonb_agg(jsonb_build_object('title_zh', e.title_zh, 'title_en', e.title_en,
				'starts_at', e.starts_at, 'ends_at', e.ends_at, 'place', private.event_place(e.id))
				order by e.starts_at)
			from public.course_sessions s join public.events e on e.id = s.event_id
			where s.course_id = c.id and e.status <> 'cancelled'
		), '[]'::jsonb),
		'guardian_name', f.guardian_name,
		'attendees', coalesce((
			select jsonb_agg(jsonb_build_object('kind', m.kind, 'nickname', m.nickname)
				order by m.kind, m.nickname)
			from public.course_enrolment_members cm
			join public.family_members m on m.id = cm.member_id
			where cm.enrolment_id = ce.id
		), '[]'::jsonb)
	)
	from public.course_enrolments ce
	join public.courses c on c.id = ce.course_id
	join public.organisations o on o.id = c.org_id
	join public.families f on f.id = ce.family_id
	where ce.id = p_enrolment_id
$$;

create function private.email_enrolment(p_kind text, p_enrolment_id uuid)
returns void
language plpgsql
security definer
set search_path = ''
as $$
begin
	perform private.enqueue_email(p_kind, f.email, f.locale,
		private.course_email_payload(p_enrolment_id), p_kind || ':' || p_enrolment_id)
	from public.course_enrolments ce join public.families f on f.id = ce.family_id
	where ce.id = p_enrolment_id;
end;
$$;

/*
 * Confirms waitlisted enrolments, in joining order, while the course has places; a family that does
 * not fit is skipped and keeps its place. The caller holds the course row lock. Returns how many
 * were promoted. Only while enrolment has not closed.
 */
create function private.promote_course_waitlist(p_course_id uuid)
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
	select c.capacity - c.seats_taken into v_free from public.courses c
	where c.id = p_course_id and c.status = 'published';
	if v_free is null or v_free <= 0 then
		return 0;
	end if;
	for v_row in
		select ce.id, ce.seats from public.course_enrolments ce
		where ce.course_id = p_course_id and ce.status = 'waitlisted'
		order by ce.waitlist_position
	loop
		exit when v_free <= 0;
		if v_row.seats <= v_free then
			update public.course_enrolments ce
			set status = 'confirmed', confirmed_at = now(), waitlist_position = null
			where ce.id = v_row.id;
			perform private.register_enrolment_sessions(v_row.id);
			v_free := v_free - v_row.seats;
			v_promoted := v_promoted + 1;
			perform private.email_enrolment('course_promoted', v_row.id);
		end if;
	end loop;
	return v_promoted;
end;
$$;

/*
 * Enrols members of the caller's family in a whole course (报名课程): confirmed when the course has
 * places (and then registered for every session ahead), else waitlisted, or course_full when the
 * waitlist is off. Writes the email in the same transaction.
 * Returns {enrolment_id, status: 'confirmed'|'waitlisted', waitlist_position, sessions}.
 * Fails: not_authorised, family_required, no_attendees, not_family_member, consent_required,
 * course_not_found, course_cancelled, already_enrolled, enrolment_not_open, enrolment_closed,
 * seat_limit_exceeded, course_full.
 */
create function public.enrol_in_course(p_course_id uuid, p_member_ids uuid[], p_source text default null)
returns jsonb
language plpgsql
security definer
set search_path = ''
as $$
declare
	v_uid uuid := auth.uid();
	v_family public.families;
	v_course public.courses;
	v_members uuid[];
	v_seats integer;
	v_found integer;
	v_has_child boolean;
	v_closes timestamptz;
	v_status public.course_enrolment_status;
	v_position integer;
	v_enrolment_id uuid;
	v_sessions integer := 0;
	v_source text := lower(btrim(p_source));
begin
	if v_uid is null then
		perform private.fail('not_authorised', 'Sign in to enrol.');
	end if;
	select f.* into v_family from public.families f where f.guardian_id = v_uid;
	if not found then
		perform private.fail('family_required', 'Save the family''s contact details first.');
	end if;
	select coalesce(array_agg(distinct m), '{}') into v_members from unnest(p_member_ids) m
	where m is not null;
	v_seats := cardinality(v_members);
	if v_seats = 0 then
		perform private.fail('no_attendees', 'Choose who takes the course.');
	end if;
	select count(*), coalesce(bool_or(fm.kind = 'child'), false) into v_found, v_has_child
	from public.family_members fm where fm.id = any (v_members) and fm.family_id = v_family.id;
	if v_found <> v_seats then
		perform private.fail('not_family_member', 'Only members of your own family can be enrolled.');
	end if;
	if v_has_child and not private.has_current_consent(v_family.id) then
		perform private.fail('consent_required', 'Agree to the current privacy text first.');
	end if;
	if v_source !~ '^[a-z0-9._-]{1,40}$' then
		v_source := null;
	end if;

	select * into v_course from public.courses c where c.id = p_course_id for update;
	if not found or v_course.status = 'draft' then
		perform private.fail('course_not_found');
	end if;
	if v_course.status = 'cancelled' then
		perform private.fail('course_cancelled');
	end if;
	if exists (
		select 1 from public.course_enrolments ce
		where ce.course_id = p_course_id and ce.family_id = v_family.id and ce.status <> 'cancelled'
	) then
		perform private.fail('already_enrolled');
	end if;
	if v_course.enrol_opens_at is not null and now() < v_course.enrol_opens_at then
		perform private.fail('enrolment_not_open', to_char(v_course.enrol_opens_at
			at time zone 'Asia/Shanghai', 'YYYY-MM-DD HH24:MI'));
	end if;
	select coalesce(v_course.enrol_closes_at, min(e.starts_at)) into v_closes
	from public.course_sessions s join public.events e on e.id = s.event_id
	where s.course_id = p_course_id and e.status = 'published';
	if v_closes is null or now() >= v_closes then
		perform private.fail('enrolment_closed');
	end if;
	if v_seats > v_course.max_seats_per_family then
		perform private.fail('seat_limit_exceeded',
			format('At most %s people per family.', v_course.max_seats_per_family));
	end if;
	if v_seats > v_course.capacity then
		perform private.fail('seat_limit_exceeded',
			format('The course has %s places in all.', v_course.capacity));
	end if;

	if v_course.seats_taken + v_seats <= v_course.capacity then
		v_status := 'confirmed';
	elsif v_course.waitlist_enabled then
		v_status := 'waitlisted';
		v_position := v_course.waitlist_count + 1;
	else
		perform private.fail('course_full');
	end if;
	insert into public.course_enrolments (course_id, family_id, status, seats, waitlist_position,
		source, confirmed_at)
	values (p_course_id, v_family.id, v_status, v_seats, v_position, v_source,
		case when v_status = 'confirmed' then now() end)
	returning id into v_enrolment_id;
	insert into public.course_enrolment_members (enrolment_id, member_id)
	select v_enrolment_id, m from unnest(v_members) m;
	if v_status = 'confirmed' then
		v_sessions := private.register_enrolment_sessions(v_enrolment_id);
	end if;
	perform private.email_enrolment('course_' || v_status, v_enrolment_id);
	return jsonb_build_object('enrolment_id', v_enrolment_id, 'status', v_status,
		'waitlist_position', v_position, 'sessions', v_sessions);
end;
$$;

/*
 * Cancels an enrolment (退课): the guardian, or the course's staff. Cancels the family's
 * registrations for sessions still ahead, frees the places and promotes waitlisted families in
 * order. Attended sessions stay attended. Returns {enrolment_id, status: 'cancelled', was, promoted}.
 * Fails: enrolment_not_found, not_authorised, enrolment_not_active.
 */
create function public.cancel_course_enrolment(p_enrolment_id uuid)
returns jsonb
language plpgsql
security definer
set search_path = ''
as $$
declare
	v_course public.courses;
	v_enrolment public.course_enrolments;
	v_row record;
	v_promoted integer := 0;
begin
	select * into v_enrolment from public.course_enrolments ce where ce.id = p_enrolment_id;
	if not found then
		perform private.fail('enrolment_not_found');
	end if;
	select * into v_course from public.courses c where c.id = v_enrolment.course_id for update;
	select * into v_enrolment from public.course_enrolments ce where ce.id = p_enrolment_id for update;
	if not exists (
		select 1 from public.families f
		where f.id = v_enrolment.family_id and f.guardian_id = auth.uid()
	) and not private.is_org_member(v_course.org_id) then
		perform private.fail('not_authorised');
	end if;
	if v_enrolment.status = 'cancelled' then
		perform private.fail('enrolment_not_active');
	end if;
	update public.course_enrolments ce
	set status = 'cancelled', cancelled_at = now(), waitlist_position = null
	where ce.id = p_enrolment_id;
	if v_enrolment.status = 'confirmed' then
		for v_row in
			select r.id, r.event_id from public.registrations r
			join public.course_sessions s on s.event_id = r.event_id and s.course_id = v_course.id
			join public.events e on e.id = r.event_id
			where r.family_id = v_enrolment.family_id and r.status = 'confirmed' and e.starts_at > now()
			order by r.event_id
		loop
			perform 1 from public.events e where e.id = v_row.event_id for update;
			perform private.cancel_registration_locked(v_row.id, false);
		end loop;
		v_promoted := private.promote_course_waitlist(v_course.id);
	end if;
	perform private.email_enrolment('course_cancelled', p_enrolment_id);
	return jsonb_build_object('enrolment_id', p_enrolment_id, 'status', 'cancelled',
		'was', v_enrolment.status, 'promoted', v_promoted);
end;
$$;

/*
 * Registrations for a course's session: a family enrolled in the course (confirmed) is registered by
 * the enrolment; anyone else is a drop-in, allowed only where the course takes drop-ins, only
 * confirmed (sessions have no waitlist of their own), and only into places the course does not
 * hold: the places of families who may still enrol (capacity - seats_taken) stay free.
 * Runs under the session's event lock (register_family and the enrolment functions take it first).
 */
create function private.guard_course_session_registration()
returns trigger
language plpgsql
security definer
set search_path = ''
as $$
declare
	v_course public.courses;
	v_event record;
begin
	select c.* into v_course from public.course_sessions s
	join public.courses c on c.id = s.course_id where s.event_id = new.event_id;
	if not found then
		return new;
	end if;
	if exists (
		select 1 from public.course_enrolments ce
		where ce.course_id = v_course.id and ce.family_id = new.family_id and ce.status = 'confirmed'
	) then
		if new.status <> 'confirmed' then
			perform private.fail('session_full');
		end if;
		return new;
	end if;
	if not v_course.drop_in_enabled then
		perform private.fail('course_enrolment_required', v_course.slug);
	end if;
	select e.capacity, e.seats_taken into v_event from public.events e where e.id = new.event_id;
	if new.status <> 'confirmed'
		or v_event.seats_taken + new.seats + (v_course.capacity - v_course.seats_taken) > v_event.capacity
	then
		perform private.fail('session_full');
	end if;
	return new;
end;
$$;

create trigger registrations_guard_course_sessions before insert on public.registrations
	for each row execute function private.guard_course_session_registration();

/*
 * The places a session has for drop-ins now: what its event holds beyond the registrations and the
 * course's still unfilled places. Zero where the course takes no drop-ins.
 */
create function public.course_drop_in_places(p_event_id uuid)
returns integer
language sql
stable
security definer
set search_path = ''
as $$
	select case when c.drop_in_enabled
		then greatest(0, e.capacity - e.seats_taken - (c.capacity - c.seats_taken)) else 0 end
	from public.course_sessions s
	join public.courses c on c.id = s.course_id
	join public.events e on e.id = s.event_id
	where s.event_id = p_event_id and c.status = 'published' and e.status = 'published'
$$;

revoke all on all functions in schema private from public;
revoke all on function
	public.save_course(uuid, jsonb, uuid[], uuid),
	public.enrol_in_course(uuid, uuid[], text),
	public.cancel_course_enrolment(uuid),
	public.course_drop_in_places(uuid)
	from public, anon, authenticated;
grant execute on function
	public.save_course(uuid, jsonb, uuid[], uuid),
	public.enrol_in_course(uuid, uuid[], text),
	public.cancel_course_enrolment(uuid)
	to authenticated;
grant execute on function public.course_drop_in_places(uuid) to anon, authenticated;
