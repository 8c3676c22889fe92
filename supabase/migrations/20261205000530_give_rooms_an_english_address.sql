-- Rooms get an English address, which English pages show.

drop function public.save_venue(uuid, text, text, integer, integer, boolean, jsonb, text, text, uuid);

/*
 * Creates a room of the organisation, or updates one (p_id), together with its opening hours
 * (replacing them all): one transaction, so a room is never left half-saved.
 * p_opening_hours: [{weekday: 1..7, opens_at: 'HH:MM', closes_at: 'HH:MM'}], Asia/Shanghai time;
 * an empty array means no restriction. Returns {venue_id, bookings_outside_hours} — the number of
 * approved bookings still ahead that the new hours no longer cover (kept, but worth a look).
 * p_address_en is the address English pages show (they fall back to address_zh without one).
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
	p_id uuid default null,
	p_address_en text default null
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
		or char_length(coalesce(p_address_zh, '')) > 200
		or char_length(coalesce(p_address_en, '')) > 300 then
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
			address_en = nullif(btrim(p_address_en), ''),
			capacity = p_capacity, buffer_minutes = p_buffer_minutes, active = coalesce(p_active, true)
		where v.id = p_id;
		delete from public.venue_opening_hours h where h.venue_id = p_id;
	else
		insert into public.venues (org_id, name_zh, name_en, description_zh, address_zh, address_en,
			capacity, buffer_minutes, active)
		values (v_org, btrim(p_name_zh), btrim(coalesce(p_name_en, '')), coalesce(p_description_zh, ''),
			nullif(btrim(p_address_zh), ''), nullif(btrim(p_address_en), ''), p_capacity,
			p_buffer_minutes, coalesce(p_active, true))
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


revoke all on function
	public.save_venue(uuid, text, text, integer, integer, boolean, jsonb, text, text, uuid, text)
	from public, anon, authenticated;
grant execute on function
	public.save_venue(uuid, text, text, integer, integer, boolean, jsonb, text, text, uuid, text)
	to authenticated;

/*
 * Where an event takes place (see 20261129001100_parents.sql). In English: the room's English
 * address, else its Chinese one — never the organisation's address for a room that has its own.
 */
create or replace function private.event_place(p_event_id uuid)
returns jsonb
language sql
stable
security definer
set search_path = ''
as $$
	select case
		when v.id is not null then jsonb_build_object(
			'venue_zh', v.name_zh,
			'venue_en', coalesce(nullif(v.name_en, ''), v.name_zh),
			'address_zh', coalesce(v.address_zh, o.address_zh),
			'address_en', case when v.address_zh is not null
				then coalesce(nullif(v.address_en, ''), v.address_zh)
				else coalesce(nullif(o.address_en, ''), o.address_zh) end)
		else jsonb_build_object(
			'venue_zh', null,
			'venue_en', null,
			'address_zh', e.address_zh,
			'address_en', coalesce(nullif(e.address_en, ''), e.address_zh))
	end
	from public.events e
	join public.organisations o on o.id = e.org_id
	left join public.venue_bookings b on b.id = e.venue_booking_id
	left join public.venues v on v.id = b.venue_id
	where e.id = p_event_id
		and (e.status in ('published', 'cancelled')
			or private.is_org_member(e.org_id)
			or private.is_district_admin())
$$;
