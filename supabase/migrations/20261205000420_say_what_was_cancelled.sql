-- Cancelling says what was cancelled: a waitlist place is left (已退出候补), a confirmed
-- registration is cancelled (已取消报名). cancel_registration now also returns the status the
-- registration had (`was`: confirmed | waitlisted), read under the same lock as before.
create or replace function public.cancel_registration(p_registration_id uuid)
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
		'was', v_registration.status, 'promoted', v_promoted);
end;
$$;
