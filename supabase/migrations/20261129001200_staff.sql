-- Venue staff's tools (场馆工作人员): saving rooms with their opening hours, events with their room
-- bookings in one transaction, weekly series, the staff calendar, room requests, messages to
-- registered families, and check-in at one event. Additive to the domain migrations: the rules on
-- events (prepare_event, notify_event_change), bookings (the exclusion constraint) and
-- registrations (check_in, mark_no_shows, event_attendees) are theirs and are relied on here.
-- Failures: errcode P0001, message = stable code (translated by the app), hint = detail.

-- The staff calendar reads a period of one organisation's rooms, whatever the booking's status.
create index venue_bookings_venue_period_idx on public.venue_bookings
	using gist (venue_id extensions.gist_uuid_ops, occupied)
	where status in ('requested', 'approved', 'blocked');

-- Opening hours as [{weekday, opens_at, closes_at}] for the calendar (businessHours).
create function private.venue_hours_json(p_venue_id uuid)
returns jsonb
language sql
stable
security definer
set search_path = ''
as $$
	select coalesce(jsonb_agg(jsonb_build_object(
		'weekday', h.weekday,
		'opens_at', to_char(h.opens_at, 'HH24:MI'),
		'closes_at', case when h.closes_at = time '24:00' then '24:00' else to_char(h.closes_at, 'HH24:MI') end
	) order by h.weekday, h.opens_at), '[]'::jsonb)
	from public.venue_opening_hours h
	where h.venue_id = p_venue_id
$$;

/*
 * Creates a room of the organisation, or updates one (p_id), together with its opening hours
 * (replacing them all): one transaction, so a room is never left half-saved.
 * p_opening_hours: [{weekday: 1..7, opens_at: 'HH:MM', closes_at: 'HH:MM'}], Asia/Shanghai time;
 * an empty array means no restriction. Returns {venue_id, bookings_outside_hours} — the number of
 * approved bookings still ahead that the new hours no longer cover (kept, but worth a look).
 * Fails: not_authorised (not staff of the room's organisation), venue_not_found, invalid_venue,
 * invalid_capacity, invalid_buffer, invalid_opening_hours, capacity_below_events.
 */
create function public.save_venue(
	p_org_id uuid,
	p_name_zh text,
	p_name_en text,
	p_capacity integer,
	p_buffer_minutes integer,
	p_active boolean,
	p_opening_hours jsonb,
	p_description_zh text default '',
	p_address_zh text default null,
	p_id uuid default null
)
returns jsonb
language plpgsql
security definer
set search_path = ''
as $$
declare
	v_venue public.venues;
	v_org uuid := p_org_id;
	v_id uuid := p_id;
	v_hours jsonb := coalesce(p_opening_hours, '[]'::jsonb);
	v_item jsonb;
	v_seats integer;
	v_outside integer;
begin
	if auth.uid() is null then
		perform private.fail('not_authorised');
	end if;
	if p_id is not null then
		select * into v_venue from public.venues v where v.id = p_id for update;
		if not found then
			perform private.fail('venue_not_found');
		end if;
		v_org := v_venue.org_id;
	end if;
	if v_org is null or not private.is_org_member(v_org) then
		perform private.fail('not_authorised', 'Only staff of the room''s organisation can change it.');
	end if;
	if p_name_zh is null or char_length(btrim(p_name_zh)) not between 1 and 100
		or char_length(coalesce(p_name_en, '')) > 150
		or char_length(coalesce(p_description_zh, '')) > 2000
		or char_length(coalesce(p_address_zh, '')) > 200 then
		perform private.fail('invalid_venue', 'A name of 1 to 100 characters is needed.');
	end if;
	if p_capacity is null or p_capacity not between 1 and 10000 then
		perform private.fail('invalid_capacity', 'Between 1 and 10000 people.');
	end if;
	if p_buffer_minutes is null or p_buffer_minutes not between 0 and 240 then
		perform private.fail('invalid_buffer', 'Between 0 and 240 minutes.');
	end if;
	if jsonb_typeof(v_hours) <> 'array' or jsonb_array_length(v_hours) > 28 then
		perform private.fail('invalid_opening_hours');
	end if;
	for v_item in select value from jsonb_array_elements(v_hours) loop
		if jsonb_typeof(v_item) <> 'object'
			or coalesce(v_item ->> 'weekday', '') !~ '^[1-7]$'
			or coalesce(v_item ->> 'opens_at', '') !~ '^([01][0-9]|2[0-3]):[0-5][0-9]$'
			or coalesce(v_item ->> 'closes_at', '') !~ '^(([01][0-9]|2[0-3]):[0-5][0-9]|24:00)$'
			or (v_item ->> 'closes_at')::time <= (v_item ->> 'opens_at')::time then
			perform private.fail('invalid_opening_hours', 'Each interval closes after it opens.');
		end if;
	end loop;
	if exists (
		select 1
		from jsonb_array_elements(v_hours) a, jsonb_array_elements(v_hours) b
		where a <> b
			and a ->> 'weekday' = b ->> 'weekday'
			and (a ->> 'opens_at')::time < (b ->> 'closes_at')::time
			and (b ->> 'opens_at')::time < (a ->> 'closes_at')::time
	) or exists (
		select 1 from jsonb_array_elements(v_hours) a
		group by a ->> 'weekday', a ->> 'opens_at' having count(*) > 1
	) then
		perform private.fail('invalid_opening_hours', 'Intervals of one day must not overlap.');
	end if;

	if p_id is not null then
		select max(e.seats_taken) into v_seats
		from public.events e
		join public.venue_bookings b on b.id = e.venue_booking_id
		where b.venue_id = p_id and e.status <> 'cancelled' and e.ends_at > now();
		if v_seats > p_capacity then
			perform private.fail('capacity_below_events',
				format('An event in this room already has %s people confirmed.', v_seats));
		end if;
		update public.venues v
		set name_zh = btrim(p_name_zh), name_en = btrim(coalesce(p_name_en, '')),
			description_zh = coalesce(p_description_zh, ''),
			address_zh = nullif(btrim(p_address_zh), ''),
			capacity = p_capacity, buffer_minutes = p_buffer_minutes, active = coalesce(p_active, true)
		where v.id = p_id;
		delete from public.venue_opening_hours h where h.venue_id = p_id;
	else
		insert into public.venues (org_id, name_zh, name_en, description_zh, address_zh, capacity,
			buffer_minutes, active)
		values (v_org, btrim(p_name_zh), btrim(coalesce(p_name_en, '')), coalesce(p_description_zh, ''),
			nullif(btrim(p_address_zh), ''), p_capacity, p_buffer_minutes, coalesce(p_active, true))
		returning id into v_id;
	end if;
	insert into public.venue_opening_hours (venue_id, weekday, opens_at, closes_at)
	select v_id, (a ->> 'weekday')::smallint, (a ->> 'opens_at')::time, (a ->> 'closes_at')::time
	from jsonb_array_elements(v_hours) a;

	select count(*) into v_outside
	from public.venue_bookings b
	where b.venue_id = v_id and b.status = 'approved' and b.ends_at > now()
		and not private.within_opening_hours(v_id, b.starts_at, b.ends_at);
	return jsonb_build_object('venue_id', v_id, 'bookings_outside_hours', v_outside);
end;
$$;

/*
 * The heart of save_event and create_event_series: creates an event of p_org_id (p_id null) or
 * updates one, and keeps its room booking in step, in the caller's transaction.
 * p_event holds the event's fields (category, title_zh, title_en, summary_zh, summary_en,
 * description_zh, description_en, starts_at, ends_at, capacity, min_child_age, max_child_age,
 * registration_opens_at, registration_closes_at, max_seats_per_family, waitlist_enabled,
 * second_reminder) and its place, one of:
 *   venue_id   — a room of the organisation, booked (approved) for exactly the event's time; the
 *                booking moves and resizes with the event and is freed when the event leaves it;
 *   booking_id — an approved booking of the organisation (e.g. a room request granted by a centre):
 *                the event must fit inside it;
 *   address_zh (and address_en) — an outside address, no room.
 * On update, keys left out keep their values (a calendar drag sends starts_at and ends_at only).
 */
create function private.staff_save_event(
	p_org_id uuid,
	p_event jsonb,
	p_id uuid,
	p_series_id uuid default null
)
returns jsonb
language plpgsql
security definer
set search_path = ''
as $$
declare
	v_e jsonb := coalesce(p_event, '{}'::jsonb);
	v_old public.events;
	v_org uuid := p_org_id;
	v_starts timestamptz;
	v_ends timestamptz;
	v_shift interval := interval '0';
	v_times_changed boolean;
	v_place_given boolean := v_e ?| array['venue_id', 'booking_id', 'address_zh'];
	v_venue_id uuid;
	v_booking_id uuid;
	v_address_zh text;
	v_address_en text;
	v_capacity integer;
	v_venue public.venues;
	v_booking public.venue_bookings;
	v_old_booking public.venue_bookings;
	v_old_own boolean := false;
	v_new_booking uuid;
	v_id uuid;
	v_result public.events;
begin
	if auth.uid() is null then
		perform private.fail('not_authorised');
	end if;
	if p_id is not null then
		select * into v_old from public.events e where e.id = p_id for update;
		if not found then
			perform private.fail('event_not_found');
		end if;
		v_org := v_old.org_id;
	end if;
	if v_org is null or not private.is_org_member(v_org) then
		perform private.fail('not_authorised', 'Only staff of the event''s organisation can change it.');
	end if;
	if p_id is not null and v_old.status = 'cancelled' then
		perform private.fail('event_cancelled', 'A cancelled event cannot be changed.');
	end if;

	v_starts := coalesce(nullif(v_e ->> 'starts_at', '')::timestamptz, v_old.starts_at);
	v_ends := coalesce(nullif(v_e ->> 'ends_at', '')::timestamptz, v_old.ends_at);
	if v_starts is null or v_ends is null or v_ends <= v_starts then
		perform private.fail('invalid_period', 'The event must end after it starts.');
	end if;
	if v_ends - v_starts > interval '14 days' then
		perform private.fail('invalid_period', 'An event lasts at most 14 days.');
	end if;
	v_times_changed := p_id is null or v_starts <> v_old.starts_at or v_ends <> v_old.ends_at;
	if p_id is not null then
		v_shift := v_starts - v_old.starts_at;
	end if;
	if v_times_changed and v_starts < now() then
		perform private.fail('starts_in_past', 'An event cannot start in the past.');
	end if;
	v_capacity := coalesce(nullif(v_e ->> 'capacity', '')::integer, v_old.capacity);

	-- Where the event is now, and whether its booking is one this event owns alone.
	if p_id is not null and v_old.venue_booking_id is not null then
		select * into v_old_booking from public.venue_bookings b
		where b.id = v_old.venue_booking_id for update;
		v_old_own := v_old_booking.org_id = v_org
			and (select v.org_id from public.venues v where v.id = v_old_booking.venue_id) = v_org
			and not exists (
				select 1 from public.events e
				where e.venue_booking_id = v_old_booking.id and e.id <> p_id and e.status <> 'cancelled'
			);
	end if;

	if v_place_given then
		v_venue_id := nullif(v_e ->> 'venue_id', '')::uuid;
		v_booking_id := nullif(v_e ->> 'booking_id', '')::uuid;
		v_address_zh := nullif(btrim(v_e ->> 'address_zh'), '');
		v_address_en := nullif(btrim(v_e ->> 'address_en'), '');
	elsif p_id is not null then
		if v_old_own then
			v_venue_id := v_old_booking.venue_id;
		else
			v_booking_id := v_old.venue_booking_id;
		end if;
		v_address_zh := v_old.address_zh;
		v_address_en := v_old.address_en;
	end if;
	if v_venue_id is not null and v_booking_id is not null then
		perform private.fail('place_invalid', 'Choose a room or a booking, not both.');
	end if;
	if v_venue_id is null and v_booking_id is null and v_address_zh is null then
		perform private.fail('place_required', 'Choose a room or give an address.');
	end if;
	if v_venue_id is not null or v_booking_id is not null then
		v_address_zh := null;
		v_address_en := null;
	end if;

	if v_venue_id is not null then
		select * into v_venue from public.venues v where v.id = v_venue_id;
		if not found then
			perform private.fail('venue_not_found');
		end if;
		if v_venue.org_id <> v_org then
			perform private.fail('venue_not_own', 'Ask for another organisation''s room with a room request.');
		end if;
		if v_capacity > v_venue.capacity then
			perform private.fail('capacity_exceeds_venue',
				format('The room holds %s people.', v_venue.capacity));
		end if;
		if v_old_own and v_old_booking.venue_id = v_venue_id and v_old_booking.status = 'approved' then
			v_new_booking := v_old_booking.id;
		end if;
		if v_new_booking is null or v_times_changed then
			if v_new_booking is null and not v_venue.active then
				perform private.fail('venue_inactive', 'The room is not in use.');
			end if;
			if v_ends - v_starts > interval '1 day' then
				perform private.fail('invalid_period', 'A room is booked for at most a day.');
			end if;
			if not private.within_opening_hours(v_venue_id, v_starts, v_ends) then
				perform private.fail('outside_opening_hours', 'The room is closed at that time.');
			end if;
			begin
				if v_new_booking is null then
					insert into public.venue_bookings (venue_id, org_id, requested_by, status, starts_at,
						ends_at, buffer_minutes, purpose, decided_by, decided_at)
					values (v_venue_id, v_org, auth.uid(), 'approved', v_starts, v_ends,
						v_venue.buffer_minutes, left(coalesce(v_e ->> 'title_zh', v_old.title_zh, ''), 500),
						auth.uid(), now())
					returning id into v_new_booking;
				else
					update public.venue_bookings b set starts_at = v_starts, ends_at = v_ends
					where b.id = v_new_booking;
				end if;
			exception when exclusion_violation then
				perform private.fail('venue_conflict', 'The room is already booked at that time.');
			end;
		end if;
	elsif v_booking_id is not null then
		select * into v_booking from public.venue_bookings b where b.id = v_booking_id;
		if not found or v_booking.org_id <> v_org or v_booking.status <> 'approved' then
			perform private.fail('venue_booking_invalid', 'Use an approved booking of your own organisation.');
		end if;
		if v_starts < v_booking.starts_at or v_ends > v_booking.ends_at then
			perform private.fail('event_outside_booking', 'The event must fit inside its room booking.');
		end if;
		if v_capacity > (select v.capacity from public.venues v where v.id = v_booking.venue_id) then
			perform private.fail('capacity_exceeds_venue');
		end if;
		v_new_booking := v_booking_id;
	end if;

	begin
		if p_id is null then
			insert into public.events (org_id, category, title_zh, title_en, summary_zh, summary_en,
				description_zh, description_en, starts_at, ends_at, venue_booking_id, address_zh,
				address_en, capacity, min_child_age, max_child_age, registration_opens_at,
				registration_closes_at, max_seats_per_family, waitlist_enabled, second_reminder)
			values (
				v_org,
				(v_e ->> 'category')::public.event_category,
				btrim(v_e ->> 'title_zh'),
				btrim(coalesce(v_e ->> 'title_en', '')),
				coalesce(v_e ->> 'summary_zh', ''),
				coalesce(v_e ->> 'summary_en', ''),
				coalesce(v_e ->> 'description_zh', ''),
				coalesce(v_e ->> 'description_en', ''),
				v_starts, v_ends, v_new_booking, v_address_zh, v_address_en,
				v_capacity,
				nullif(v_e ->> 'min_child_age', '')::smallint,
				nullif(v_e ->> 'max_child_age', '')::smallint,
				nullif(v_e ->> 'registration_opens_at', '')::timestamptz,
				nullif(v_e ->> 'registration_closes_at', '')::timestamptz,
				coalesce(nullif(v_e ->> 'max_seats_per_family', '')::smallint, 4),
				coalesce((v_e ->> 'waitlist_enabled')::boolean, true),
				coalesce((v_e ->> 'second_reminder')::boolean, false)
			)
			returning id into v_id;
			if p_series_id is not null then
				update public.events e set series_id = p_series_id where e.id = v_id;
			end if;
		else
			v_id := p_id;
			update public.events e set
				category = coalesce(nullif(v_e ->> 'category', '')::public.event_category, e.category),
				title_zh = case when v_e ? 'title_zh' then btrim(v_e ->> 'title_zh') else e.title_zh end,
				title_en = case when v_e ? 'title_en' then btrim(coalesce(v_e ->> 'title_en', '')) else e.title_en end,
				summary_zh = case when v_e ? 'summary_zh' then coalesce(v_e ->> 'summary_zh', '') else e.summary_zh end,
				summary_en = case when v_e ? 'summary_en' then coalesce(v_e ->> 'summary_en', '') else e.summary_en end,
				description_zh = case when v_e ? 'description_zh' then coalesce(v_e ->> 'description_zh', '') else e.description_zh end,
				description_en = case when v_e ? 'description_en' then coalesce(v_e ->> 'description_en', '') else e.description_en end,
				starts_at = v_starts,
				ends_at = v_ends,
				venue_booking_id = v_new_booking,
				address_zh = v_address_zh,
				address_en = v_address_en,
				capacity = v_capacity,
				min_child_age = case when v_e ? 'min_child_age' then nullif(v_e ->> 'min_child_age', '')::smallint else e.min_child_age end,
				max_child_age = case when v_e ? 'max_child_age' then nullif(v_e ->> 'max_child_age', '')::smallint else e.max_child_age end,
				registration_opens_at = case when v_e ? 'registration_opens_at'
					then nullif(v_e ->> 'registration_opens_at', '')::timestamptz
					else e.registration_opens_at + v_shift end,
				registration_closes_at = case when v_e ? 'registration_closes_at'
					then nullif(v_e ->> 'registration_closes_at', '')::timestamptz
					else e.registration_closes_at + v_shift end,
				max_seats_per_family = coalesce(nullif(v_e ->> 'max_seats_per_family', '')::smallint, e.max_seats_per_family),
				waitlist_enabled = coalesce((v_e ->> 'waitlist_enabled')::boolean, e.waitlist_enabled),
				second_reminder = coalesce((v_e ->> 'second_reminder')::boolean, e.second_reminder)
			where e.id = p_id;
		end if;
	exception
		when check_violation or not_null_violation or invalid_text_representation
			or numeric_value_out_of_range or string_data_right_truncation then
			perform private.fail('invalid_event', sqlerrm);
	end;

	-- The event has left a booking that was its alone: free the room.
	if v_old_own and v_old_booking.id is distinct from v_new_booking then
		update public.venue_bookings b set status = 'cancelled' where b.id = v_old_booking.id;
	end if;

	select * into v_result from public.events e where e.id = v_id;
	return jsonb_build_object('event_id', v_id, 'booking_id', v_new_booking, 'status', v_result.status,
		'slug', v_result.slug, 'starts_at', v_result.starts_at, 'ends_at', v_result.ends_at,
		-- The families events_notify_families emailed about this change: their rows carry the
		-- event's new sequence (none when the sequence did not move).
		'families_notified', case when v_result.sequence > v_old.sequence then (
			select count(*) from public.email_outbox o
			where o.event_id = v_id and o.kind = 'event_changed'
				and (o.payload #>> '{event,sequence}')::integer = v_result.sequence
		) else 0 end);
end;
$$;

/*
 * Creates (p_id null) or updates an event with its place, see private.staff_save_event. A published
 * event whose time or place changes emails every registered family (trigger
 * events_notify_families, same transaction). Returns {event_id, booking_id, status, slug,
 * starts_at, ends_at, families_notified}. Fails: not_authorised, event_not_found, event_cancelled, invalid_period,
 * starts_in_past, place_required, place_invalid, venue_not_found, venue_not_own, venue_inactive,
 * capacity_exceeds_venue, outside_opening_hours, venue_conflict, venue_booking_invalid,
 * event_outside_booking, capacity_below_confirmed, invalid_age_range, invalid_event.
 */
create function public.save_event(p_org_id uuid, p_event jsonb, p_id uuid default null)
returns jsonb
language plpgsql
security definer
set search_path = ''
as $$
begin
	return private.staff_save_event(p_org_id, p_event, p_id, null);
end;
$$;

/*
 * A weekly series (every week for p_weeks weeks, e.g. a parent class): the first occurrence is
 * p_event's time, each next one 7 days later, all with the same place (venue_id or an address).
 * With p_dry_run nothing is written: the answer lists every occurrence and why any cannot be
 * booked, so staff see the conflicting dates before saving. Saving with conflicts fails
 * (series_conflict, hint: the dates) unless p_skip_conflicts, which leaves those weeks out.
 * Each occurrence is a draft event of its own (registration windows are per occurrence: they close
 * at its start), sharing series_id.
 * Returns {series_id, occurrences: [{week, date, starts_at, ends_at, conflict}], conflicts, created,
 * event_ids}; conflict is null or venue_conflict | outside_opening_hours | starts_in_past.
 * Fails: not_authorised, invalid_series, invalid_period, series_conflict, and save_event's codes.
 */
create function public.create_event_series(
	p_org_id uuid,
	p_event jsonb,
	p_weeks integer,
	p_dry_run boolean default true,
	p_skip_conflicts boolean default false
)
returns jsonb
language plpgsql
security definer
set search_path = ''
as $$
declare
	v_e jsonb := coalesce(p_event, '{}'::jsonb) - 'booking_id' - 'registration_opens_at'
		- 'registration_closes_at';
	v_starts timestamptz := nullif(v_e ->> 'starts_at', '')::timestamptz;
	v_ends timestamptz := nullif(v_e ->> 'ends_at', '')::timestamptz;
	v_venue public.venues;
	v_venue_id uuid := nullif(v_e ->> 'venue_id', '')::uuid;
	v_occurrences jsonb := '[]'::jsonb;
	v_conflicts integer := 0;
	v_s timestamptz;
	v_f timestamptz;
	v_reason text;
	v_series uuid := gen_random_uuid();
	v_ids uuid[] := '{}';
	v_item jsonb;
	v_saved jsonb;
begin
	if auth.uid() is null or p_org_id is null or not private.is_org_member(p_org_id) then
		perform private.fail('not_authorised');
	end if;
	if p_weeks is null or p_weeks not between 2 and 52 then
		perform private.fail('invalid_series', 'From 2 to 52 weeks.');
	end if;
	if v_starts is null or v_ends is null or v_ends <= v_starts then
		perform private.fail('invalid_period', 'The event must end after it starts.');
	end if;
	if v_venue_id is not null then
		select * into v_venue from public.venues v where v.id = v_venue_id;
		if not found then
			perform private.fail('venue_not_found');
		end if;
		if v_venue.org_id <> p_org_id then
			perform private.fail('venue_not_own');
		end if;
	end if;

	for i in 0 .. p_weeks - 1 loop
		v_s := v_starts + make_interval(days => 7 * i);
		v_f := v_ends + make_interval(days => 7 * i);
		v_reason := case
			when v_s < now() then 'starts_in_past'
			when v_venue_id is not null and not private.within_opening_hours(v_venue_id, v_s, v_f)
				then 'outside_opening_hours'
			when v_venue_id is not null and exists (
				select 1 from public.venue_bookings b
				where b.venue_id = v_venue_id and b.status in ('approved', 'blocked')
					and b.occupied && private.booking_occupied(v_s, v_f, v_venue.buffer_minutes)
			) then 'venue_conflict'
		end;
		if v_reason is not null then
			v_conflicts := v_conflicts + 1;
		end if;
		v_occurrences := v_occurrences || jsonb_build_array(jsonb_build_object(
			'week', i + 1,
			'date', to_char(v_s at time zone 'Asia/Shanghai', 'YYYY-MM-DD'),
			'starts_at', v_s,
			'ends_at', v_f,
			'conflict', v_reason
		));
	end loop;

	if p_dry_run then
		return jsonb_build_object('series_id', null, 'occurrences', v_occurrences,
			'conflicts', v_conflicts, 'created', 0, 'event_ids', '[]'::jsonb);
	end if;
	if v_conflicts > 0 and not coalesce(p_skip_conflicts, false) then
		perform private.fail('series_conflict', (
			select string_agg(o ->> 'date', ', ' order by (o ->> 'week')::integer)
			from jsonb_array_elements(v_occurrences) o where o ->> 'conflict' is not null
		));
	end if;
	if v_conflicts = p_weeks then
		perform private.fail('series_conflict', 'Every week conflicts.');
	end if;

	for v_item in select value from jsonb_array_elements(v_occurrences) loop
		continue when v_item ->> 'conflict' is not null;
		v_saved := private.staff_save_event(p_org_id,
			v_e || jsonb_build_object('starts_at', v_item -> 'starts_at', 'ends_at', v_item -> 'ends_at'),
			null, v_series);
		v_ids := v_ids || (v_saved ->> 'event_id')::uuid;
	end loop;
	return jsonb_build_object('series_id', v_series, 'occurrences', v_occurrences,
		'conflicts', v_conflicts, 'created', cardinality(v_ids), 'event_ids', to_jsonb(v_ids));
end;
$$;

/*
 * Publishes a draft event (and, with p_whole_series, every draft of its series still ahead).
 * Returns {published: n}. Fails: event_not_found, not_authorised, event_cancelled,
 * event_already_started.
 */
create function public.publish_event(p_event_id uuid, p_whole_series boolean default false)
returns jsonb
language plpgsql
security definer
set search_path = ''
as $$
declare
	v_event public.events;
	v_count integer;
begin
	select * into v_event from public.events e where e.id = p_event_id for update;
	if not found then
		perform private.fail('event_not_found');
	end if;
	if not private.is_org_member(v_event.org_id) then
		perform private.fail('not_authorised');
	end if;
	if v_event.status = 'cancelled' then
		perform private.fail('event_cancelled');
	end if;
	if v_event.starts_at <= now() then
		perform private.fail('event_already_started');
	end if;
	update public.events e set status = 'published'
	where e.status = 'draft' and e.starts_at > now()
		and (e.id = p_event_id
			or (p_whole_series and v_event.series_id is not null and e.series_id = v_event.series_id));
	get diagnostics v_count = row_count;
	return jsonb_build_object('published', v_count);
end;
$$;

/*
 * Cancels an event (and, with p_whole_series, every occurrence of its series still ahead): every
 * registered family is emailed in this transaction (trigger events_notify_families), and a room of
 * the organisation booked for the event alone is freed. Returns {cancelled: n}.
 * Fails: event_not_found, not_authorised, reason_too_long.
 */
create function public.cancel_event(
	p_event_id uuid,
	p_reason text default null,
	p_whole_series boolean default false
)
returns jsonb
language plpgsql
security definer
set search_path = ''
as $$
declare
	v_event public.events;
	v_row record;
	v_count integer := 0;
begin
	select * into v_event from public.events e where e.id = p_event_id;
	if not found then
		perform private.fail('event_not_found');
	end if;
	if not private.is_org_member(v_event.org_id) then
		perform private.fail('not_authorised');
	end if;
	if char_length(p_reason) > 500 then
		perform private.fail('reason_too_long', 'At most 500 characters.');
	end if;
	for v_row in
		select e.id, e.venue_booking_id from public.events e
		where e.status <> 'cancelled'
			and (e.id = p_event_id
				or (p_whole_series and v_event.series_id is not null and e.series_id = v_event.series_id
					and e.starts_at > now()))
		order by e.starts_at
		for update
	loop
		update public.events e
		set status = 'cancelled', cancelled_reason = nullif(btrim(p_reason), '')
		where e.id = v_row.id;
		v_count := v_count + 1;
		update public.venue_bookings b set status = 'cancelled'
		where b.id = v_row.venue_booking_id and b.status = 'approved' and b.org_id = v_event.org_id
			and (select v.org_id from public.venues v where v.id = b.venue_id) = v_event.org_id
			and not exists (
				select 1 from public.events o
				where o.venue_booking_id = b.id and o.status <> 'cancelled'
			);
	end loop;
	return jsonb_build_object('cancelled', v_count);
end;
$$;

/*
 * Everything on an organisation's calendar from p_from to p_to (at most 62 days), for its staff
 * (json, not jsonb: built once and sent, never queried, and json_build_object is much cheaper):
 * {venues: [{id, name_zh, name_en, capacity, buffer_minutes, active, hours}], items: [...]}.
 * Items: bookings of its rooms (approved, requested — visibly pending — and blocked), each with the
 * organisation's event held there and its fill level; the organisation's events elsewhere (an
 * outside address, or another centre's room); and its own room requests at other centres.
 * With p_venue_id only that room (of the organisation) and what happens in it.
 * Item: {key, kind: event|booking|request|block|elsewhere|outgoing, booking_id, event_id,
 * venue_id, starts_at, ends_at, status, event_status, title_zh, title_en, purpose, reason,
 * org_name_zh, org_name_en (of another organisation only), own, seats_taken, capacity,
 * waitlist_count, editable}.
 * Fails: not_authorised, invalid_period, venue_not_found.
 */
create function public.staff_calendar(
	p_org_id uuid,
	p_from timestamptz,
	p_to timestamptz,
	p_venue_id uuid default null
)
returns json
language plpgsql
stable
security definer
set search_path = ''
as $$
declare
	v_range tstzrange;
	v_venues uuid[];
	v_result json;
begin
	if p_org_id is null or not (private.is_org_member(p_org_id) or private.is_district_admin()) then
		perform private.fail('not_authorised');
	end if;
	if p_from is null or p_to is null or p_to <= p_from or p_to - p_from > interval '62 days' then
		perform private.fail('invalid_period', 'At most 62 days at once.');
	end if;
	select array_agg(v.id) into v_venues from public.venues v
	where v.org_id = p_org_id and (p_venue_id is null or v.id = p_venue_id);
	if p_venue_id is not null and v_venues is null then
		perform private.fail('venue_not_found');
	end if;
	v_venues := coalesce(v_venues, '{}');
	v_range := tstzrange(p_from, p_to, '[)');

	with held as (
		-- The organisation's (first, not cancelled) event in each booking. Events lie inside their
		-- booking, and a room is booked for at most a day, so a day either side finds them all.
		select distinct on (e.venue_booking_id) e.venue_booking_id, e.id, e.status, e.title_zh,
			e.title_en, e.starts_at, e.ends_at, e.seats_taken, e.capacity, e.waitlist_count
		from public.events e
		where e.org_id = p_org_id and e.status <> 'cancelled' and e.venue_booking_id is not null
			and e.starts_at < p_to + interval '1 day' and e.ends_at > p_from - interval '1 day'
		order by e.venue_booking_id, e.starts_at
	),
	items as (
		-- Bookings of the organisation's rooms, with the organisation's event held there.
		select coalesce(e.starts_at, b.starts_at) as sort_at, coalesce(e.id, b.id) as key,
			json_build_object(
				'key', coalesce(e.id, b.id),
				'kind', case
					when e.id is not null then 'event'
					when b.status = 'blocked' then 'block'
					when b.status = 'requested' then 'request'
					else 'booking' end,
				'booking_id', b.id,
				'event_id', e.id,
				'venue_id', b.venue_id,
				'starts_at', coalesce(e.starts_at, b.starts_at),
				'ends_at', coalesce(e.ends_at, b.ends_at),
				'status', b.status,
				'event_status', e.status,
				'title_zh', e.title_zh,
				'title_en', e.title_en,
				'purpose', case when e.id is null then b.purpose end,
				'reason', b.reason,
				'org_name_zh', case when b.org_id <> p_org_id then o.name_zh end,
				'org_name_en', case when b.org_id <> p_org_id then o.name_en end,
				'own', b.org_id = p_org_id,
				'seats_taken', e.seats_taken,
				'capacity', e.capacity,
				'waitlist_count', e.waitlist_count,
				'editable', true
			) as item
		from public.venue_bookings b
		join public.organisations o on o.id = b.org_id
		left join held e on e.venue_booking_id = b.id
		where b.venue_id = any (v_venues)
			and b.status in ('requested', 'approved', 'blocked')
			and b.occupied && v_range
		union all
		-- The organisation's events elsewhere: an outside address or another centre's room.
		select e.starts_at, e.id,
			json_build_object(
				'key', e.id,
				'kind', 'elsewhere',
				'booking_id', e.venue_booking_id,
				'event_id', e.id,
				'venue_id', b.venue_id,
				'starts_at', e.starts_at,
				'ends_at', e.ends_at,
				'status', b.status,
				'event_status', e.status,
				'title_zh', e.title_zh,
				'title_en', e.title_en,
				'purpose', coalesce(v.name_zh, e.address_zh),
				'reason', null,
				'org_name_zh', vo.name_zh,
				'org_name_en', vo.name_en,
				'own', true,
				'seats_taken', e.seats_taken,
				'capacity', e.capacity,
				'waitlist_count', e.waitlist_count,
				'editable', e.venue_booking_id is null
			)
		from public.events e
		left join public.venue_bookings b on b.id = e.venue_booking_id
		left join public.venues v on v.id = b.venue_id
		left join public.organisations vo on vo.id = v.org_id
		where p_venue_id is null
			and e.org_id = p_org_id
			and e.status <> 'cancelled'
			and (v.id is null or v.org_id <> p_org_id)
			and e.starts_at < p_to and e.ends_at > p_from
		union all
		-- The organisation's own requests and bookings at other centres, not yet used by an event.
		select b.starts_at, b.id,
			json_build_object(
				'key', b.id,
				'kind', 'outgoing',
				'booking_id', b.id,
				'event_id', null,
				'venue_id', b.venue_id,
				'starts_at', b.starts_at,
				'ends_at', b.ends_at,
				'status', b.status,
				'event_status', null,
				'title_zh', v.name_zh,
				'title_en', v.name_en,
				'purpose', b.purpose,
				'reason', b.reason,
				'org_name_zh', vo.name_zh,
				'org_name_en', vo.name_en,
				'own', true,
				'seats_taken', null,
				'capacity', null,
				'waitlist_count', null,
				'editable', false
			)
		from public.venue_bookings b
		join public.venues v on v.id = b.venue_id
		join public.organisations vo on vo.id = v.org_id
		where p_venue_id is null
			and b.org_id = p_org_id
			and v.org_id <> p_org_id
			and b.status in ('requested', 'approved')
			and b.starts_at < p_to and b.ends_at > p_from
			and not exists (
				select 1 from public.events e
				where e.venue_booking_id = b.id and e.status <> 'cancelled'
			)
	)
	-- Null fields are left out: a month of a busy centre is a third smaller.
	select json_strip_nulls(json_build_object(
		'venues', (
			select coalesce(json_agg(json_build_object(
				'id', v.id, 'name_zh', v.name_zh, 'name_en', v.name_en, 'capacity', v.capacity,
				'buffer_minutes', v.buffer_minutes, 'active', v.active,
				'hours', private.venue_hours_json(v.id)
			) order by v.active desc, v.name_zh, v.id), '[]'::json)
			from public.venues v where v.id = any (v_venues)
		),
		'items', (select coalesce(json_agg(i.item order by i.sort_at, i.key), '[]'::json) from items i)
	)) into v_result;
	return v_result;
end;
$$;

/*
 * Room requests (预约场地) for one organisation's staff: incoming — asked of its rooms by other
 * organisations (pending first, then decided in the last 60 days); outgoing — its own requests at
 * other centres (ahead, or decided in the last 60 days). Fails: not_authorised.
 */
create function public.staff_room_requests(p_org_id uuid)
returns jsonb
language plpgsql
stable
security definer
set search_path = ''
as $$
begin
	if p_org_id is null or not private.is_org_member(p_org_id) then
		perform private.fail('not_authorised');
	end if;
	return jsonb_build_object(
		'incoming', (
			select coalesce(jsonb_agg(jsonb_build_object(
				'id', b.id, 'status', b.status, 'starts_at', b.starts_at, 'ends_at', b.ends_at,
				'purpose', b.purpose, 'reason', b.reason, 'created_at', b.created_at,
				'decided_at', b.decided_at,
				'venue_id', v.id, 'venue_name_zh', v.name_zh, 'venue_name_en', v.name_en,
				'org_name_zh', o.name_zh, 'org_name_en', o.name_en,
				'requested_by_email', u.email
			) order by b.status <> 'requested', b.starts_at), '[]'::jsonb)
			from public.venue_bookings b
			join public.venues v on v.id = b.venue_id
			join public.organisations o on o.id = b.org_id
			left join auth.users u on u.id = b.requested_by
			where v.org_id = p_org_id and b.org_id <> p_org_id
				and (b.status = 'requested' or b.decided_at > now() - interval '60 days'
					or (b.status = 'approved' and b.ends_at > now()))
		),
		'outgoing', (
			select coalesce(jsonb_agg(jsonb_build_object(
				'id', b.id, 'status', b.status, 'starts_at', b.starts_at, 'ends_at', b.ends_at,
				'purpose', b.purpose, 'reason', b.reason, 'created_at', b.created_at,
				'decided_at', b.decided_at,
				'venue_id', v.id, 'venue_name_zh', v.name_zh, 'venue_name_en', v.name_en,
				'org_name_zh', o.name_zh, 'org_name_en', o.name_en
			) order by b.starts_at desc), '[]'::jsonb)
			from public.venue_bookings b
			join public.venues v on v.id = b.venue_id
			join public.organisations o on o.id = v.org_id
			where b.org_id = p_org_id and v.org_id <> p_org_id
				and (b.ends_at > now() or b.created_at > now() - interval '60 days')
		)
	);
end;
$$;

/*
 * A message from an event's staff to its registered families (主办方消息): one row here, one email
 * per family in email_outbox (kind staff_message) written in the same transaction.
 */
create table public.event_messages (
	id uuid primary key default gen_random_uuid(),
	event_id uuid not null references public.events (id) on delete cascade,
	subject text not null check (char_length(btrim(subject)) between 1 and 120),
	body text not null check (char_length(btrim(body)) between 1 and 5000),
	include_waitlisted boolean not null default false,
	recipients integer not null default 0 check (recipients >= 0),
	sent_by uuid references auth.users (id) on delete set null,
	created_at timestamptz not null default now()
);
create index event_messages_event_id_idx on public.event_messages (event_id, created_at desc);
comment on column public.event_messages.subject is
	'The staff member''s heading: shown inside the email, never in its subject line.';

revoke all on table public.event_messages from anon, authenticated;
grant select on table public.event_messages to authenticated;
alter table public.event_messages enable row level security;

create policy "Staff can read the messages sent about their events"
	on public.event_messages for select to authenticated
	using (event_id in (select private.my_event_ids()) or (select private.is_district_admin()));

/*
 * Queues a message to every confirmed family of an event, checked in or not (and, with
 * p_include_waitlisted, the waitlisted ones). Returns {message_id, queued}. At most 10 messages per event a day.
 * Fails: event_not_found, not_authorised, invalid_message, no_recipients, too_many_messages.
 */
create function public.message_event_families(
	p_event_id uuid,
	p_subject text,
	p_body text,
	p_include_waitlisted boolean default false
)
returns jsonb
language plpgsql
security definer
set search_path = ''
as $$
declare
	v_event public.events;
	v_id uuid;
	v_queued integer;
begin
	select * into v_event from public.events e where e.id = p_event_id;
	if not found then
		perform private.fail('event_not_found');
	end if;
	if not private.is_org_member(v_event.org_id) then
		perform private.fail('not_authorised');
	end if;
	if p_subject is null or char_length(btrim(p_subject)) not between 1 and 120
		or p_body is null or char_length(btrim(p_body)) not between 1 and 5000 then
		perform private.fail('invalid_message', 'A heading of 1–120 and a text of 1–5000 characters.');
	end if;
	if (select count(*) from public.event_messages m
			where m.event_id = p_event_id and m.created_at > now() - interval '1 day') >= 10 then
		perform private.fail('too_many_messages', 'At most 10 messages per event a day.');
	end if;
	if not exists (
		select 1 from public.registrations r
		where r.event_id = p_event_id
			and (r.status in ('confirmed', 'attended') or (p_include_waitlisted and r.status = 'waitlisted'))
	) then
		perform private.fail('no_recipients');
	end if;
	insert into public.event_messages (event_id, subject, body, include_waitlisted, sent_by)
	values (p_event_id, btrim(p_subject), btrim(p_body), coalesce(p_include_waitlisted, false), auth.uid())
	returning id into v_id;
	select count(*) into v_queued from (
		select private.enqueue_email('staff_message', f.email, f.locale,
			private.registration_payload(r.id)
				|| jsonb_build_object('message_id', v_id, 'subject', btrim(p_subject), 'body', btrim(p_body)),
			'staff_message:' || v_id || ':' || r.id, r.event_id, r.id) as queued
		from public.registrations r
		join public.families f on f.id = r.family_id
		where r.event_id = p_event_id
			and (r.status in ('confirmed', 'attended') or (p_include_waitlisted and r.status = 'waitlisted'))
	) q where q.queued;
	update public.event_messages m set recipients = v_queued where m.id = v_id;
	return jsonb_build_object('message_id', v_id, 'queued', v_queued);
end;
$$;

/*
 * The messages sent about an event, newest first, with their delivery progress counted from
 * email_outbox: [{id, subject, body, include_waitlisted, recipients, created_at, queued, sent,
 * failed, skipped}]. Security invoker: RLS on event_messages and email_outbox decides.
 */
create function public.event_message_progress(p_event_id uuid)
returns jsonb
language sql
stable
set search_path = ''
as $$
	select coalesce(jsonb_agg(jsonb_build_object(
		'id', m.id, 'subject', m.subject, 'body', m.body, 'include_waitlisted', m.include_waitlisted,
		'recipients', m.recipients, 'created_at', m.created_at,
		'queued', c.queued, 'sent', c.sent, 'failed', c.failed, 'skipped', c.skipped
	) order by m.created_at desc), '[]'::jsonb)
	from public.event_messages m
	cross join lateral (
		select
			count(*) filter (where o.status::text in ('pending', 'sending')) as queued,
			count(*) filter (where o.status::text = 'sent') as sent,
			count(*) filter (where o.status::text = 'failed') as failed,
			count(*) filter (where o.status::text = 'skipped') as skipped
		from public.email_outbox o
		where o.event_id = m.event_id and o.kind = 'staff_message'
			and o.payload ->> 'message_id' = m.id::text
	) c
	where m.event_id = p_event_id
$$;

/*
 * Checks a family in at one event's door by its code (scanned QR, typed or tapped): as check_in(),
 * but a code of another event is refused rather than checked in there. Spaces and dashes in a
 * typed code are ignored. Fails: registration_not_found, wrong_event, and check_in's codes.
 */
create function public.check_in_at_event(p_event_id uuid, p_code text)
returns jsonb
language plpgsql
security definer
set search_path = ''
as $$
declare
	v_code text := upper(regexp_replace(coalesce(p_code, ''), '[\s-]', '', 'g'));
	v_event_id uuid;
	v_org uuid;
begin
	select e.org_id into v_org from public.events e where e.id = p_event_id;
	if v_org is null then
		perform private.fail('event_not_found');
	end if;
	if not private.is_org_member(v_org) then
		perform private.fail('not_authorised');
	end if;
	if v_code !~ '^[0-9A-Z]{6}$' then
		perform private.fail('registration_not_found', 'A check-in code has 6 letters and digits.');
	end if;
	-- Only codes of the caller's own organisation are told apart from unknown ones.
	select r.event_id into v_event_id
	from public.registrations r
	join public.events e on e.id = r.event_id
	where r.check_in_code = v_code and e.org_id = v_org;
	if v_event_id is null then
		perform private.fail('registration_not_found');
	end if;
	if v_event_id <> p_event_id then
		perform private.fail('wrong_event', 'This code belongs to another event.');
	end if;
	return public.check_in(v_code);
end;
$$;

/*
 * Takes back a check-in made by mistake (attended → confirmed). Returns {registration_id, status}.
 * Fails: registration_not_found, not_authorised, not_checked_in.
 */
create function public.undo_check_in(p_registration_id uuid)
returns jsonb
language plpgsql
security definer
set search_path = ''
as $$
declare
	v_registration public.registrations;
	v_org uuid;
begin
	select * into v_registration from public.registrations r where r.id = p_registration_id for update;
	if not found then
		perform private.fail('registration_not_found');
	end if;
	select e.org_id into v_org from public.events e where e.id = v_registration.event_id;
	if not private.is_org_member(v_org) then
		perform private.fail('not_authorised');
	end if;
	if v_registration.status not in ('attended', 'no_show') then
		perform private.fail('not_checked_in');
	end if;
	update public.registrations r set status = 'confirmed', checked_in_at = null
	where r.id = p_registration_id;
	return jsonb_build_object('registration_id', p_registration_id, 'status', 'confirmed');
end;
$$;

revoke all on all functions in schema private from public;
grant execute on function private.venue_hours_json(uuid) to authenticated, service_role;
revoke all on function
	public.save_venue(uuid, text, text, integer, integer, boolean, jsonb, text, text, uuid),
	public.save_event(uuid, jsonb, uuid),
	public.create_event_series(uuid, jsonb, integer, boolean, boolean),
	public.publish_event(uuid, boolean),
	public.cancel_event(uuid, text, boolean),
	public.staff_calendar(uuid, timestamptz, timestamptz, uuid),
	public.staff_room_requests(uuid),
	public.message_event_families(uuid, text, text, boolean),
	public.event_message_progress(uuid),
	public.check_in_at_event(uuid, text),
	public.undo_check_in(uuid)
	from public, anon, authenticated;
grant execute on function
	public.save_venue(uuid, text, text, integer, integer, boolean, jsonb, text, text, uuid),
	public.save_event(uuid, jsonb, uuid),
	public.create_event_series(uuid, jsonb, integer, boolean, boolean),
	public.publish_event(uuid, boolean),
	public.cancel_event(uuid, text, boolean),
	public.staff_calendar(uuid, timestamptz, timestamptz, uuid),
	public.staff_room_requests(uuid),
	public.message_event_families(uuid, text, text, boolean),
	public.event_message_progress(uuid),
	public.check_in_at_event(uuid, text),
	public.undo_check_in(uuid)
	to authenticated;
