-- The event page in one call (活动页): what the page showed from nine requests (the event, its
-- cover and the organiser's logo, materials, the course it belongs to, when held places open to
-- all, its questions, and for a signed-in guardian the family, its registration and a place kept
-- for it), read in one transaction. During an 8 pm rush each request cost an app server a round
-- trip through the API and the pooler; the answers are the same as the separate reads.

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
 */
create function public.event_page(p_slug text)
returns jsonb
language plpgsql
stable
set search_path = ''
as $$
declare
	v_event jsonb := public.event_details(p_slug);
	v_id uuid;
	v_family jsonb;
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
		v_registrations := public.my_registrations(v_id);
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
		'questions', coalesce((
			select jsonb_agg(to_jsonb(q) order by q.position, q.created_at)
			from public.event_questions q where q.event_id = v_id
		), '[]'::jsonb),
		'family', v_family,
		'registrations', v_registrations,
		'held', v_held
	);
end;
$$;

revoke all on function public.event_page(text) from public, anon, authenticated;
grant execute on function public.event_page(text) to anon, authenticated, service_role;
