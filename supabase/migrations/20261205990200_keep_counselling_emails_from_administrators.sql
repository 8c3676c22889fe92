-- District administrators read the outbox to see what failed, but not the emails about counselling
-- appointments: those say which family sees which counsellor when (the district sees counts only,
-- through counselling_counts). Redefines the policy as 20261205990100_hold_places_in_registration.sql
-- left it (held-place invitations for care staff only), adding that condition.

drop policy "Staff can read emails about their events" on public.email_outbox;
create policy "Staff can read emails about their events"
	on public.email_outbox for select to authenticated
	using (
		(event_id in (select private.my_event_ids())
			or ((select private.is_district_admin()) and appointment_id is null))
		and (kind <> 'held_place_invitation' or (select private.is_care_staff()))
	);
