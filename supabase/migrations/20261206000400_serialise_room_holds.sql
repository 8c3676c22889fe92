-- Approvals of overlapping requests for one room could deadlock (40P01) or run into the statement
-- timeout instead of one winning and the others hearing venue_conflict. The exclusion constraint
-- venue_bookings_no_overlap enters each holding booking in its index first and checks afterwards:
-- two transactions whose new bookings overlap each found the other's uncommitted row and waited
-- for it, each for the other (a transaction holding one room while asking for another completes
-- the cycle). Now whatever makes a booking hold a room (approval, block, a direct booking, an
-- event's or a counselling session's room, a change of its time) first takes a lock per room,
-- before its row is written: the second waits there, with nothing entered, and then sees the
-- first's booking committed. Transaction-scoped, so nothing outlives it behind a pooler.

create function private.hold_room_in_turn()
returns trigger
language plpgsql
set search_path = ''
as $$
begin
	perform pg_advisory_xact_lock(hashtext('venue_bookings'), hashtext(new.venue_id::text));
	return new;
end;
$$;
revoke all on function private.hold_room_in_turn() from public, anon, authenticated;

create trigger venue_bookings_hold_room_in_turn
	before insert or update on public.venue_bookings
	for each row when (new.status in ('approved', 'blocked'))
	execute function private.hold_room_in_turn();
