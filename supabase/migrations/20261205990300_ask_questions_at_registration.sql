-- register_family also takes the answers to the event's questions and a note to the organiser,
-- checked and stored in its transaction (20261205160100_create_event_questions.sql). Starts from
-- the definition in 20261205990100_hold_places_in_registration.sql (held places kept as they are).

drop function public.register_family(uuid, uuid[], text);

/*
 * Registers members of the caller's family for an event (报名). Confirms when the places allow,
 * else puts the family on the waitlist, or fails with event_full when the waitlist is off.
 * Writes the confirmation (or waitlist) email in the same transaction, and the answers to the
 * event's questions (p_answers: [{question_id, member_id?, value}]) with the family's note.
 * Held places: seats an event holds (event_holds) are not ordinary seats until released; a
 * referred family, or one invited to the event, takes a held seat when the ordinary seats are gone
 * (held_place_uses records it, which the event's staff cannot read). Its pending invitation to the
 * event is answered (accepted) whichever seat it gets.
 * Returns {registration_id, status: 'confirmed'|'waitlisted', waitlist_position: int|null}.
 * Fails (checked in this order): not_authorised, family_required, no_attendees, not_family_member,
 * consent_required, event_not_found, event_cancelled, already_registered, registration_not_open,
 * registration_closed, seat_limit_exceeded, age_out_of_range, answer_invalid, answer_required
 * (hint: the question's id), note_too_long, event_full.
 * Everything that does not depend on the event row is read before the row is locked; under the
 * lock come only the checks against the event, the decision and three inserts.
 */
create function public.register_family(
	p_event_id uuid,
	p_member_ids uuid[],
	p_source text default null,
	p_answers jsonb default null,
	p_note text default null
)
returns jsonb
language plpgsql
security definer
set search_path = ''
as $$
declare
	v_uid uuid := auth.uid();
	v_family public.families;
	v_event public.events;
	v_members uuid[];
	v_seats integer;
	v_found integer;
	v_has_child boolean;
	v_births date[];
	v_attendees jsonb;
	v_status public.registration_status;
	v_position integer;
	v_registration public.registrations;
	v_code text;
	v_source text := lower(btrim(p_source));
	v_note text := nullif(btrim(p_note), '');
	v_answers jsonb;
	v_referral uuid;
	v_invitation public.held_invitations;
	v_held boolean := false;
begin
	if v_uid is null then
		perform private.fail('not_authorised', 'Sign in to register.');
	end if;
	select f.* into v_family from public.families f where f.guardian_id = v_uid;
	if not found then
		perform private.fail('family_required', 'Save the family''s contact details first.');
	end if;

	-- Who comes, and how the email will list them: read before taking the event lock.
	select coalesce(array_agg(distinct m), '{}') into v_members from unnest(p_member_ids) m
	where m is not null;
	v_seats := cardinality(v_members);
	if v_seats = 0 then
		perform private.fail('no_attendees', 'Choose who is coming.');
	end if;
	select count(*), coalesce(bool_or(fm.kind = 'child'), false),
		array_agg(fm.birth_year_month) filter (where fm.kind = 'child'),
		coalesce(jsonb_agg(jsonb_build_object('kind', fm.kind, 'nickname', fm.nickname)
			order by fm.kind, fm.nickname), '[]'::jsonb)
	into v_found, v_has_child, v_births, v_attendees
	from public.family_members fm
	where fm.id = any (v_members) and fm.family_id = v_family.id;
	if v_found <> v_seats then
		perform private.fail('not_family_member', 'Only members of your own family can be registered.');
	end if;
	if v_has_child and not private.has_current_consent(v_family.id) then
		perform private.fail('consent_required', 'Agree to the current privacy text first.');
	end if;
	if v_source !~ '^[a-z0-9._-]{1,40}$' then
		v_source := null;
	end if;
	v_code := private.new_check_in_code();

	-- Only the columns the checks use: a long description is not read under the lock.
	select e.status, e.starts_at, e.registration_opens_at, e.registration_closes_at, e.capacity,
		e.max_seats_per_family, e.min_child_age, e.max_child_age, e.waitlist_enabled, e.seats_taken
	into v_event.status, v_event.starts_at, v_event.registration_opens_at,
		v_event.registration_closes_at, v_event.capacity, v_event.max_seats_per_family,
		v_event.min_child_age, v_event.max_child_age, v_event.waitlist_enabled, v_event.seats_taken
	from public.events e where e.id = p_event_id for update;
	if not found or v_event.status = 'draft' then
		perform private.fail('event_not_found');
	end if;
	if v_event.status = 'cancelled' then
		perform private.fail('event_cancelled');
	end if;
	if exists (
		select 1 from public.registrations r
		where r.event_id = p_event_id and r.family_id = v_family.id and r.status <> 'cancelled'
	) then
		perform private.fail('already_registered');
	end if;
	if v_event.registration_opens_at is not null and now() < v_event.registration_opens_at then
		perform private.fail('registration_not_open', to_char(v_event.registration_opens_at
			at time zone 'Asia/Shanghai', 'YYYY-MM-DD HH24:MI'));
	end if;
	if now() >= least(coalesce(v_event.registration_closes_at, v_event.starts_at), v_event.starts_at) then
		perform private.fail('registration_closed');
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
		perform private.fail('age_out_of_range', format('For children aged %s to %s.',
			coalesce(v_event.min_child_age, 0), coalesce(v_event.max_child_age::text, '…')));
	end if;

	-- The questions belong to the event; reading them under its lock sees the ones it has now.
	v_answers := private.checked_answers(p_event_id, v_members, p_answers);
	if char_length(v_note) > 500 then
		perform private.fail('note_too_long');
	end if;

	if v_event.seats_taken + private.held_reserve(p_event_id) + v_seats <= v_event.capacity then
		v_status := 'confirmed';
	elsif private.held_free(p_event_id, v_family.id) >= v_seats and (
		(private.pending_invitation(p_event_id, v_family.id)).id is not null
		or private.active_referral(v_family.id) is not null
	) then
		v_status := 'confirmed';
		v_held := true;
	elsif v_event.waitlist_enabled then
		v_status := 'waitlisted';
		select coalesce(max(r.waitlist_position), 0) + 1 into v_position
		from public.registrations r where r.event_id = p_event_id and r.status = 'waitlisted';
	else
		perform private.fail('event_full');
	end if;

	insert into public.registrations (event_id, family_id, status, seats, waitlist_position,
		waitlist_joined_at, check_in_code, source, confirmed_at, note)
	values (p_event_id, v_family.id, v_status, v_seats, v_position,
		-- The moment the lock was won: the joining order the positions follow.
		case when v_status = 'waitlisted' then clock_timestamp() end,
		v_code, v_source,
		case when v_status = 'confirmed' then now() end, v_note)
	returning * into v_registration;
	insert into public.registration_attendees (registration_id, member_id)
	select v_registration.id, m from unnest(v_members) m;
	perform private.store_answers(v_registration.id, p_event_id, v_answers);
	v_invitation := private.pending_invitation(p_event_id, v_family.id);
	if v_invitation.id is not null then
		update public.held_invitations i set status = 'accepted', answered_at = now()
		where i.id = v_invitation.id;
	end if;
	if v_held then
		insert into public.held_place_uses (registration_id, event_id, referral_id)
		values (v_registration.id, p_event_id,
			coalesce(v_invitation.referral_id, private.active_referral(v_family.id)));
	end if;

	-- The email, in this transaction, from the rows already read (no second read of the family
	-- or the attendees while the event row is locked).
	perform private.enqueue_email('registration_' || v_status, v_family.email, v_family.locale,
		private.registration_email_payload(v_registration, v_family, v_attendees),
		'registration_' || v_status || ':' || v_registration.id, p_event_id, v_registration.id);
	return jsonb_build_object('registration_id', v_registration.id, 'status', v_status,
		'waitlist_position', v_position);
end;
$$;

revoke all on function public.register_family(uuid, uuid[], text, jsonb, text)
	from public, anon, authenticated;
grant execute on function public.register_family(uuid, uuid[], text, jsonb, text) to authenticated;
