-- The room-booking workflow (预约场地 → 审批). Called with supabase.rpc; each call is one transaction.
-- Failures: raise exception using errcode 'P0001', message = stable code, hint = detail.
-- The exclusion constraint venue_bookings_no_overlap settles races: 23P01 becomes venue_conflict.

-- Whether [starts, ends) lies inside one opening interval of the venue, in Asia/Shanghai time.
create function private.within_opening_hours(p_venue_id uuid, p_starts_at timestamptz, p_ends_at timestamptz)
returns boolean
language plpgsql
stable
security definer
set search_path = ''
as $$
declare
	v_start timestamp := p_starts_at at time zone 'Asia/Shanghai';
	v_end timestamp := p_ends_at at time zone 'Asia/Shanghai';
	v_end_time time;
begin
	if not exists (select 1 from public.venue_opening_hours h where h.venue_id = p_venue_id) then
		return true;
	end if;
	if v_end::date = v_start::date then
		v_end_time := v_end::time;
	elsif v_end::date = v_start::date + 1 and v_end::time = time '00:00' then
		v_end_time := time '24:00';
	else
		return false;
	end if;
	return exists (
		select 1 from public.venue_opening_hours h
		where h.venue_id = p_venue_id
			and h.weekday = extract(isodow from v_start)
			and h.opens_at <= v_start::time
			and h.closes_at >= v_end_time
	);
end;
$$;

-- What a booking looks like in an email.
create function private.booking_payload(p_booking_id uuid)
returns jsonb
language sql
stable
security definer
set search_path = ''
as $$
	select jsonb_build_object(
		'booking', jsonb_build_object(
			'id', b.id, 'status', b.status, 'starts_at', b.starts_at, 'ends_at', b.ends_at,
			'purpose', b.purpose, 'reason', b.reason
		),
		'venue', jsonb_build_object(
			'id', v.id, 'name_zh', v.name_zh, 'name_en', v.name_en,
			'address_zh', coalesce(v.address_zh, vo.address_zh),
			'address_en', coalesce(v.address_en, vo.address_en)
		),
		'venue_organisation', jsonb_build_object('name_zh', vo.name_zh, 'name_en', vo.name_en,
			'phone', vo.contact_phone),
		'requesting_organisation', jsonb_build_object('name_zh', ro.name_zh, 'name_en', ro.name_en)
	)
	from public.venue_bookings b
	join public.venues v on v.id = b.venue_id
	join public.organisations vo on vo.id = v.org_id
	join public.organisations ro on ro.id = b.org_id
	where b.id = p_booking_id
$$;

-- Emails the person who asked for the room.
create function private.email_requester(p_kind text, p_booking_id uuid)
returns boolean
language sql
security definer
set search_path = ''
as $$
	select private.enqueue_email(
		p_kind,
		u.email,
		coalesce((select f.locale from public.families f where f.guardian_id = u.id), 'zh-CN'),
		private.booking_payload(b.id),
		p_kind || ':' || b.id
	)
	from public.venue_bookings b
	join auth.users u on u.id = b.requested_by
	where b.id = p_booking_id
$$;

/*
 * Asks for a room at any venue on behalf of one of the caller's organisations. At the venue's own
 * organisation the booking is approved at once; elsewhere it waits for the venue's staff.
 * Returns {booking_id, status}. Fails: not_authorised, venue_not_found, invalid_period,
 * purpose_too_long, outside_opening_hours, venue_conflict.
 */
create function public.request_venue_booking(
	p_venue_id uuid,
	p_starts_at timestamptz,
	p_ends_at timestamptz,
	p_purpose text,
	p_org_id uuid
)
returns jsonb
language plpgsql
security definer
set search_path = ''
as $$
declare
	v_uid uuid := auth.uid();
	v_venue public.venues;
	v_status public.booking_status;
	v_id uuid;
begin
	if v_uid is null or p_org_id is null or not private.is_org_member(p_org_id) then
		perform private.fail('not_authorised', 'Only staff of the requesting organisation can ask for a room.');
	end if;
	select * into v_venue from public.venues v where v.id = p_venue_id;
	if not found or not v_venue.active then
		perform private.fail('venue_not_found');
	end if;
	if p_starts_at is null or p_ends_at is null or p_ends_at <= p_starts_at
		or p_starts_at < now() or p_ends_at - p_starts_at > interval '1 day' then
		perform private.fail('invalid_period', 'A booking ends after it starts, lies in the future and lasts at most a day.');
	end if;
	if char_length(p_purpose) > 500 then
		perform private.fail('purpose_too_long', 'At most 500 characters.');
	end if;
	if not private.within_opening_hours(p_venue_id, p_starts_at, p_ends_at) then
		perform private.fail('outside_opening_hours');
	end if;
	-- A request that could never be approved is refused now rather than later.
	if exists (
		select 1 from public.venue_bookings b
		where b.venue_id = p_venue_id and b.status in ('approved', 'blocked')
			and b.occupied && private.booking_occupied(p_starts_at, p_ends_at, v_venue.buffer_minutes)
	) then
		perform private.fail('venue_conflict', 'The room is already booked at that time.');
	end if;

	v_status := case when v_venue.org_id = p_org_id then 'approved' else 'requested' end;
	begin
		insert into public.venue_bookings (venue_id, org_id, requested_by, status, starts_at, ends_at,
			buffer_minutes, purpose, decided_by, decided_at)
		values (p_venue_id, p_org_id, v_uid, v_status, p_starts_at, p_ends_at, v_venue.buffer_minutes,
			coalesce(btrim(p_purpose), ''),
			case when v_status = 'approved' then v_uid end,
			case when v_status = 'approved' then now() end)
		returning id into v_id;
	exception when exclusion_violation then
		perform private.fail('venue_conflict', 'The room was booked at that time a moment ago.');
	end;

	if v_status = 'requested' then
		perform private.enqueue_email('room_request_received', o.contact_email, 'zh-CN',
			private.booking_payload(v_id), 'room_request_received:' || v_id)
		from public.organisations o where o.id = v_venue.org_id;
	end if;
	return jsonb_build_object('booking_id', v_id, 'status', v_status);
end;
$$;

/*
 * The venue's staff approve or reject a requested booking. Returns {booking_id, status}.
 * Fails: booking_not_found, not_authorised, booking_not_pending, invalid_period (already past),
 * venue_conflict (another approval or block won the room).
 */
create function public.decide_venue_booking(p_booking_id uuid, p_approve boolean, p_reason text default null)
returns jsonb
language plpgsql
security definer
set search_path = ''
as $$
declare
	v_booking public.venue_bookings;
	v_status public.booking_status := case when p_approve then 'approved' else 'rejected' end;
begin
	select * into v_booking from public.venue_bookings b where b.id = p_booking_id for update;
	if not found then
		perform private.fail('booking_not_found');
	end if;
	if not private.is_org_member((select v.org_id from public.venues v where v.id = v_booking.venue_id)) then
		perform private.fail('not_authorised', 'Only the venue''s staff decide on requests.');
	end if;
	if v_booking.status <> 'requested' then
		perform private.fail('booking_not_pending', format('The booking is %s.', v_booking.status));
	end if;
	if p_approve is null then
		perform private.fail('invalid_decision');
	end if;
	if char_length(p_reason) > 500 then
		perform private.fail('reason_too_long', 'At most 500 characters.');
	end if;
	if p_approve and v_booking.starts_at < now() then
		perform private.fail('invalid_period', 'The requested time has passed.');
	end if;
	begin
		update public.venue_bookings b
		set status = v_status, reason = nullif(btrim(p_reason), ''), decided_by = auth.uid(),
			decided_at = now()
		where b.id = p_booking_id;
	exception when exclusion_violation then
		perform private.fail('venue_conflict', 'Another booking already holds the room at that time.');
	end;
	perform private.email_requester(
		case when p_approve then 'room_request_approved' else 'room_request_rejected' end, p_booking_id);
	return jsonb_build_object('booking_id', p_booking_id, 'status', v_status);
end;
$$;

/*
 * The venue's staff block a room (maintenance, closure, their own use without a booking).
 * Returns {booking_id, status: 'blocked'}. Fails: venue_not_found, not_authorised, invalid_period,
 * reason_too_long, venue_conflict.
 */
create function public.block_venue(
	p_venue_id uuid,
	p_starts_at timestamptz,
	p_ends_at timestamptz,
	p_reason text default null
)
returns jsonb
language plpgsql
security definer
set search_path = ''
as $$
declare
	v_venue public.venues;
	v_id uuid;
begin
	select * into v_venue from public.venues v where v.id = p_venue_id;
	if not found then
		perform private.fail('venue_not_found');
	end if;
	if not private.is_org_member(v_venue.org_id) then
		perform private.fail('not_authorised', 'Only the venue''s staff block its rooms.');
	end if;
	if p_starts_at is null or p_ends_at is null or p_ends_at <= p_starts_at
		or p_ends_at - p_starts_at > interval '366 days' then
		perform private.fail('invalid_period', 'A block ends after it starts and lasts at most a year.');
	end if;
	if char_length(p_reason) > 500 then
		perform private.fail('reason_too_long', 'At most 500 characters.');
	end if;
	begin
		insert into public.venue_bookings (venue_id, org_id, requested_by, status, starts_at, ends_at,
			buffer_minutes, reason, decided_by, decided_at)
		values (p_venue_id, v_venue.org_id, auth.uid(), 'blocked', p_starts_at, p_ends_at, 0,
			nullif(btrim(p_reason), ''), auth.uid(), now())
		returning id into v_id;
	exception when exclusion_violation then
		perform private.fail('venue_conflict', 'A booking holds the room in that period.');
	end;
	return jsonb_build_object('booking_id', v_id, 'status', 'blocked');
end;
$$;

/*
 * Moves or resizes a booking (dragging it on the calendar). The venue's staff only. Events held in
 * the booking move with it by the same amount, which emails their registered families.
 * Returns {booking_id, status, starts_at, ends_at}. Fails: booking_not_found, not_authorised,
 * booking_not_active, invalid_period, outside_opening_hours, venue_conflict, event_outside_booking.
 */
create function public.move_venue_booking(p_booking_id uuid, p_starts_at timestamptz, p_ends_at timestamptz)
returns jsonb
language plpgsql
security definer
set search_path = ''
as $$
declare
	v_booking public.venue_bookings;
	v_shift interval;
begin
	select * into v_booking from public.venue_bookings b where b.id = p_booking_id for update;
	if not found then
		perform private.fail('booking_not_found');
	end if;
	if not private.is_org_member((select v.org_id from public.venues v where v.id = v_booking.venue_id)) then
		perform private.fail('not_authorised', 'Only the venue''s staff move bookings.');
	end if;
	if v_booking.status not in ('requested', 'approved', 'blocked') then
		perform private.fail('booking_not_active', format('The booking is %s.', v_booking.status));
	end if;
	if p_starts_at is null or p_ends_at is null or p_ends_at <= p_starts_at
		or (v_booking.status <> 'blocked'
			and (p_starts_at < now() or p_ends_at - p_starts_at > interval '1 day')) then
		perform private.fail('invalid_period');
	end if;
	if v_booking.status <> 'blocked'
		and not private.within_opening_hours(v_booking.venue_id, p_starts_at, p_ends_at) then
		perform private.fail('outside_opening_hours');
	end if;
	v_shift := p_starts_at - v_booking.starts_at;
	begin
		update public.venue_bookings b set starts_at = p_starts_at, ends_at = p_ends_at
		where b.id = p_booking_id;
	exception when exclusion_violation then
		perform private.fail('venue_conflict', 'Another booking holds the room at that time.');
	end;
	if v_shift <> interval '0' then
		update public.events e
		set starts_at = e.starts_at + v_shift,
			ends_at = e.ends_at + v_shift,
			registration_closes_at = e.registration_closes_at + v_shift
		where e.venue_booking_id = p_booking_id and e.status <> 'cancelled';
	end if;
	-- Moved events are checked by their trigger; a resize must still hold them.
	if exists (
		select 1 from public.events e
		where e.venue_booking_id = p_booking_id and e.status <> 'cancelled'
			and (e.starts_at < p_starts_at or e.ends_at > p_ends_at)
	) then
		perform private.fail('event_outside_booking', 'An event in this booking would no longer fit.');
	end if;
	return jsonb_build_object('booking_id', p_booking_id, 'status', v_booking.status,
		'starts_at', p_starts_at, 'ends_at', p_ends_at);
end;
$$;

/*
 * Withdraws a request or frees a booked or blocked room: staff of the requesting organisation or
 * of the venue. A booking that holds a (not cancelled) event cannot be cancelled.
 * Returns {booking_id, status: 'cancelled'}. Fails: booking_not_found, not_authorised,
 * booking_not_active, booking_in_use.
 */
create function public.cancel_venue_booking(p_booking_id uuid)
returns jsonb
language plpgsql
security definer
set search_path = ''
as $$
declare
	v_booking public.venue_bookings;
	v_venue_org uuid;
begin
	select * into v_booking from public.venue_bookings b where b.id = p_booking_id for update;
	if not found then
		perform private.fail('booking_not_found');
	end if;
	select v.org_id into v_venue_org from public.venues v where v.id = v_booking.venue_id;
	if not (private.is_org_member(v_booking.org_id) or private.is_org_member(v_venue_org)) then
		perform private.fail('not_authorised');
	end if;
	if v_booking.status not in ('requested', 'approved', 'blocked') then
		perform private.fail('booking_not_active', format('The booking is %s.', v_booking.status));
	end if;
	if exists (
		select 1 from public.events e
		where e.venue_booking_id = p_booking_id and e.status <> 'cancelled'
	) then
		perform private.fail('booking_in_use', 'Cancel or move the event held in this booking first.');
	end if;
	update public.venue_bookings b set status = 'cancelled' where b.id = p_booking_id;
	if v_booking.org_id <> v_venue_org and not private.is_org_member(v_booking.org_id) then
		perform private.email_requester('room_booking_cancelled', p_booking_id);
	end if;
	return jsonb_build_object('booking_id', p_booking_id, 'status', 'cancelled');
end;
$$;

/*
 * When a room is taken (approved and blocked bookings, buffers included), without saying by whom or
 * why: what organisers of other organisations, and the public, may know. At most 400 days at once.
 * Fails: invalid_period, venue_not_found.
 */
create function public.venue_busy_periods(p_venue_id uuid, p_from timestamptz, p_to timestamptz)
returns table (busy_from timestamptz, busy_until timestamptz)
language plpgsql
stable
security definer
set search_path = ''
as $$
begin
	if p_from is null or p_to is null or p_to <= p_from or p_to - p_from > interval '400 days' then
		perform private.fail('invalid_period', 'At most 400 days at once.');
	end if;
	if not exists (
		select 1 from public.venues v
		where v.id = p_venue_id
			and (v.active or private.is_org_member(v.org_id) or private.is_district_admin())
	) then
		perform private.fail('venue_not_found');
	end if;
	return query
		select lower(b.occupied), upper(b.occupied)
		from public.venue_bookings b
		where b.venue_id = p_venue_id and b.status in ('approved', 'blocked')
			and b.occupied && tstzrange(p_from, p_to, '[)')
		order by 1;
end;
$$;

revoke all on all functions in schema private from public;
revoke all on function
	public.request_venue_booking(uuid, timestamptz, timestamptz, text, uuid),
	public.decide_venue_booking(uuid, boolean, text),
	public.block_venue(uuid, timestamptz, timestamptz, text),
	public.move_venue_booking(uuid, timestamptz, timestamptz),
	public.cancel_venue_booking(uuid),
	public.venue_busy_periods(uuid, timestamptz, timestamptz)
	from public, anon, authenticated;
grant execute on function
	public.request_venue_booking(uuid, timestamptz, timestamptz, text, uuid),
	public.decide_venue_booking(uuid, boolean, text),
	public.block_venue(uuid, timestamptz, timestamptz, text),
	public.move_venue_booking(uuid, timestamptz, timestamptz),
	public.cancel_venue_booking(uuid)
	to authenticated;
grant execute on function public.venue_busy_periods(uuid, timestamptz, timestamptz)
	to anon, authenticated;
