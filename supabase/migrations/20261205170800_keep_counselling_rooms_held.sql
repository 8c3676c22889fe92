-- An active counselling appointment keeps its room: a room booking it holds cannot be cancelled or
-- rejected on its own (cancel_venue_booking by the room's staff, say). Checked when the transaction
-- commits, so the counselling functions that give a room back in the same transaction as they end
-- or move the appointment (cancel_appointment, decide_appointment, reschedule_appointment, an
-- account's deletion) pass: by then no active appointment points at the released booking.

create function private.check_counselling_room_kept()
returns trigger
language plpgsql
security definer
set search_path = ''
as $$
begin
	if new.status not in ('approved', 'blocked') and exists (
		select 1 from public.appointments a
		where a.venue_booking_id = new.id and a.status in ('requested', 'confirmed')
	) then
		perform private.fail('counselling_booking');
	end if;
	return null;
end;
$$;
revoke all on function private.check_counselling_room_kept() from public;

create constraint trigger venue_bookings_keep_counselling_room
	after update of status on public.venue_bookings
	deferrable initially deferred
	for each row execute function private.check_counselling_room_kept();
