-- The family's export (format 2): besides what 20261129001100_parents.sql gave (account, family,
-- members, consents, registrations, emails), the answers to each registration's questions and its
-- note, the phone reveals (who saw the family's number, when, for which event), the email
-- preferences, and the counselling appointments with what the family itself wrote (for whom, topic,
-- note, contact) and the emails about them — never a counsellor's session notes.

create or replace function public.export_my_family()
returns jsonb
language plpgsql
stable
security definer
set search_path = ''
as $$
declare
	v_uid uuid := auth.uid();
	v_family public.families;
begin
	if v_uid is null then
		perform private.fail('not_authorised');
	end if;
	select * into v_family from public.families f where f.guardian_id = v_uid;
	return jsonb_build_object(
		'format', 'gongyu-family-export/2',
		'exported_at', now(),
		'account', (select jsonb_build_object('id', u.id, 'email', u.email, 'created_at', u.created_at)
			from auth.users u where u.id = v_uid),
		'family', case when v_family.id is null then null else
			to_jsonb(v_family) - 'unsubscribe_token' end,
		'email_preferences', case when v_family.id is null then null else jsonb_build_object(
			'email', v_family.email, 'locale', v_family.locale,
			'reminders_enabled', v_family.reminders_enabled,
			'feedback_requests_enabled', v_family.feedback_requests_enabled) end,
		'members', coalesce((
			select jsonb_agg(to_jsonb(m) order by m.created_at)
			from public.family_members m where m.family_id = v_family.id
		), '[]'::jsonb),
		'consents', coalesce((
			select jsonb_agg(jsonb_build_object('kind', c.kind, 'version', c.version,
				'agreed_at', c.agreed_at, 'title_zh', t.title_zh, 'title_en', t.title_en)
				order by c.agreed_at)
			from public.consents c
			join public.privacy_texts t on t.version = c.version
			where c.family_id = v_family.id
		), '[]'::jsonb),
		'registrations', coalesce((
			select jsonb_agg(jsonb_build_object(
				'id', r.id, 'status', r.status, 'seats', r.seats,
				'waitlist_position', r.waitlist_position, 'check_in_code', r.check_in_code,
				'source', r.source, 'created_at', r.created_at, 'confirmed_at', r.confirmed_at,
				'cancelled_at', r.cancelled_at, 'checked_in_at', r.checked_in_at,
				'note', r.note,
				'event', jsonb_build_object('id', e.id, 'slug', e.slug, 'title_zh', e.title_zh,
					'title_en', e.title_en, 'starts_at', e.starts_at, 'ends_at', e.ends_at),
				'attendees', coalesce((
					select jsonb_agg(a.member_id) from public.registration_attendees a
					where a.registration_id = r.id
				), '[]'::jsonb),
				'answers', coalesce((
					select jsonb_agg(jsonb_build_object(
						'question', jsonb_build_object('id', q.id, 'kind', q.kind, 'label_zh', q.label_zh,
							'label_en', q.label_en, 'choices', q.choices, 'sensitive', q.sensitive),
						'member_id', a.member_id, 'nickname', m.nickname, 'value', a.value,
						'created_at', a.created_at)
						order by q.position, q.created_at, m.nickname nulls first)
					from public.registration_answers a
					join public.event_questions q on q.id = a.question_id
					left join public.family_members m on m.id = a.member_id
					where a.registration_id = r.id
				), '[]'::jsonb)
			) order by r.created_at)
			from public.registrations r
			join public.events e on e.id = r.event_id
			where r.family_id = v_family.id
		), '[]'::jsonb),
		'phone_reveals', coalesce((
			select jsonb_agg(jsonb_build_object(
				'revealed_at', p.revealed_at, 'registration_id', p.registration_id,
				'revealed_by', p.revealed_by,
				'organisation', jsonb_build_object('id', o.id, 'name_zh', o.name_zh, 'name_en', o.name_en),
				'event', jsonb_build_object('id', e.id, 'title_zh', e.title_zh, 'title_en', e.title_en,
					'starts_at', e.starts_at))
				order by p.revealed_at)
			from public.phone_reveals p
			join public.organisations o on o.id = p.org_id
			join public.events e on e.id = p.event_id
			where p.family_id = v_family.id
		), '[]'::jsonb),
		'emails', coalesce((
			select jsonb_agg(jsonb_build_object('kind', o.kind, 'to_email', o.to_email,
				'locale', o.locale, 'status', o.status, 'created_at', o.created_at, 'sent_at', o.sent_at)
				order by o.created_at)
			from public.email_outbox o
			where o.registration_id in (select r.id from public.registrations r where r.family_id = v_family.id)
				or o.appointment_id in (select a.id from public.appointments a where a.family_id = v_family.id)
		), '[]'::jsonb),
		'counselling_appointments', coalesce((
			select jsonb_agg(jsonb_build_object(
				'id', a.id, 'status', a.status, 'starts_at', a.starts_at, 'ends_at', a.ends_at,
				'mode', a.mode, 'cancelled_by', a.cancelled_by, 'cancelled_late', a.cancelled_late,
				'cancelled_at', a.cancelled_at, 'created_at', a.created_at,
				'counsellor_zh', c.display_name_zh, 'counsellor_en', c.display_name_en,
				'organisation_zh', o.name_zh, 'organisation_en', o.name_en,
				'subject', d.subject, 'member_id', d.member_id, 'topic', d.topic, 'note', d.note,
				'contact', d.contact
			) order by a.starts_at)
			from public.appointments a
			join public.counsellors c on c.user_id = a.counsellor_id
			join public.organisations o on o.id = a.org_id
			left join public.appointment_details d on d.appointment_id = a.id
			where a.family_id = v_family.id
		), '[]'::jsonb)
	);
end;
$$;
