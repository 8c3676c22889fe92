-- Reminders (提醒) for the scheduler, and membership management for district administrators.

/*
 * Queues the reminders due at p_now and returns how many new emails were queued. Idempotent: the
 * key of a reminder is '<kind>:<registration id>', so running it again (or on two servers) queues
 * nothing twice.
 *   reminder_24h: the event starts within 24 hours but more than 2 hours after p_now;
 *   reminder_2h:  the event starts within 2 hours (only when events.second_reminder).
 * Only confirmed registrations of published events, of families with reminders_enabled.
 * Service role only (the dispatcher's tick).
 */
create function public.enqueue_due_reminders(p_now timestamptz default now())
returns integer
language plpgsql
security definer
set search_path = ''
as $$
declare
	v_count integer;
begin
	insert into public.email_outbox (kind, to_email, locale, payload, idempotency_key, event_id,
		registration_id)
	select due.kind, f.email, f.locale, private.registration_payload(r.id), due.kind || ':' || r.id,
		r.event_id, r.id
	from public.events e
	join public.registrations r on r.event_id = e.id and r.status = 'confirmed'
	join public.families f on f.id = r.family_id and f.reminders_enabled
	cross join lateral (
		select 'reminder_24h' as kind where e.starts_at > p_now + interval '2 hours'
		union all
		select 'reminder_2h' where e.second_reminder and e.starts_at <= p_now + interval '2 hours'
	) due
	where e.status = 'published'
		and e.starts_at > p_now
		and e.starts_at <= p_now + interval '24 hours'
		and not exists (
			select 1 from public.email_outbox o where o.idempotency_key = due.kind || ':' || r.id
		)
	on conflict (idempotency_key) do nothing;
	get diagnostics v_count = row_count;
	return v_count;
end;
$$;

/*
 * Adds an existing account to an organisation's staff, by email (district administrators).
 * Returns {org_id, user_id, role}. Fails: not_authorised, organisation_not_found, user_not_found.
 */
create function public.add_org_member(p_org_id uuid, p_email text, p_role public.org_role default 'staff')
returns jsonb
language plpgsql
security definer
set search_path = ''
as $$
declare
	v_user_id uuid;
begin
	if not private.is_district_admin() then
		perform private.fail('not_authorised');
	end if;
	if not exists (select 1 from public.organisations o where o.id = p_org_id) then
		perform private.fail('organisation_not_found');
	end if;
	select u.id into v_user_id from auth.users u where lower(u.email) = lower(btrim(p_email));
	if v_user_id is null then
		perform private.fail('user_not_found', 'Create the account first.');
	end if;
	insert into public.org_members (org_id, user_id, role)
	values (p_org_id, v_user_id, coalesce(p_role, 'staff'))
	on conflict (org_id, user_id) do update set role = excluded.role;
	return jsonb_build_object('org_id', p_org_id, 'user_id', v_user_id, 'role', coalesce(p_role, 'staff'));
end;
$$;

/*
 * An organisation's staff with their sign-in emails: for the organisation's own members and
 * district administrators. Fails: not_authorised.
 */
create function public.org_staff(p_org_id uuid)
returns table (user_id uuid, email text, role public.org_role, created_at timestamptz)
language plpgsql
stable
security definer
set search_path = ''
as $$
begin
	if not (private.is_org_member(p_org_id) or private.is_district_admin()) then
		perform private.fail('not_authorised');
	end if;
	return query
		select m.user_id, u.email::text, m.role, m.created_at
		from public.org_members m
		join auth.users u on u.id = m.user_id
		where m.org_id = p_org_id
		order by m.role desc, u.email;
end;
$$;

revoke all on function
	public.enqueue_due_reminders(timestamptz),
	public.add_org_member(uuid, text, public.org_role),
	public.org_staff(uuid)
	from public, anon, authenticated;
grant execute on function public.enqueue_due_reminders(timestamptz) to service_role;
grant execute on function public.add_org_member(uuid, text, public.org_role), public.org_staff(uuid)
	to authenticated;
