-- What a counsellor needs to hold their sessions: their own appointments with for whom, the topic,
-- the family's note and how to reach them. Only the assigned counsellor gets these rows.

/*
 * The caller's own appointments as their counsellor, starting in p_from … p_to (at most 62 days),
 * or the one appointment p_id whatever its time:
 * time, way of meeting, state, for whom (the child's nickname when it is for a child), topic, note,
 * contact preference and the family's name, phone and email (to call them for a phone session).
 * Another counsellor, the centre's manager, other organisations and the district get no rows: the
 * rule is in the function (counsellor_id = auth.uid()), as appointment_details' policy has it.
 * Fails: not_authorised (anonymous), invalid_range.
 */
create function public.counsellor_appointments(p_from timestamptz, p_to timestamptz,
	p_id uuid default null)
returns table (
	id uuid,
	starts_at timestamptz,
	ends_at timestamptz,
	mode public.appointment_mode,
	status public.appointment_status,
	cancelled_by text,
	cancelled_late boolean,
	subject public.counselling_subject,
	member_nickname text,
	topic public.counselling_topic,
	note text,
	contact public.contact_preference,
	guardian_name text,
	phone text,
	email text,
	has_notes boolean
)
language plpgsql
stable
security definer
set search_path = ''
as $$
begin
	if auth.uid() is null then
		perform private.fail('not_authorised');
	end if;
	if p_id is null and (p_from is null or p_to is null or p_to < p_from
		or p_to - p_from > interval '62 days') then
		perform private.fail('invalid_range');
	end if;
	return query
		select a.id, a.starts_at, a.ends_at, a.mode, a.status, a.cancelled_by, a.cancelled_late,
			d.subject, m.nickname, d.topic, d.note, d.contact, f.guardian_name, f.phone, f.email,
			exists (select 1 from public.session_notes n
				where n.appointment_id = a.id and n.author_id = auth.uid())
		from public.appointments a
		join public.appointment_details d on d.appointment_id = a.id
		join public.families f on f.id = a.family_id
		left join public.family_members m on m.id = d.member_id
		where a.counsellor_id = auth.uid()
			and (a.id = p_id or (p_id is null and a.starts_at >= p_from and a.starts_at < p_to))
		order by a.starts_at;
end;
$$;

revoke all on function public.counsellor_appointments(timestamptz, timestamptz, uuid)
	from public, anon, authenticated;
grant execute on function public.counsellor_appointments(timestamptz, timestamptz, uuid) to authenticated;
