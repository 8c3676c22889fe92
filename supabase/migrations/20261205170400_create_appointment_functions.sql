-- Booking, rescheduling, cancelling and deciding counselling appointments, their discreet emails,
-- the centre's busy view and the district's counts.

-- Emails about an appointment belong to it, and go when it goes (the family's account is deleted).
alter table public.email_outbox
	add column appointment_id uuid references public.appointments (id) on delete cascade;
create index email_outbox_appointment_id_idx on public.email_outbox (appointment_id);
comment on column public.email_outbox.appointment_id is
	'The counselling appointment an email is about. Its payload never says what it is about.';

/*
 * What an email (and its calendar file) may say about an appointment: when, how, where, with whom
 * (the counsellor's display name), the centre and its crisis hotline. Never for whom or about what.
 */
create function private.appointment_payload(p_appointment_id uuid)
returns jsonb
language plpgsql
stable
security definer
set search_path = ''
as $$
begin
	return (
		select jsonb_build_object(
			'appointment', jsonb_build_object('id', a.id, 'starts_at', a.starts_at, 'ends_at', a.ends_at,
				'mode', a.mode, 'status', a.status, 'sequence', a.sequence,
				'cancelled_by', a.cancelled_by, 'cancelled_late', a.cancelled_late),
			'counsellor_zh', c.display_name_zh,
			'counsellor_en', coalesce(nullif(c.display_name_en, ''), c.display_name_zh),
			'organisation_zh', o.name_zh,
			'organisation_en', o.name_en,
			'organisation_phone', o.contact_phone,
			'place_zh', case when a.mode = 'in_person' then
				concat_ws(' · ', v.name_zh, coalesce(v.address_zh, o.address_zh)) end,
			'place_en', case when a.mode = 'in_person' then
				concat_ws(' · ', nullif(v.name_en, ''), coalesce(v.address_en, o.address_en)) end,
			'hotline', cc.crisis_hotline,
			'hotline_hours_zh', cc.hotline_hours_zh,
			'hotline_hours_en', cc.hotline_hours_en,
			'cutoff_hours', coalesce(cc.cancel_cutoff_hours, 24),
			'guardian_name', f.guardian_name
		)
		from public.appointments a
		join public.counsellors c on c.user_id = a.counsellor_id
		join public.organisations o on o.id = a.org_id
		join public.families f on f.id = a.family_id
		left join public.counselling_centres cc on cc.org_id = a.org_id
		left join public.venue_bookings b on b.id = a.venue_booking_id
		left join public.venues v on v.id = b.venue_id
		where a.id = p_appointment_id
	);
end;
$$;

-- Queues one email about an appointment to its family (p_to = 'family') or its counsellor.
create function private.email_appointment(p_kind text, p_appointment_id uuid, p_to text,
	p_key text, p_extra jsonb default '{}'::jsonb)
returns boolean
language plpgsql
security definer
set search_path = ''
as $$
declare
	v_email text;
	v_locale public.app_locale;
	v_payload jsonb := private.appointment_payload(p_appointment_id);
begin
	if p_to = 'family' then
		select f.email, f.locale into v_email, v_locale
		from public.appointments a join public.families f on f.id = a.family_id
		where a.id = p_appointment_id;
	else
		select u.email, c.locale into v_email, v_locale
		from public.appointments a
		join public.counsellors c on c.user_id = a.counsellor_id
		join auth.users u on u.id = c.user_id
		where a.id = p_appointment_id;
		v_payload := (v_payload - 'guardian_name') || jsonb_build_object('to_counsellor', true);
	end if;
	if v_email is null then
		return false;
	end if;
	insert into public.email_outbox (kind, to_email, locale, payload, idempotency_key, appointment_id)
	values (p_kind, v_email, coalesce(v_locale, 'zh-CN'), v_payload || p_extra, p_key, p_appointment_id)
	on conflict (idempotency_key) do nothing;
	return found;
end;
$$;

-- Reminders not yet sent for an appointment that moved or ended are not sent.
create function private.skip_appointment_reminders(p_appointment_id uuid)
returns void
language sql
security definer
set search_path = ''
as $$
	update public.email_outbox o
	set status = 'skipped', last_error = 'skipped: appointment_changed'
	where o.appointment_id = p_appointment_id and o.status = 'pending' and o.batch_key is null
		and o.kind in ('counselling_reminder_24h', 'counselling_reminder_2h')
$$;

-- The request's who-and-what, checked: a child of the family for 'child', a parent or grandparent
-- (or nobody) for 'parent', nobody for 'family'.
create function private.check_appointment_subject(p_family_id uuid,
	p_subject public.counselling_subject, p_member_id uuid, p_note text)
returns void
language plpgsql
stable
security definer
set search_path = ''
as $$
declare
	v_kind public.member_kind;
begin
	if p_subject is null then
		perform private.fail('subject_required');
	end if;
	if char_length(coalesce(p_note, '')) > 1000 then
		perform private.fail('note_too_long');
	end if;
	if p_member_id is not null then
		select m.kind into v_kind from public.family_members m
		where m.id = p_member_id and m.family_id = p_family_id;
		if v_kind is null then
			perform private.fail('member_not_found');
		end if;
	end if;
	if (p_subject = 'child' and (v_kind is null or v_kind <> 'child'))
		or (p_subject = 'parent' and v_kind = 'child')
		or (p_subject = 'family' and p_member_id is not null) then
		perform private.fail('subject_mismatch');
	end if;
end;
$$;

-- Holds the counsellor's room for an in-person appointment (the exclusion constraint of
-- venue_bookings settles a race for the room). Returns the booking, or null when not in person.
create function private.hold_counselling_room(p_counsellor public.counsellors,
	p_mode public.appointment_mode, p_starts_at timestamptz, p_ends_at timestamptz)
returns uuid
language plpgsql
security definer
set search_path = ''
as $$
declare
	v_id uuid;
begin
	if p_mode <> 'in_person' then
		return null;
	end if;
	insert into public.venue_bookings (venue_id, org_id, requested_by, status, starts_at, ends_at,
		buffer_minutes, purpose, decided_by, decided_at)
	select v.id, v.org_id, p_counsellor.user_id, 'approved', p_starts_at, p_ends_at, v.buffer_minutes,
		'', p_counsellor.user_id, now()
	from public.venues v where v.id = p_counsellor.venue_id
	returning id into v_id;
	if v_id is null then
		perform private.fail('slot_unavailable');
	end if;
	return v_id;
end;
$$;

/*
 * The counsellor's row locked (bookings of one counsellor queue here, so the daily maximum holds
 * under concurrency) and the slot re-checked as counselling_slots lists it, ignoring p_ignore (an
 * appointment being moved). Returns the counsellor and the slot's end. Fails:
 * counsellor_not_found, mode_unavailable, slot_unavailable.
 */
create function private.lock_slot(p_counsellor_id uuid, p_org_id uuid,
	p_mode public.appointment_mode, p_starts_at timestamptz, p_ignore uuid,
	out counsellor public.counsellors, out ends_at timestamptz)
language plpgsql
security definer
set search_path = ''
as $$
begin
	select c.* into counsellor from public.counsellors c
	where c.user_id = p_counsellor_id and c.active and (p_org_id is null or c.org_id = p_org_id)
	for update;
	if counsellor.user_id is null then
		perform private.fail('counsellor_not_found');
	end if;
	if p_mode is null or not (p_mode = any (counsellor.modes)) then
		perform private.fail('mode_unavailable');
	end if;
	select s.ends_at into ends_at
	from private.counselling_slots(null, counsellor.user_id,
		(p_starts_at at time zone 'Asia/Shanghai')::date,
		(p_starts_at at time zone 'Asia/Shanghai')::date, now(), p_ignore) s
	where s.starts_at = p_starts_at and p_mode = any (s.modes);
	if ends_at is null then
		perform private.fail('slot_unavailable');
	end if;
end;
$$;

/*
 * A family books a slot: re-checks it against everything counselling_slots checks, with the
 * counsellor's row locked (so the daily maximum holds under concurrency) and under the exclusion
 * constraints of appointments and of the room. Confirmed at once, or requested when the counsellor
 * accepts each booking. Writes the family's and the counsellor's emails in the same transaction.
 * Returns {id, status, starts_at, ends_at}. Fails: family_required, counsellor_not_found,
 * mode_unavailable, subject_required, subject_mismatch, member_not_found, note_too_long,
 * too_many_appointments, slot_unavailable.
 */
create function public.book_appointment(
	p_counsellor_id uuid,
	p_starts_at timestamptz,
	p_mode public.appointment_mode,
	p_subject public.counselling_subject,
	p_topic public.counselling_topic,
	p_member_id uuid default null,
	p_note text default '',
	p_contact public.contact_preference default 'phone'
)
returns jsonb
language plpgsql
security definer
set search_path = ''
as $$
declare
	v_family_id uuid := private.my_family_id();
	v_slot record;
	v_counsellor public.counsellors;
	v_ends_at timestamptz;
	v_booking uuid;
	v_id uuid;
	v_status public.appointment_status;
begin
	if v_family_id is null then
		perform private.fail('family_required');
	end if;
	if p_topic is null then
		perform private.fail('topic_required');
	end if;
	perform private.check_appointment_subject(v_family_id, p_subject, p_member_id, p_note);
	if (select count(*) from public.appointments a
		where a.family_id = v_family_id and a.status in ('requested', 'confirmed')
			and a.starts_at > now()) >= 3 then
		perform private.fail('too_many_appointments');
	end if;
	v_slot := private.lock_slot(p_counsellor_id, null, p_mode, p_starts_at, null);
	v_counsellor := v_slot.counsellor;
	v_ends_at := v_slot.ends_at;
	v_status := case when v_counsellor.requires_acceptance then 'requested' else 'confirmed' end;
	begin
		v_booking := private.hold_counselling_room(v_counsellor, p_mode, p_starts_at, v_ends_at);
		insert into public.appointments (org_id, counsellor_id, family_id, starts_at, ends_at,
			buffer_minutes, mode, venue_booking_id, status, decided_at)
		values (v_counsellor.org_id, v_counsellor.user_id, v_family_id, p_starts_at, v_ends_at,
			v_counsellor.buffer_minutes, p_mode, v_booking, v_status,
			case when v_status = 'confirmed' then now() end)
		returning id into v_id;
	exception when exclusion_violation then
		perform private.fail('slot_unavailable');
	end;
	insert into public.appointment_details (appointment_id, subject, member_id, topic, note, contact)
	values (v_id, p_subject, p_member_id, p_topic, btrim(coalesce(p_note, '')),
		coalesce(p_contact, 'phone'));
	if v_status = 'confirmed' then
		perform private.email_appointment('counselling_confirmed', v_id, 'family',
			'counselling_confirmed:' || v_id);
	else
		perform private.email_appointment('counselling_requested', v_id, 'family',
			'counselling_requested:' || v_id);
	end if;
	perform private.email_appointment('counselling_staff_notice', v_id, 'counsellor',
		'counselling_staff_new:' || v_id, jsonb_build_object('what', 'new'));
	return jsonb_build_object('id', v_id, 'status', v_status, 'starts_at', p_starts_at,
		'ends_at', v_ends_at);
end;
$$;

-- The appointment, locked, if the caller is its family (p_as = 'family') or its counsellor.
create function private.my_appointment_for_update(p_id uuid, p_as text)
returns public.appointments
language plpgsql
security definer
set search_path = ''
as $$
declare
	v public.appointments;
begin
	select a.* into v from public.appointments a where a.id = p_id for update;
	if v.id is null
		or (p_as = 'family' and v.family_id is distinct from private.my_family_id())
		or (p_as = 'counsellor' and v.counsellor_id is distinct from auth.uid())
		or (p_as = 'either' and v.family_id is distinct from private.my_family_id()
			and v.counsellor_id is distinct from auth.uid()) then
		perform private.fail('appointment_not_found');
	end if;
	return v;
end;
$$;

/*
 * The family moves its appointment to another slot (of the same counsellor, or another of the
 * centre), in one transaction: the new slot is checked as a booking is, ignoring the appointment's
 * own time and room; the appointment and its room booking move together or not at all. Allowed
 * until the centre's cut-off. A counsellor who accepts each booking must accept the new time.
 * Returns {id, status, starts_at, ends_at, previous_starts_at}. Fails: appointment_not_found,
 * appointment_not_active, past_cutoff, counsellor_not_found, mode_unavailable, slot_unavailable.
 */
create function public.reschedule_appointment(
	p_id uuid,
	p_starts_at timestamptz,
	p_mode public.appointment_mode default null,
	p_counsellor_id uuid default null
)
returns jsonb
language plpgsql
security definer
set search_path = ''
as $$
declare
	v_old public.appointments := private.my_appointment_for_update(p_id, 'family');
	v_counsellor public.counsellors;
	v_mode public.appointment_mode := coalesce(p_mode, v_old.mode);
	v_slot record;
	v_cutoff integer;
	v_ends_at timestamptz;
	v_booking uuid;
	v_status public.appointment_status;
begin
	if v_old.status not in ('requested', 'confirmed') then
		perform private.fail('appointment_not_active');
	end if;
	select coalesce((select cc.cancel_cutoff_hours from public.counselling_centres cc
		where cc.org_id = v_old.org_id), 24) into v_cutoff;
	if now() > v_old.starts_at - make_interval(hours => v_cutoff) then
		perform private.fail('past_cutoff');
	end if;
	v_slot := private.lock_slot(coalesce(p_counsellor_id, v_old.counsellor_id), v_old.org_id, v_mode,
		p_starts_at, p_id);
	v_counsellor := v_slot.counsellor;
	v_ends_at := v_slot.ends_at;
	v_status := case when v_counsellor.requires_acceptance then 'requested' else 'confirmed' end;
	begin
		if v_old.venue_booking_id is not null then
			update public.venue_bookings set status = 'cancelled' where id = v_old.venue_booking_id;
		end if;
		v_booking := private.hold_counselling_room(v_counsellor, v_mode, p_starts_at, v_ends_at);
		update public.appointments a
		set counsellor_id = v_counsellor.user_id, starts_at = p_starts_at, ends_at = v_ends_at,
			buffer_minutes = v_counsellor.buffer_minutes, mode = v_mode, venue_booking_id = v_booking,
			status = v_status, sequence = a.sequence + 1,
			decided_at = case when v_status = 'confirmed' then now() end
		where a.id = p_id;
	exception when exclusion_violation then
		perform private.fail('slot_unavailable');
	end;
	perform private.skip_appointment_reminders(p_id);
	perform private.email_appointment('counselling_changed', p_id, 'family',
		'counselling_changed:' || p_id || ':' || (v_old.sequence + 1),
		jsonb_build_object('previous_starts_at', v_old.starts_at));
	if v_counsellor.user_id <> v_old.counsellor_id then
		-- The first counsellor learns only that the time is free again.
		insert into public.email_outbox (kind, to_email, locale, payload, idempotency_key, appointment_id)
		select 'counselling_staff_notice', u.email, c.locale,
			(private.appointment_payload(p_id) - 'guardian_name')
				|| jsonb_build_object('to_counsellor', true, 'what', 'cancelled',
					'appointment', jsonb_build_object('id', p_id, 'starts_at', v_old.starts_at,
						'ends_at', v_old.ends_at, 'mode', v_old.mode, 'sequence', v_old.sequence + 1),
					'counsellor_zh', c.display_name_zh,
					'counsellor_en', coalesce(nullif(c.display_name_en, ''), c.display_name_zh)),
			'counselling_staff_moved_away:' || p_id || ':' || (v_old.sequence + 1), p_id
		from public.counsellors c join auth.users u on u.id = c.user_id
		where c.user_id = v_old.counsellor_id
		on conflict (idempotency_key) do nothing;
		perform private.email_appointment('counselling_staff_notice', p_id, 'counsellor',
			'counselling_staff_new:' || p_id || ':' || (v_old.sequence + 1),
			jsonb_build_object('what', 'new'));
	else
		perform private.email_appointment('counselling_staff_notice', p_id, 'counsellor',
			'counselling_staff_changed:' || p_id || ':' || (v_old.sequence + 1),
			jsonb_build_object('what', 'changed', 'previous_starts_at', v_old.starts_at));
	end if;
	return jsonb_build_object('id', p_id, 'status', v_status, 'starts_at', p_starts_at,
		'ends_at', v_ends_at, 'previous_starts_at', v_old.starts_at);
end;
$$;

/*
 * The family or the counsellor cancels an appointment that has not begun. A family's cancellation
 * after the centre's cut-off is recorded as late. The room is given back.
 * Returns {id, status, cancelled_late}. Fails: appointment_not_found, appointment_not_active,
 * appointment_started.
 */
create function public.cancel_appointment(p_id uuid)
returns jsonb
language plpgsql
security definer
set search_path = ''
as $$
declare
	v public.appointments := private.my_appointment_for_update(p_id, 'either');
	v_by text := case when v.counsellor_id = auth.uid() then 'counsellor' else 'family' end;
	v_late boolean;
begin
	if v.status not in ('requested', 'confirmed') then
		perform private.fail('appointment_not_active');
	end if;
	if now() >= v.starts_at then
		perform private.fail('appointment_started');
	end if;
	v_late := v_by = 'family' and now() > v.starts_at - make_interval(hours => coalesce((
		select cc.cancel_cutoff_hours from public.counselling_centres cc where cc.org_id = v.org_id), 24));
	update public.appointments a
	set status = 'cancelled', cancelled_by = v_by, cancelled_late = v_late, cancelled_at = now(),
		sequence = a.sequence + 1
	where a.id = p_id;
	if v.venue_booking_id is not null then
		update public.venue_bookings set status = 'cancelled' where id = v.venue_booking_id;
	end if;
	perform private.skip_appointment_reminders(p_id);
	perform private.email_appointment('counselling_cancelled', p_id, 'family',
		'counselling_cancelled:' || p_id);
	if v_by = 'family' then
		perform private.email_appointment('counselling_staff_notice', p_id, 'counsellor',
			'counselling_staff_cancelled:' || p_id, jsonb_build_object('what', 'cancelled'));
	end if;
	return jsonb_build_object('id', p_id, 'status', 'cancelled', 'cancelled_late', v_late);
end;
$$;

/*
 * The counsellor accepts or declines a requested appointment. A declined one gives its room back.
 * Returns {id, status}. Fails: appointment_not_found, not_requested.
 */
create function public.decide_appointment(p_id uuid, p_accept boolean)
returns jsonb
language plpgsql
security definer
set search_path = ''
as $$
declare
	v public.appointments := private.my_appointment_for_update(p_id, 'counsellor');
	v_status public.appointment_status := case when p_accept then 'confirmed' else 'declined' end;
begin
	if v.status <> 'requested' then
		perform private.fail('not_requested');
	end if;
	update public.appointments a set status = v_status, decided_at = now() where a.id = p_id;
	if not p_accept and v.venue_booking_id is not null then
		update public.venue_bookings set status = 'cancelled' where id = v.venue_booking_id;
	end if;
	perform private.email_appointment(
		case when p_accept then 'counselling_confirmed' else 'counselling_declined' end, p_id, 'family',
		case when p_accept then 'counselling_confirmed:' else 'counselling_declined:' end
			|| p_id || ':' || v.sequence);
	return jsonb_build_object('id', p_id, 'status', v_status);
end;
$$;

/*
 * The counsellor records, once it has begun, whether a confirmed appointment took place
 * ('attended') or the family did not come ('no_show'). Fails: appointment_not_found,
 * appointment_not_started, not_confirmed, invalid_outcome.
 */
create function public.mark_appointment(p_id uuid, p_outcome public.appointment_status)
returns jsonb
language plpgsql
security definer
set search_path = ''
as $$
declare
	v public.appointments := private.my_appointment_for_update(p_id, 'counsellor');
begin
	if p_outcome is null or p_outcome not in ('attended', 'no_show') then
		perform private.fail('invalid_outcome');
	end if;
	if v.status not in ('confirmed', 'attended', 'no_show') then
		perform private.fail('not_confirmed');
	end if;
	if now() < v.starts_at then
		perform private.fail('appointment_not_started');
	end if;
	update public.appointments a set status = p_outcome where a.id = p_id;
	return jsonb_build_object('id', p_id, 'status', p_outcome);
end;
$$;

/*
 * When the counsellors of a centre are busy, for its own staff (the manager's busy/free view, a
 * colleague planning a room): active appointments' times, nothing about the family or the topic.
 * Fails: not_authorised.
 */
create function public.counsellor_busy(p_org_id uuid, p_from timestamptz, p_to timestamptz)
returns table (counsellor_id uuid, starts_at timestamptz, ends_at timestamptz)
language plpgsql
stable
security definer
set search_path = ''
as $$
begin
	if not private.is_org_member(p_org_id) then
		perform private.fail('not_authorised');
	end if;
	if p_to - p_from > interval '62 days' then
		perform private.fail('invalid_range');
	end if;
	return query
		select a.counsellor_id, a.starts_at, a.ends_at
		from public.appointments a
		where a.org_id = p_org_id and a.status in ('requested', 'confirmed')
			and a.starts_at < p_to and a.ends_at > p_from
		order by a.starts_at, a.counsellor_id;
end;
$$;

/*
 * Counts of appointments per counselling centre in a period (by start time), for district
 * administrators and any organisation's staff: booked (requested, confirmed, attended, no-show),
 * cancelled, no_show. Counts under 5 are shown as '<5', so nobody can be picked out.
 * Fails: not_authorised.
 */
create function public.counselling_counts(p_from timestamptz, p_to timestamptz)
returns table (org_id uuid, name_zh text, name_en text, booked text, cancelled text, no_show text)
language plpgsql
stable
security definer
set search_path = ''
as $$
begin
	if not (private.is_district_admin()
		or exists (select 1 from public.org_members m where m.user_id = auth.uid())) then
		perform private.fail('not_authorised');
	end if;
	return query
		with counts as (
			select o.id, o.name_zh, o.name_en,
				count(*) filter (where a.status in ('requested', 'confirmed', 'attended', 'no_show')) as b,
				count(*) filter (where a.status = 'cancelled') as c,
				count(*) filter (where a.status = 'no_show') as n
			from public.organisations o
			left join public.appointments a on a.org_id = o.id
				and a.starts_at >= p_from and a.starts_at < p_to
			where o.kind = 'counselling_centre'
			group by o.id
		)
		select k.id, k.name_zh, k.name_en,
			case when k.b between 1 and 4 then '<5' else k.b::text end,
			case when k.c between 1 and 4 then '<5' else k.c::text end,
			case when k.n between 1 and 4 then '<5' else k.n::text end
		from counts k
		order by k.name_zh;
end;
$$;

/*
 * Queues counselling reminders due at p_now (24 hours and 2 hours before) and returns how many.
 * Idempotent: the key is '<kind>:<appointment>:<sequence>', so a moved appointment is reminded of
 * its new time, and running it twice queues nothing twice. Service role only (the dispatcher's tick).
 */
create function public.enqueue_due_counselling_reminders(p_now timestamptz default now())
returns integer
language plpgsql
security definer
set search_path = ''
as $$
declare
	v_count integer := 0;
	v record;
begin
	for v in
		select a.id, due.kind, due.kind || ':' || a.id || ':' || a.sequence as key
		from public.appointments a
		join public.families f on f.id = a.family_id and f.reminders_enabled
		cross join lateral (
			select 'counselling_reminder_24h' as kind where a.starts_at > p_now + interval '2 hours'
			union all
			select 'counselling_reminder_2h' where a.starts_at <= p_now + interval '2 hours'
		) due
		where a.status = 'confirmed'
			and a.starts_at > p_now
			and a.starts_at <= p_now + interval '24 hours'
			and not exists (select 1 from public.email_outbox o
				where o.idempotency_key = due.kind || ':' || a.id || ':' || a.sequence)
	loop
		if private.email_appointment(v.kind, v.id, 'family', v.key) then
			v_count := v_count + 1;
		end if;
	end loop;
	return v_count;
end;
$$;

revoke all on function
	private.appointment_payload(uuid),
	private.email_appointment(text, uuid, text, text, jsonb),
	private.skip_appointment_reminders(uuid),
	private.check_appointment_subject(uuid, public.counselling_subject, uuid, text),
	private.hold_counselling_room(public.counsellors, public.appointment_mode, timestamptz, timestamptz),
	private.my_appointment_for_update(uuid, text),
	private.lock_slot(uuid, uuid, public.appointment_mode, timestamptz, uuid)
	from public;
revoke all on function
	public.book_appointment(uuid, timestamptz, public.appointment_mode, public.counselling_subject,
		public.counselling_topic, uuid, text, public.contact_preference),
	public.reschedule_appointment(uuid, timestamptz, public.appointment_mode, uuid),
	public.cancel_appointment(uuid),
	public.decide_appointment(uuid, boolean),
	public.mark_appointment(uuid, public.appointment_status),
	public.counsellor_busy(uuid, timestamptz, timestamptz),
	public.counselling_counts(timestamptz, timestamptz),
	public.enqueue_due_counselling_reminders(timestamptz)
	from public, anon, authenticated;
grant execute on function
	public.book_appointment(uuid, timestamptz, public.appointment_mode, public.counselling_subject,
		public.counselling_topic, uuid, text, public.contact_preference),
	public.reschedule_appointment(uuid, timestamptz, public.appointment_mode, uuid),
	public.cancel_appointment(uuid),
	public.decide_appointment(uuid, boolean),
	public.mark_appointment(uuid, public.appointment_status),
	public.counsellor_busy(uuid, timestamptz, timestamptz),
	public.counselling_counts(timestamptz, timestamptz)
	to authenticated;
grant execute on function public.enqueue_due_counselling_reminders(timestamptz) to service_role;
