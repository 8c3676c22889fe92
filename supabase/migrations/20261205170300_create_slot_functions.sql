-- Bookable counselling slots, computed in SQL in Beijing time (Asia/Shanghai has no daylight
-- saving time, so a local date and time always name one instant).

/*
 * The slots of active counsellors (one, or every counsellor of an organisation, or all) on the local
 * dates p_from … p_to, as seen at p_now:
 *   weekly hours + 'extra' exceptions − 'off' exceptions, one slot every session + buffer minutes
 *   from the start of each free stretch, the session inside the stretch;
 *   no overlap with the counsellor's active appointments, buffers included on both sides;
 *   at least min_notice_minutes after p_now, before p_now + horizon_days;
 *   fewer than daily_max active appointments on that local date;
 *   'in_person' offered only while the counsellor's room is free (its own buffer included); a slot
 *   with no way left to meet is not offered.
 * p_ignore is an appointment to leave out (the one being rescheduled), with its room booking.
 * Set operations rather than a probe per candidate slot: each counsellor's and each room's busy time
 * is one multirange and each day's count one grouped count, and a counsellor's ways of meeting are
 * sorted and the intervals made once per counsellor (EXPLAIN ANALYZE of bench/counselling.ts's month
 * of six diaries: a probe per slot was four times slower, and sorting the ways per slot took a third
 * of the rest; cutting the busy time per day was tried and was slower).
 */
create function private.counselling_slots(
	p_org_id uuid,
	p_counsellor_id uuid,
	p_from date,
	p_to date,
	p_now timestamptz,
	p_ignore uuid default null
)
returns table (
	counsellor_id uuid,
	starts_at timestamptz,
	ends_at timestamptz,
	modes public.appointment_mode[]
)
language sql
stable
security definer
set search_path = ''
-- The planner's guesses for generate_series multiply into a cost that would JIT-compile a query
-- of milliseconds for seconds on the PostgreSQL server.
set jit = off
as $$
	with c as (
		select c.user_id, c.session_minutes, c.buffer_minutes, c.min_notice_minutes, c.horizon_days,
			c.daily_max, c.venue_id,
			-- The ways of meeting in order once per counsellor, not once per slot.
			array(select m from unnest(c.modes) m order by m) as modes,
			make_interval(mins => coalesce(v.buffer_minutes, 0)) as room_buffer,
			make_interval(mins => c.session_minutes) as session,
			make_interval(mins => c.session_minutes + c.buffer_minutes) as step,
			p_now + make_interval(mins => c.min_notice_minutes) as earliest,
			p_now + make_interval(days => c.horizon_days) as latest
		from public.counsellors c
		left join public.venues v on v.id = c.venue_id
		where c.active
			and (p_counsellor_id is null or c.user_id = p_counsellor_id)
			and (p_org_id is null or c.org_id = p_org_id)
	),
	span as (
		select (p_from::timestamp at time zone 'Asia/Shanghai') - interval '1 day' as lo,
			((p_to + 2)::timestamp at time zone 'Asia/Shanghai') as hi
	),
	-- Each counsellor's busy time and each room's, as one multirange: a slot is checked against it
	-- in one step instead of row by row.
	busy as (
		select a.counsellor_id, range_agg(a.occupied) as taken
		from public.appointments a, span
		where a.counsellor_id in (select c.user_id from c)
			and a.status in ('requested', 'confirmed') and a.id is distinct from p_ignore
			and a.occupied && tstzrange(span.lo, span.hi)
		group by a.counsellor_id
	),
	per_day as (
		select a.counsellor_id, (a.starts_at at time zone 'Asia/Shanghai')::date as day, count(*) as n
		from public.appointments a, span
		where a.counsellor_id in (select c.user_id from c)
			and a.status in ('requested', 'confirmed') and a.id is distinct from p_ignore
			and a.starts_at >= span.lo and a.starts_at < span.hi
		group by 1, 2
	),
	rooms as (
		select b.venue_id, range_agg(b.occupied) as taken
		from public.venue_bookings b, span
		where b.venue_id in (select c.venue_id from c)
			and b.status in ('approved', 'blocked')
			and b.occupied && tstzrange(span.lo, span.hi)
			and b.id is distinct from (select a.venue_booking_id from public.appointments a where a.id = p_ignore)
		group by b.venue_id
	),
	days as (
		select c.*, d::date as day,
			(d::date)::timestamp at time zone 'Asia/Shanghai' as day_start,
			(d::date + 1)::timestamp at time zone 'Asia/Shanghai' as day_end
		from c
		cross join lateral generate_series(
			greatest(p_from, (c.earliest at time zone 'Asia/Shanghai')::date)::timestamp,
			least(p_to, (c.latest at time zone 'Asia/Shanghai')::date)::timestamp,
			interval '1 day'
		) d
	),
	free as (
		select d.*,
			(coalesce((
				select range_agg(tstzrange((d.day + h.starts_at) at time zone 'Asia/Shanghai',
					(d.day + h.ends_at) at time zone 'Asia/Shanghai'))
				from public.counsellor_hours h
				where h.counsellor_id = d.user_id and h.weekday = extract(isodow from d.day)
			), '{}'::tstzmultirange)
			+ coalesce((
				select range_agg(tstzrange((d.day + e.starts_at) at time zone 'Asia/Shanghai',
					(d.day + e.ends_at) at time zone 'Asia/Shanghai'))
				from public.counsellor_exceptions e
				where e.counsellor_id = d.user_id and e.on_date = d.day and e.kind = 'extra'
			), '{}'::tstzmultirange))
			- coalesce((
				select range_agg(case when e.starts_at is null then tstzrange(d.day_start, d.day_end)
					else tstzrange((d.day + e.starts_at) at time zone 'Asia/Shanghai',
						(d.day + e.ends_at) at time zone 'Asia/Shanghai') end)
				from public.counsellor_exceptions e
				where e.counsellor_id = d.user_id and e.on_date = d.day and e.kind = 'off'
			), '{}'::tstzmultirange) as stretches
		from days d
		left join per_day pd on pd.counsellor_id = d.user_id and pd.day = d.day
		where coalesce(pd.n, 0) < d.daily_max
	),
	candidates as (
		select f.user_id, f.modes, f.venue_id, f.room_buffer, s as starts_at, s + f.session as ends_at,
			tstzrange(s, s + f.step) as occupied
		from free f
		cross join lateral unnest(f.stretches) r
		cross join lateral generate_series(lower(r), upper(r) - f.session, f.step) s
		where s >= f.earliest and s < f.latest
	),
	offered as (
		select k.user_id, k.starts_at, k.ends_at,
			case when k.venue_id is not null and not coalesce(rm.taken && tstzrange(k.starts_at,
					k.ends_at + k.room_buffer), false)
				then k.modes
				else array_remove(k.modes, 'in_person') end as modes
		from candidates k
		left join busy b on b.counsellor_id = k.user_id
		left join rooms rm on rm.venue_id = k.venue_id
		where not coalesce(b.taken && k.occupied, false)
	)
	select o.user_id, o.starts_at, o.ends_at, o.modes
	from offered o
	where cardinality(o.modes) > 0
	order by o.starts_at, o.user_id
$$;

/*
 * Bookable slots for families: one counsellor, or any counsellor of the centre (p_counsellor_id
 * null), on the local dates p_from … p_to (at most 62 days). Signed-in callers only.
 */
create function public.counselling_slots(
	p_org_id uuid,
	p_from date,
	p_to date,
	p_counsellor_id uuid default null
)
returns table (
	counsellor_id uuid,
	starts_at timestamptz,
	ends_at timestamptz,
	modes public.appointment_mode[]
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
	if p_from is null or p_to is null or p_to < p_from or p_to - p_from > 62 then
		perform private.fail('invalid_range');
	end if;
	return query
		select s.counsellor_id, s.starts_at, s.ends_at, s.modes
		from private.counselling_slots(p_org_id, p_counsellor_id, p_from, p_to, now()) s;
end;
$$;

revoke all on function private.counselling_slots(uuid, uuid, date, date, timestamptz, uuid) from public;
revoke all on function public.counselling_slots(uuid, date, date, uuid) from public, anon, authenticated;
grant execute on function public.counselling_slots(uuid, date, date, uuid) to authenticated, service_role;
