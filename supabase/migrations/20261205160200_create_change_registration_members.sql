/*
 * Changes who comes with a registration (confirmed or waitlisted) until the event starts: members
 * added or removed, one at a time or all at once (the list is the new list). Takes the event lock
 * first, like register_family, so places are re-checked under any number of concurrent calls; a
 * confirmed family that would need more places than are free is refused with event_full and keeps
 * its registration as it was. Places freed go to the waitlist in joining order (promote_waitlist).
 * Answers: those given (p_answers, as register_family's) replace the stored ones question by
 * question; stored answers about people who no longer come are dropped; everything is checked
 * again, so a newcomer must answer the required questions.
 * Returns {registration_id, status, seats, promoted}.
 * Fails: not_authorised, registration_not_found, registration_not_active, too_late_to_change,
 * no_attendees, not_family_member, consent_required, seat_limit_exceeded, age_out_of_range,
 * answer_invalid, answer_required, event_full.
 */
create function public.change_registration_members(
	p_registration_id uuid,
	p_member_ids uuid[],
	p_answers jsonb default null
)
returns jsonb
language plpgsql
security definer
set search_path = ''
as $$
declare
	v_uid uuid := auth.uid();
	v_event_id uuid;
	v_event public.events;
	v_registration public.registrations;
	v_family public.families;
	v_members uuid[];
	v_seats integer;
	v_found integer;
	v_has_child boolean;
	v_births date[];
	v_given jsonb := case when jsonb_typeof(p_answers) = 'array' then p_answers else '[]'::jsonb end;
	v_merged jsonb;
	v_promoted integer := 0;
begin
	if v_uid is null then
		perform private.fail('not_authorised');
	end if;
	select r.event_id into v_event_id from public.registrations r where r.id = p_registration_id;
	if v_event_id is null then
		perform private.fail('registration_not_found');
	end if;
	-- The event first, then the registration: the same order as register_family.
	select * into v_event from public.events e where e.id = v_event_id for update;
	select * into v_registration from public.registrations r where r.id = p_registration_id for update;
	select * into v_family from public.families f where f.id = v_registration.family_id;
	if v_family.guardian_id is distinct from v_uid then
		perform private.fail('registration_not_found');
	end if;
	if v_registration.status not in ('confirmed', 'waitlisted') then
		perform private.fail('registration_not_active');
	end if;
	if now() >= v_event.starts_at or v_event.status <> 'published' then
		perform private.fail('too_late_to_change');
	end if;

	select coalesce(array_agg(distinct m), '{}') into v_members from unnest(p_member_ids) m
	where m is not null;
	v_seats := cardinality(v_members);
	if v_seats = 0 then
		perform private.fail('no_attendees', 'Cancel the registration instead.');
	end if;
	select count(*), coalesce(bool_or(fm.kind = 'child'), false),
		array_agg(fm.birth_year_month) filter (where fm.kind = 'child')
	into v_found, v_has_child, v_births
	from public.family_members fm
	where fm.id = any (v_members) and fm.family_id = v_family.id;
	if v_found <> v_seats then
		perform private.fail('not_family_member');
	end if;
	if v_has_child and not private.has_current_consent(v_family.id) then
		perform private.fail('consent_required');
	end if;
	if v_seats > v_event.max_seats_per_family then
		perform private.fail('seat_limit_exceeded',
			format('At most %s people per family.', v_event.max_seats_per_family));
	end if;
	if v_seats > v_event.capacity then
		perform private.fail('seat_limit_exceeded',
			format('The event has %s places in all.', v_event.capacity));
	end if;
	if (v_event.min_child_age is not null or v_event.max_child_age is not null) and exists (
		select 1 from unnest(v_births) b
		where private.age_at(b, v_event.starts_at)
			not between coalesce(v_event.min_child_age, 0) and coalesce(v_event.max_child_age, 99)
	) then
		perform private.fail('age_out_of_range');
	end if;
	-- Seats held for referred families (private.held_reserve, 20261205190200_create_held_places.sql,
	-- looked up when this runs) are not free for an ordinary family.
	if v_registration.status = 'confirmed' and v_seats > v_registration.seats
		and v_event.seats_taken + private.held_reserve(v_event.id) - v_registration.seats + v_seats
			> v_event.capacity then
		perform private.fail('event_full');
	end if;

	-- Stored answers not given again are kept (for people who still come), then all are checked.
	select coalesce(jsonb_agg(x), '[]'::jsonb) into v_merged from (
		select g as x from jsonb_array_elements(v_given) g
		union all
		select jsonb_build_object('question_id', a.question_id, 'member_id', a.member_id,
			'value', a.value)
		from public.registration_answers a
		where a.registration_id = p_registration_id
			and (a.member_id is null or a.member_id = any (v_members))
			and not exists (
				select 1 from jsonb_array_elements(v_given) g
				where g ->> 'question_id' = a.question_id::text
					and (g ->> 'member_id') is not distinct from a.member_id::text)
	) merged;
	perform private.store_answers(p_registration_id, v_event.id,
		private.checked_answers(v_event.id, v_members, v_merged));

	delete from public.registration_attendees a
	where a.registration_id = p_registration_id and a.member_id <> all (v_members);
	insert into public.registration_attendees (registration_id, member_id)
	select p_registration_id, m from unnest(v_members) m
	on conflict do nothing;
	update public.registrations r set seats = v_seats where r.id = p_registration_id;

	if v_seats < v_registration.seats or v_registration.status = 'waitlisted' then
		v_promoted := private.promote_waitlist(v_event.id);
	end if;
	select * into v_registration from public.registrations r where r.id = p_registration_id;
	return jsonb_build_object('registration_id', p_registration_id, 'status', v_registration.status,
		'seats', v_seats, 'promoted', v_promoted);
end;
$$;

revoke all on function public.change_registration_members(uuid, uuid[], jsonb)
	from public, anon, authenticated;
grant execute on function public.change_registration_members(uuid, uuid[], jsonb) to authenticated;
