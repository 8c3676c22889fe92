-- A course's attendance (the register), excused absences, completion, and the family's progress.

/*
 * Who counts in a course and how far each has come: members of confirmed enrolments, and anyone
 * brought to a session by a registration (drop-ins, and families who later left the course).
 * attended: sessions (not cancelled) where the member's registration was checked in; excused:
 * excused absences from sessions not attended; hours: the attended sessions' length;
 * completed: attended + least(excused, excused_allowed) >= sessions_required.
 * No check of the caller: only security-definer functions below call it.
 */
create function private.course_progress(p_course_id uuid)
returns table (
	member_id uuid,
	family_id uuid,
	enrolled boolean,
	attended integer,
	excused integer,
	hours numeric,
	completed boolean
)
language sql
stable
security definer
set search_path = ''
as $$
	with c as (
		select * from public.courses where id = p_course_id
	),
	sessions as (
		select e.id, e.starts_at, e.ends_at from public.course_sessions s
		join public.events e on e.id = s.event_id
		where s.course_id = p_course_id and e.status <> 'cancelled'
	),
	enrolled as (
		select distinct cm.member_id, ce.family_id from public.course_enrolments ce
		join public.course_enrolment_members cm on cm.enrolment_id = ce.id
		where ce.course_id = p_course_id and ce.status = 'confirmed'
	),
	came as (
		select a.member_id, r.family_id, r.event_id, r.status, s.starts_at, s.ends_at
		from public.registrations r
		join sessions s on s.id = r.event_id
		join public.registration_attendees a on a.registration_id = r.id
		where r.status <> 'cancelled'
	),
	people as (
		select member_id, family_id from enrolled
		union
		select member_id, family_id from came
	),
	attended as (
		select x.member_id, count(distinct x.event_id)::integer as n,
			round(sum(extract(epoch from x.ends_at - x.starts_at)) / 3600, 1) as hours
		from came x where x.status = 'attended'
		group by x.member_id
	),
	excused as (
		select x.member_id, count(*)::integer as n
		from public.course_excused_absences x
		join sessions s on s.id = x.event_id
		where not exists (
			select 1 from came y where y.member_id = x.member_id and y.event_id = x.event_id
				and y.status = 'attended')
		group by x.member_id
	)
	select p.member_id, p.family_id, en.member_id is not null,
		coalesce(a.n, 0), coalesce(x.n, 0), coalesce(a.hours, 0),
		coalesce(a.n, 0) + least(coalesce(x.n, 0), c.excused_allowed) >= c.sessions_required
	from people p
	cross join c
	left join (select distinct member_id from enrolled) en on en.member_id = p.member_id
	left join attended a on a.member_id = p.member_id
	left join excused x on x.member_id = p.member_id
$$;

/*
 * The course register (点名册) for its staff and district administrators: one row per member (see
 * course_progress) with the guardian's name, the member's kind and nickname, and `cells`:
 * {event_id: 'attended' | 'excused' | 'absent' | 'registered' | 'none'} for every session not
 * cancelled ('absent': the session has started and the member, expected there, was not checked in;
 * 'registered': still ahead). No contact details. Fails: course_not_found, not_authorised.
 */
create function public.course_register(p_course_id uuid)
returns table (
	family_id uuid,
	guardian_name text,
	member_id uuid,
	member_kind public.member_kind,
	nickname text,
	enrolled boolean,
	cells jsonb,
	attended integer,
	excused integer,
	hours numeric,
	completed boolean,
	certificate_serial text
)
language plpgsql
stable
security definer
set search_path = ''
as $$
declare
	v_org uuid;
begin
	select c.org_id into v_org from public.courses c where c.id = p_course_id;
	if v_org is null then
		perform private.fail('course_not_found');
	end if;
	if not (private.is_org_member(v_org) or private.is_district_admin()) then
		perform private.fail('not_authorised');
	end if;
	return query
	with sessions as (
		select e.id, e.starts_at from public.course_sessions s
		join public.events e on e.id = s.event_id
		where s.course_id = p_course_id and e.status <> 'cancelled'
	),
	progress as (
		select * from private.course_progress(p_course_id)
	),
	came as (
		select a.member_id, r.event_id, bool_or(r.status = 'attended') as attended
		from public.registrations r
		join sessions s on s.id = r.event_id
		join public.registration_attendees a on a.registration_id = r.id
		where r.status <> 'cancelled'
		group by a.member_id, r.event_id
	),
	excused as (
		select x.member_id, x.event_id from public.course_excused_absences x
		join sessions s on s.id = x.event_id
	),
	grid as (
		select p.member_id, jsonb_object_agg(s.id, case
				when k.attended then 'attended'
				when x.member_id is not null then 'excused'
				when s.starts_at <= now() and (p.enrolled or k.member_id is not null) then 'absent'
				when k.member_id is not null then 'registered'
				else 'none' end) as cells
		from progress p
		cross join sessions s
		left join came k on k.member_id = p.member_id and k.event_id = s.id
		left join excused x on x.member_id = p.member_id and x.event_id = s.id
		group by p.member_id
	)
	select p.family_id, f.guardian_name, p.member_id, m.kind, m.nickname, p.enrolled, g.cells,
		p.attended, p.excused, p.hours, p.completed, cc.serial
	from progress p
	join public.family_members m on m.id = p.member_id
	join public.families f on f.id = p.family_id
	left join grid g on g.member_id = p.member_id
	left join public.course_certificates cc on cc.course_id = p_course_id
		and cc.member_id = p.member_id and cc.revoked_at is null
	order by f.guardian_name, p.family_id, m.kind, m.nickname;
end;
$$;

/*
 * Marks (p_excused) or clears an excused absence (请假) of a member at a course session: the
 * course's staff. Returns {event_id, member_id, excused}.
 * Fails: session_not_found, not_authorised, not_in_course, already_attended.
 */
create function public.set_excused_absence(p_event_id uuid, p_member_id uuid, p_excused boolean,
	p_reason text default '')
returns jsonb
language plpgsql
security definer
set search_path = ''
as $$
declare
	v_course_id uuid;
	v_org uuid;
begin
	select s.course_id, c.org_id into v_course_id, v_org from public.course_sessions s
	join public.courses c on c.id = s.course_id where s.event_id = p_event_id;
	if v_course_id is null then
		perform private.fail('session_not_found');
	end if;
	if not private.is_org_member(v_org) then
		perform private.fail('not_authorised');
	end if;
	if not exists (select 1 from private.course_progress(v_course_id) p where p.member_id = p_member_id) then
		perform private.fail('not_in_course');
	end if;
	if p_excused then
		if exists (
			select 1 from public.registrations r
			join public.registration_attendees a on a.registration_id = r.id
			where r.event_id = p_event_id and a.member_id = p_member_id and r.status = 'attended'
		) then
			perform private.fail('already_attended');
		end if;
		insert into public.course_excused_absences (event_id, member_id, reason)
		values (p_event_id, p_member_id, left(btrim(coalesce(p_reason, '')), 200))
		on conflict (event_id, member_id) do update set reason = excluded.reason;
	else
		delete from public.course_excused_absences x
		where x.event_id = p_event_id and x.member_id = p_member_id;
	end if;
	return jsonb_build_object('event_id', p_event_id, 'member_id', p_member_id, 'excused', p_excused);
end;
$$;

/*
 * A course's public page: the course, its organiser and its sessions (time, place, drop-in places),
 * whether enrolment is open now, and the caller's own enrolment (signed in). Null when there is no
 * such published or cancelled course (staff also see their drafts).
 */
create function public.course_details(p_slug text)
returns jsonb
language plpgsql
stable
security definer
set search_path = ''
as $$
declare
	v_course public.courses;
	v_closes timestamptz;
	v_first timestamptz;
begin
	select * into v_course from public.courses c where c.slug = p_slug
		and (c.status <> 'draft' or private.is_org_member(c.org_id));
	if not found then
		return null;
	end if;
	select min(e.starts_at) into v_first from public.course_sessions s
	join public.events e on e.id = s.event_id
	where s.course_id = v_course.id and e.status = 'published';
	v_closes := coalesce(v_course.enrol_closes_at, v_first);
	return jsonb_build_object(
		'id', v_course.id, 'slug', v_course.slug, 'kind', v_course.kind, 'status', v_course.status,
		'title_zh', v_course.title_zh, 'title_en', v_course.title_en,
		'summary_zh', v_course.summary_zh, 'summary_en', v_course.summary_en,
		'capacity', v_course.capacity, 'seats_taken', v_course.seats_taken,
		'waitlist_count', v_course.waitlist_count, 'waitlist_enabled', v_course.waitlist_enabled,
		'drop_in_enabled', v_course.drop_in_enabled, 'max_seats_per_family', v_course.max_seats_per_family,
		'sessions_required', v_course.sessions_required, 'excused_allowed', v_course.excused_allowed,
		'enrol_opens_at', v_course.enrol_opens_at, 'enrol_closes_at', v_closes,
		'enrolment_open', v_course.status = 'published' and v_closes > now()
			and (v_course.enrol_opens_at is null or v_course.enrol_opens_at <= now()),
		'organisation', (select jsonb_build_object('slug', o.slug, 'name_zh', o.name_zh,
			'name_en', o.name_en, 'phone', o.contact_phone)
			from public.organisations o where o.id = v_course.org_id),
		'sessions', coalesce((
			select jsonb_agg(jsonb_build_object('event_id', e.id, 'slug', e.slug, 'title_zh', e.title_zh,
				'title_en', e.title_en, 'starts_at', e.starts_at, 'ends_at', e.ends_at, 'status', e.status,
				'place', private.event_place(e.id),
				'drop_in_places', public.course_drop_in_places(e.id)) order by e.starts_at, e.id)
			from public.course_sessions s join public.events e on e.id = s.event_id
			where s.course_id = v_course.id
				and (e.status <> 'draft' or private.is_org_member(e.org_id))
		), '[]'::jsonb),
		'my_enrolment', (
			select jsonb_build_object('id', ce.id, 'status', ce.status,
				'waitlist_position', ce.waitlist_position, 'seats', ce.seats)
			from public.course_enrolments ce
			where ce.course_id = v_course.id and ce.family_id = private.my_family_id()
				and ce.status <> 'cancelled'
		)
	);
end;
$$;

/*
 * The caller's family's courses (我的课程): every enrolment not cancelled, newest course first, with
 * the sessions (and the family's check-in code and state for each) and each member's progress.
 */
create function public.my_courses()
returns jsonb
language plpgsql
stable
security definer
set search_path = ''
as $$
declare
	v_family uuid := private.my_family_id();
begin
	if v_family is null then
		return '[]'::jsonb;
	end if;
	return coalesce((
		select jsonb_agg(x.j order by x.first_start desc nulls last)
		from (
			select (select min(e.starts_at) from public.course_sessions s
					join public.events e on e.id = s.event_id where s.course_id = c.id) as first_start,
				jsonb_build_object(
					'enrolment_id', ce.id, 'status', ce.status, 'waitlist_position', ce.waitlist_position,
					'course', jsonb_build_object('id', c.id, 'slug', c.slug, 'title_zh', c.title_zh,
						'title_en', c.title_en, 'kind', c.kind, 'sessions_required', c.sessions_required,
						'excused_allowed', c.excused_allowed),
					'organisation', jsonb_build_object('name_zh', o.name_zh, 'name_en', o.name_en),
					'sessions', coalesce((
						select jsonb_agg(jsonb_build_object('event_id', e.id, 'slug', e.slug,
							'title_zh', e.title_zh, 'title_en', e.title_en, 'starts_at', e.starts_at,
							'ends_at', e.ends_at, 'status', e.status, 'registration_status', r.status,
							'check_in_code', case when r.status = 'confirmed' then r.check_in_code end)
							order by e.starts_at, e.id)
						from public.course_sessions s
						join public.events e on e.id = s.event_id and e.status <> 'draft'
						left join public.registrations r on r.event_id = e.id and r.family_id = v_family
							and r.status <> 'cancelled'
						where s.course_id = c.id
					), '[]'::jsonb),
					'members', coalesce((
						select jsonb_agg(jsonb_build_object('member_id', m.id, 'nickname', m.nickname,
							'kind', m.kind, 'attended', p.attended, 'excused', p.excused, 'hours', p.hours,
							'completed', p.completed,
							'certificate_serial', (select cc.serial from public.course_certificates cc
								where cc.course_id = c.id and cc.member_id = m.id and cc.revoked_at is null))
							order by m.kind, m.nickname)
						from private.course_progress(c.id) p
						join public.family_members m on m.id = p.member_id
						where p.family_id = v_family
					), '[]'::jsonb)
				) as j
			from public.course_enrolments ce
			join public.courses c on c.id = ce.course_id
			join public.organisations o on o.id = c.org_id
			where ce.family_id = v_family and ce.status <> 'cancelled'
		) x
	), '[]'::jsonb);
end;
$$;

revoke all on all functions in schema private from public;
revoke all on function
	public.course_register(uuid),
	public.set_excused_absence(uuid, uuid, boolean, text),
	public.course_details(text),
	public.my_courses()
	from public, anon, authenticated;
grant execute on function
	public.course_register(uuid),
	public.set_excused_absence(uuid, uuid, boolean, text),
	public.my_courses()
	to authenticated;
grant execute on function public.course_details(text) to anon, authenticated;
