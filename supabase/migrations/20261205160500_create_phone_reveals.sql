-- Contact when it matters: the organising organisation's staff may see a registered family's full
-- phone number around the event (from 3 days before the start to 1 day after the end), one
-- explicit reveal at a time, each one recorded and shown to the family. Everywhere else (the
-- attendee list, the CSV) the number stays masked.

/*
 * One reveal of a family's phone number: which registration (and so which family and event), who
 * of which organisation asked, and when. Written only by reveal_family_phone; nobody may change or
 * delete a row (no grants), it goes only with the family (erasure) or the event. The family reads
 * its own rows and finds them in its data export.
 */
create table public.phone_reveals (
	id uuid primary key default gen_random_uuid(),
	registration_id uuid not null references public.registrations (id) on delete cascade,
	family_id uuid not null references public.families (id) on delete cascade,
	event_id uuid not null references public.events (id) on delete cascade,
	org_id uuid not null references public.organisations (id) on delete cascade,
	revealed_by uuid references auth.users (id) on delete set null,
	revealed_at timestamptz not null default now()
);
create index phone_reveals_family_id_idx on public.phone_reveals (family_id, revealed_at);
create index phone_reveals_registration_id_idx on public.phone_reveals (registration_id);
create index phone_reveals_event_id_idx on public.phone_reveals (event_id);
create index phone_reveals_org_id_idx on public.phone_reveals (org_id);
create index phone_reveals_revealed_by_idx on public.phone_reveals (revealed_by);
comment on column public.phone_reveals.revealed_by is
	'The staff account that asked (null once that account is deleted; the organisation stays).';

/*
 * When an event's contact window is open: from 3 days before its start to 1 day after its end. The
 * one place the rule is written; reveal_family_phone checks it and the pages show it.
 */
create function public.contact_window(p_starts_at timestamptz, p_ends_at timestamptz)
returns tstzrange
language sql
immutable
set search_path = ''
as $$
	select tstzrange(p_starts_at - interval '3 days', p_ends_at + interval '1 day', '[]')
$$;

/*
 * A registered family's full phone number, for staff of the organising organisation within the
 * event's contact window; the reveal is recorded (who, when, which registration) in the same
 * transaction. District administrators and other organisations' staff are refused, as are
 * cancelled registrations. Returns {registration_id, guardian_name, phone, revealed_at}.
 * Fails: not_authorised, registration_not_found, outside_contact_window, no_phone.
 */
create function public.reveal_family_phone(p_registration_id uuid)
returns jsonb
language plpgsql
security definer
set search_path = ''
as $$
declare
	v_uid uuid := auth.uid();
	v_registration public.registrations;
	v_event public.events;
	v_family public.families;
	v_at timestamptz;
begin
	if v_uid is null then
		perform private.fail('not_authorised');
	end if;
	select * into v_registration from public.registrations r where r.id = p_registration_id;
	if not found then
		perform private.fail('registration_not_found');
	end if;
	select * into v_event from public.events e where e.id = v_registration.event_id;
	if not private.is_org_member(v_event.org_id) then
		perform private.fail('not_authorised');
	end if;
	if v_registration.status = 'cancelled' then
		perform private.fail('registration_not_found');
	end if;
	if not public.contact_window(v_event.starts_at, v_event.ends_at) @> now() then
		perform private.fail('outside_contact_window');
	end if;
	select * into v_family from public.families f where f.id = v_registration.family_id;
	if v_family.phone is null then
		perform private.fail('no_phone');
	end if;
	insert into public.phone_reveals (registration_id, family_id, event_id, org_id, revealed_by)
	values (v_registration.id, v_family.id, v_event.id, v_event.org_id, v_uid)
	returning revealed_at into v_at;
	return jsonb_build_object('registration_id', v_registration.id,
		'guardian_name', v_family.guardian_name, 'phone', v_family.phone, 'revealed_at', v_at);
end;
$$;

revoke all on function public.reveal_family_phone(uuid) from public, anon, authenticated;
grant execute on function public.reveal_family_phone(uuid) to authenticated;
revoke all on function public.contact_window(timestamptz, timestamptz) from public;
grant execute on function public.contact_window(timestamptz, timestamptz)
	to anon, authenticated, service_role;

revoke all on table public.phone_reveals from anon, authenticated;
grant select on table public.phone_reveals to authenticated;
alter table public.phone_reveals enable row level security;

create policy "Guardians can read the reveals of their own phone number"
	on public.phone_reveals for select to authenticated
	using (family_id = (select private.my_family_id()));

create policy "Staff can read their organisation's reveals"
	on public.phone_reveals for select to authenticated
	using (org_id in (select private.my_org_ids()));
