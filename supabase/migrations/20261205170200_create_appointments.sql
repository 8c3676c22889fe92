-- Confidential one-to-one counselling appointments: the public part (who is busy when), the
-- private part (for whom, about what) and the counsellors' own session notes.

create type public.appointment_status as enum (
	'requested', 'confirmed', 'declined', 'cancelled', 'attended', 'no_show'
);
create type public.counselling_topic as enum (
	'study_pressure', 'parent_child', 'emotions_sleep', 'school_transition', 'other'
);
create type public.counselling_subject as enum ('child', 'parent', 'family');
create type public.contact_preference as enum ('phone', 'email');

/*
 * An appointment of a family with a counsellor: when, how (a room of the centre, phone, video) and
 * its state. It says nothing about what it is about: that is appointment_details. Readable by the
 * family and the assigned counsellor only; the centre's other staff see busy periods through
 * counsellor_busy(), everyone else counts through counselling_counts(). Written only through the
 * functions book_appointment, reschedule_appointment, cancel_appointment, decide_appointment and
 * mark_appointment. The exclusion constraint makes a double-booked counsellor impossible: active
 * appointments of one counsellor, buffers included, never overlap. An in-person appointment holds
 * its room through an approved venue_bookings row (the room's calendar shows it occupied).
 */
create table public.appointments (
	id uuid primary key default gen_random_uuid(),
	org_id uuid not null references public.organisations (id) on delete cascade,
	counsellor_id uuid not null references public.counsellors (user_id) on delete cascade,
	family_id uuid not null references public.families (id) on delete cascade,
	starts_at timestamptz not null,
	ends_at timestamptz not null,
	buffer_minutes integer not null default 0 check (buffer_minutes between 0 and 120),
	occupied tstzrange generated always as (
		private.booking_occupied(starts_at, ends_at, buffer_minutes)
	) stored,
	mode public.appointment_mode not null,
	venue_booking_id uuid references public.venue_bookings (id) on delete set null,
	status public.appointment_status not null,
	cancelled_by text check (cancelled_by in ('family', 'counsellor')),
	cancelled_late boolean not null default false,
	cancelled_at timestamptz,
	decided_at timestamptz,
	sequence integer not null default 0,
	created_at timestamptz not null default now(),
	updated_at timestamptz not null default now(),
	check (ends_at > starts_at),
	constraint appointments_no_overlap exclude using gist (
		counsellor_id extensions.gist_uuid_ops with =,
		occupied with &&
	) where (status in ('requested', 'confirmed'))
);
create index appointments_family_id_idx on public.appointments (family_id, starts_at);
create index appointments_counsellor_starts_idx on public.appointments (counsellor_id, starts_at);
create index appointments_org_starts_idx on public.appointments (org_id, starts_at);
create index appointments_venue_booking_idx on public.appointments (venue_booking_id);
comment on column public.appointments.cancelled_late is
	'Cancelled by the family after the centre''s cut-off (counselling_centres.cancel_cutoff_hours).';
comment on column public.appointments.sequence is
	'Raised on each change of time, so calendar files replace the earlier entry.';

/*
 * The confidential part of an appointment: for whom (a child of the family, the parent, the family
 * together), the topic, the family's note and how they want to be contacted. Readable by the family
 * and the assigned counsellor only; never in emails, calendar files, CSVs or logs.
 */
create table public.appointment_details (
	appointment_id uuid primary key references public.appointments (id) on delete cascade,
	subject public.counselling_subject not null,
	member_id uuid references public.family_members (id) on delete set null,
	topic public.counselling_topic not null,
	note text not null default '' check (char_length(note) <= 1000),
	contact public.contact_preference not null default 'phone'
);
create index appointment_details_member_id_idx on public.appointment_details (member_id);

/*
 * A counsellor's own notes on a session. Readable and writable by their author alone: not the
 * family, not the centre's manager, not the district.
 */
create table public.session_notes (
	id uuid primary key default gen_random_uuid(),
	appointment_id uuid not null references public.appointments (id) on delete cascade,
	author_id uuid not null default auth.uid() references auth.users (id) on delete cascade,
	body text not null check (char_length(btrim(body)) between 1 and 10000),
	created_at timestamptz not null default now(),
	updated_at timestamptz not null default now()
);
create index session_notes_author_idx on public.session_notes (author_id, appointment_id);
create index session_notes_appointment_idx on public.session_notes (appointment_id);

-- Appointments the caller may see in full: their family's, and those assigned to them.
create function private.my_appointment_ids()
returns setof uuid
language sql
stable
security definer
set search_path = ''
as $$
	select a.id from public.appointments a
	where a.family_id = (select f.id from public.families f where f.guardian_id = (select auth.uid()))
	union all
	select a.id from public.appointments a where a.counsellor_id = (select auth.uid())
$$;

-- A deleted appointment (the family's account is deleted) gives its room back.
create function private.release_appointment_room()
returns trigger
language plpgsql
security definer
set search_path = ''
as $$
begin
	if old.venue_booking_id is not null then
		update public.venue_bookings b set status = 'cancelled'
		where b.id = old.venue_booking_id and b.status = 'approved';
	end if;
	return old;
end;
$$;

create trigger appointments_release_room before delete on public.appointments
	for each row execute function private.release_appointment_room();
create trigger appointments_touch_updated_at before update on public.appointments
	for each row execute function private.touch_updated_at();
create trigger session_notes_touch_updated_at before update on public.session_notes
	for each row execute function private.touch_updated_at();

revoke all on function private.my_appointment_ids(), private.release_appointment_room() from public;
grant execute on function private.my_appointment_ids() to authenticated, service_role;

revoke all on table public.appointments, public.appointment_details, public.session_notes
	from anon, authenticated;
grant select on table public.appointments, public.appointment_details to authenticated;
grant select, insert, update, delete on table public.session_notes to authenticated;

alter table public.appointments enable row level security;
alter table public.appointment_details enable row level security;
alter table public.session_notes enable row level security;

create policy "Families and their counsellor can read an appointment"
	on public.appointments for select to authenticated
	using (
		counsellor_id = (select auth.uid())
		or family_id = (select private.my_family_id())
	);

create policy "Families and their counsellor can read what an appointment is about"
	on public.appointment_details for select to authenticated
	using (appointment_id in (select private.my_appointment_ids()));

create policy "Counsellors can read their own session notes"
	on public.session_notes for select to authenticated
	using (author_id = (select auth.uid()));

create policy "Counsellors can write notes on their own appointments"
	on public.session_notes for insert to authenticated
	with check (
		author_id = (select auth.uid())
		and exists (select 1 from public.appointments a
			where a.id = appointment_id and a.counsellor_id = (select auth.uid()))
	);

create policy "Counsellors can change their own session notes"
	on public.session_notes for update to authenticated
	using (author_id = (select auth.uid()))
	with check (author_id = (select auth.uid()));

create policy "Counsellors can delete their own session notes"
	on public.session_notes for delete to authenticated
	using (author_id = (select auth.uid()));
