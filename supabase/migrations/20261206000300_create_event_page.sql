-- The event page in one call (活动页): what the page showed from nine requests (the event, its
-- cover and the organiser's logo, materials, the course it belongs to, when held places open to
-- all, its questions, and for a signed-in guardian the family, its registration and a place kept
-- for it), read in one transaction. During an 8 pm rush each request cost an app server a round
-- trip through the API and the pooler; the answers are the same as the separate reads.

/*
 * One registration as my_registrations and event_page answer it, with `p_event` as its event
 * (event_page has the event already, so it is not read again for each registration).
 */
create function private.registration_json(p_registration public.registrations, p_event jsonb)
returns jsonb
language sql
stable
set search_path = ''
as $$
	select jsonb_build_object(
		'id', p_registration.id,
		'status', p_registration.status,
		'seats', p_registration.seats,
		'waitlist_position', p_registration.waitlist_position,
		'waitlist_joined_at', p_registration.waitlist_joined_at,
		'check_in_code', p_registration.check_in_code,
		'created_at', p_registration.created_at,
		'confirmed_at', p_registration.confirmed_at,
		'cancelled_at', p_registration.cancelled_at,
		'checked_in_at', p_registration.checked_in_at,
		'event', p_event,
		'attendees', coalesce((
			select jsonb_agg(jsonb_build_object('id', m.id, 'kind', m.kind, 'nickname', m.nickname)
				order by m.kind, m.nickname)
			from public.registration_attendees a
			join public.family_members m on m.id = a.member_id
			where a.registration_id = p_registration.id
		), '[]'::jsonb)
	)
$$;
revoke all on function private.registration_json(public.registrations, jsonb)
	from public, anon, authenticated;
grant execute on function private.registration_json(public.registrations, jsonb)
	to authenticated, service_role;

/*
 * The caller's family's registrations (all statuses), soonest event first, each with its event
 * card and who comes; only the one for p_event_id when given. (As before; each one is now built by
 * private.registration_json, which event_page shares.)
 */
create or replace function public.my_registrations(p_event_id uuid default null)
returns jsonb
language sql
stable
set search_path = ''
as $$
	select coalesce(jsonb_agg(private.registration_json(r, private.event_card(e) || jsonb_build_object(
			'sequence', e.sequence, 'updated_at', e.updated_at, 'cancelled_reason', e.cancelled_reason))
		order by e.starts_at, r.created_at), '[]'::jsonb)
	from public.registrations r
	join public.events e on e.id = r.event_id
	where r.family_id = (select private.my_family_id())
		and (p_event_id is null or r.event_id = p_event_id)
$$;

/*
 * Everything the event page reads for p_slug, as the caller: security invoker, so each part is
 * read under the same policies as the separate requests were (anon sees a published event and
 * its public materials; a guardian also their own family; staff what their organisation may).
 * Null when the caller may not see the event. Keys:
 *   event          event_details(p_slug)
 *   cover          the event_covers row's event_id, org_id, object_path, width, height, focal_x/y
 *   logo_path      the organiser's logo in Storage, or null
 *   materials      event_materials rows (id, title, file_name, content_type, size_bytes, audience,
 *                  created_at), oldest first
 *   course         the published course the event is a session of (slug, titles, kind), or null
 *   held_open_at   held_places_open_at(event)
 *   questions      event_questions rows, by position then creation
 *   family         signed in: the caller's family (id, guardian_name, phone, email, locale,
 *                  reminders_enabled) with family_members (oldest first), or null
 *   registrations  signed in: my_registrations(event); anon: []
 *   held           signed in: held_place_for_me(event); anon: {available: false}
 * With p_form (the registration form's post): only event, questions and family, what it needs.
 */
create function public.event_page(p_slug text, p_form boolean default false)
returns jsonb
language plpgsql
stable
set search_path = ''
as $$
declare
	v_event jsonb := public.event_details(p_slug);
	v_id uuid;
	v_family jsonb;
	v_questions jsonb;
	v_registrations jsonb := '[]'::jsonb;
	v_held jsonb := jsonb_build_object('available', false);
begin
	if v_event is null then
		return null;
	end if;
	v_id := (v_event ->> 'id')::uuid;
	-- Signed-in only (anon may not call these; an expression would check that even unused).
	if auth.uid() is not null then
		select jsonb_build_object('id', f.id, 'guardian_name', f.guardian_name,
			'phone', f.phone, 'email', f.email, 'locale', f.locale,
			'reminders_enabled', f.reminders_enabled,
			'family_members', coalesce((
				select jsonb_agg(jsonb_build_object('id', fm.id, 'kind', fm.kind,
					'nickname', fm.nickname, 'birth_year_month', fm.birth_year_month,
					'grade', fm.grade, 'notes', fm.notes, 'created_at', fm.created_at)
					order by fm.created_at)
				from public.family_members fm where fm.family_id = f.id
			), '[]'::jsonb))
		into v_family
		from public.families f where f.guardian_id = auth.uid();
	end if;
	select coalesce(jsonb_agg(to_jsonb(q) order by q.position, q.created_at), '[]'::jsonb)
	into v_questions
	from public.event_questions q where q.event_id = v_id;
	if p_form then
		return jsonb_build_object('event', v_event, 'family', v_family, 'questions', v_questions);
	end if;
	if v_family is not null then
		-- my_registrations(v_id), with the event read above (the same keys but the description).
		select coalesce(jsonb_agg(private.registration_json(r,
				v_event - 'description_zh' - 'description_en') order by r.created_at), '[]'::jsonb)
		into v_registrations
		from public.registrations r
		where r.family_id = (v_family ->> 'id')::uuid and r.event_id = v_id;
		v_held := public.held_place_for_me(v_id);
	end if;
	return jsonb_build_object(
		'event', v_event,
		'cover', (
			select jsonb_build_object('event_id', c.event_id, 'org_id', c.org_id,
				'object_path', c.object_path, 'width', c.width, 'height', c.height,
				'focal_x', c.focal_x, 'focal_y', c.focal_y)
			from public.event_covers c where c.event_id = v_id
		),
		'logo_path', (
			select l.object_path from public.organisation_logos l
			where l.org_id = (v_event -> 'organisation' ->> 'id')::uuid
		),
		'materials', coalesce((
			select jsonb_agg(jsonb_build_object('id', m.id, 'title', m.title,
				'file_name', m.file_name, 'content_type', m.content_type, 'size_bytes', m.size_bytes,
				'audience', m.audience, 'created_at', m.created_at) order by m.created_at)
			from public.event_materials m where m.event_id = v_id
		), '[]'::jsonb),
		'course', (
			select jsonb_build_object('slug', c.slug, 'title_zh', c.title_zh,
				'title_en', c.title_en, 'kind', c.kind)
			from public.course_sessions s
			join public.courses c on c.id = s.course_id
			where s.event_id = v_id and c.status = 'published'
		),
		'held_open_at', public.held_places_open_at(v_id),
		'questions', v_questions,
		'family', v_family,
		'registrations', v_registrations,
		'held', v_held
	);
end;
$$;

revoke all on function public.event_page(text, boolean) from public, anon, authenticated;
grant execute on function public.event_page(text, boolean) to anon, authenticated, service_role;
