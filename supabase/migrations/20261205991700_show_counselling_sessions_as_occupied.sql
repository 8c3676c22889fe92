-- Rooms' calendars show a counselling session as "occupied": the staff calendar marks a room
-- booking held by an active appointment as kind 'counselling', without its booking id (so the
-- calendar offers no cancel) and not editable (no drag); its purpose was already empty. And the
-- room booking of an active appointment cannot be moved on its own (the appointment would no
-- longer match it): reschedule_appointment moves both. Redefines public.staff_calendar as
-- 20261129001200_staff.sql left it (no later migration changed it), adding the counselling kind.

create or replace function public.staff_calendar(
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
					when ap.id is not null then 'counselling'
					when b.status = 'blocked' then 'block'
					when b.status = 'requested' then 'request'
					else 'booking' end,
				'booking_id', case when ap.id is null then b.id end,
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
				'editable', ap.id is null
			) as item
		from public.venue_bookings b
		join public.organisations o on o.id = b.org_id
		left join held e on e.venue_booking_id = b.id
		-- A counselling session: the room is occupied, nothing more (who and why stay private).
		left join lateral (
			select a.id from public.appointments a
			where a.venue_booking_id = b.id and a.status in ('requested', 'confirmed')
			limit 1
		) ap on true
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


-- A room booking held by an active counselling appointment keeps its time: only
-- reschedule_appointment changes it (by cancelling it and holding a new one).
create function private.keep_counselling_room_time()
returns trigger
language plpgsql
security definer
set search_path = ''
as $$
begin
	if (new.starts_at, new.ends_at) is distinct from (old.starts_at, old.ends_at)
		and exists (select 1 from public.appointments a
			where a.venue_booking_id = old.id and a.status in ('requested', 'confirmed')) then
		perform private.fail('counselling_booking');
	end if;
	return new;
end;
$$;
revoke all on function private.keep_counselling_room_time() from public;

create trigger venue_bookings_keep_counselling_time before update of starts_at, ends_at
	on public.venue_bookings
	for each row execute function private.keep_counselling_room_time();
