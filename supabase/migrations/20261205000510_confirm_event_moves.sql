-- A drag on the staff calendar that would email families asks first, and can be undone.

/*
 * Moves (or resizes) an event to [p_starts_at, p_ends_at) with its room booking, as
 * save_event does. A published event with families registered (confirmed or waitlisted) is only
 * moved with p_confirmed: without it nothing changes and it fails move_needs_confirmation, hint:
 * the number of families who would be emailed. Moving back (the calendar's undo) is a move like any
 * other: the families are emailed the correction.
 * Returns save_event's answer plus previous_starts_at, previous_ends_at (where it was) and
 * families (registered families of a published event, 0 for a draft).
 * Fails: not_authorised, event_not_found, move_needs_confirmation, and save_event's codes.
 */
create function public.move_event(
	p_event_id uuid,
	p_starts_at timestamptz,
	p_ends_at timestamptz,
	p_confirmed boolean default false
)
returns jsonb
language plpgsql
security definer
set search_path = ''
as $$
declare
	v_event public.events;
	v_families integer := 0;
begin
	if auth.uid() is null then
		perform private.fail('not_authorised');
	end if;
	select * into v_event from public.events e where e.id = p_event_id for update;
	if not found then
		perform private.fail('event_not_found');
	end if;
	if not private.is_org_member(v_event.org_id) then
		perform private.fail('not_authorised');
	end if;
	if v_event.status = 'published' then
		select count(*) into v_families from public.registrations r
		where r.event_id = p_event_id and r.status in ('confirmed', 'waitlisted');
	end if;
	if v_families > 0 and not coalesce(p_confirmed, false)
		and (p_starts_at is distinct from v_event.starts_at or p_ends_at is distinct from v_event.ends_at)
	then
		perform private.fail('move_needs_confirmation', v_families::text);
	end if;
	return private.staff_save_event(null,
		jsonb_build_object('starts_at', p_starts_at, 'ends_at', p_ends_at), p_event_id)
		|| jsonb_build_object('previous_starts_at', v_event.starts_at,
			'previous_ends_at', v_event.ends_at, 'families', v_families);
end;
$$;

revoke all on function public.move_event(uuid, timestamptz, timestamptz, boolean)
	from public, anon, authenticated;
grant execute on function public.move_event(uuid, timestamptz, timestamptz, boolean) to authenticated;
