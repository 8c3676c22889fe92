-- The district's course figures: courses held, enrolments and completion, as counts only.

/*
 * Courses across the district whose first session starts in [p_from, p_to) (either end null for no
 * limit), one row per organisation and course kind. Drafts are left out.
 * - courses_held: published courses whose last session has ended; courses_running: the others.
 * - families_enrolled / people_enrolled: confirmed enrolments, as families and as people.
 * - people_completed: members who completed (private.course_progress), enrolled or not.
 * - certificates: certificates issued and not revoked.
 * - completion_rate: people_completed / people_enrolled (0..1, 3 decimals), null without enrolments.
 * District administrators only; anyone else gets not_authorised.
 */
create function public.district_course_figures(p_from timestamptz, p_to timestamptz)
returns table (
	org_id uuid,
	org_kind public.organisation_kind,
	org_name_zh text,
	org_name_en text,
	course_kind public.course_kind,
	courses_held integer,
	courses_running integer,
	families_enrolled integer,
	people_enrolled integer,
	people_completed integer,
	certificates integer,
	completion_rate numeric
)
language plpgsql
stable
security definer
set search_path = ''
as $$
begin
	if not coalesce(private.is_district_admin(), false) then
		perform private.fail('not_authorised');
	end if;
	if p_from is not null and p_to is not null and p_to <= p_from then
		perform private.fail('invalid_period');
	end if;
	return query
	with co as (
		select c.id, c.org_id, c.kind,
			(select min(e.starts_at) from public.course_sessions s join public.events e on e.id = s.event_id
				where s.course_id = c.id and e.status <> 'cancelled') as first_start,
			(select max(e.ends_at) from public.course_sessions s join public.events e on e.id = s.event_id
				where s.course_id = c.id and e.status <> 'cancelled') as last_end
		from public.courses c
		where c.status = 'published'
	),
	picked as (
		select * from co
		where (p_from is null or co.first_start >= p_from) and (p_to is null or co.first_start < p_to)
	),
	per_course as (
		select p.id, p.org_id, p.kind, p.last_end,
			(select count(*) from public.course_enrolments ce
				where ce.course_id = p.id and ce.status = 'confirmed')::integer as families,
			(select coalesce(sum(ce.seats), 0) from public.course_enrolments ce
				where ce.course_id = p.id and ce.status = 'confirmed')::integer as people,
			(select count(*) from private.course_progress(p.id) g where g.completed)::integer as completed,
			(select count(*) from public.course_certificates cc
				where cc.course_id = p.id and cc.revoked_at is null)::integer as certs
		from picked p
	)
	select o.id, o.kind, o.name_zh, o.name_en, pc.kind,
		count(*) filter (where pc.last_end <= now())::integer,
		count(*) filter (where pc.last_end > now())::integer,
		sum(pc.families)::integer, sum(pc.people)::integer, sum(pc.completed)::integer,
		sum(pc.certs)::integer,
		case when sum(pc.people) > 0 then round(sum(pc.completed)::numeric / sum(pc.people), 3) end
	from per_course pc
	join public.organisations o on o.id = pc.org_id
	group by o.id, o.kind, o.name_zh, o.name_en, pc.kind
	order by o.name_zh, pc.kind;
end;
$$;

revoke all on function public.district_course_figures(timestamptz, timestamptz)
	from public, anon, authenticated;
grant execute on function public.district_course_figures(timestamptz, timestamptz) to authenticated;
