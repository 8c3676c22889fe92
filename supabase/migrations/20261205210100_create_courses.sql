-- Parent-school courses (家长学校课程): one enrolment for many sessions, attendance, completion.

create type public.course_kind as enum (
	'grandparents',
	'new_parents',
	'teenagers',
	'early_childhood',
	'family_education',
	'other'
);

create type public.course_enrolment_status as enum ('confirmed', 'waitlisted', 'cancelled');

/*
 * A course: sessions (ordinary events, each in its own room and time) under one capacity, one
 * enrolment window and one waitlist. Families enrol once (enrol_in_course), which registers them for
 * every session still ahead, so the door's check-in, the attendee lists and the reminders work on
 * sessions as on any event. Where drop_in_enabled, families who did not enrol may register for a
 * single session, but only into places the course does not hold (see
 * private.guard_course_session_registration). seats_taken and waitlist_count are kept by a trigger
 * on course_enrolments. A member completes the course by attending sessions_required sessions, of
 * which up to excused_allowed may be excused absences.
 */
create table public.courses (
	id uuid primary key default gen_random_uuid(),
	org_id uuid not null references public.organisations (id) on delete cascade,
	slug text not null unique check (slug ~ '^[a-z0-9]+(-[a-z0-9]+)*$' and char_length(slug) <= 80),
	kind public.course_kind not null,
	status public.event_status not null default 'draft',
	title_zh text not null check (char_length(btrim(title_zh)) between 1 and 100),
	title_en text not null default '' check (char_length(title_en) <= 150),
	summary_zh text not null default '' check (char_length(summary_zh) <= 1000),
	summary_en text not null default '' check (char_length(summary_en) <= 1500),
	capacity integer not null check (capacity between 1 and 5000),
	max_seats_per_family smallint not null default 2 check (max_seats_per_family between 1 and 20),
	enrol_opens_at timestamptz,
	enrol_closes_at timestamptz,
	waitlist_enabled boolean not null default true,
	drop_in_enabled boolean not null default false,
	sessions_required smallint not null check (sessions_required between 1 and 100),
	excused_allowed smallint not null default 0 check (excused_allowed between 0 and 100),
	seats_taken integer not null default 0 check (seats_taken >= 0),
	waitlist_count integer not null default 0 check (waitlist_count >= 0),
	created_at timestamptz not null default now(),
	updated_at timestamptz not null default now(),
	constraint courses_not_overbooked check (seats_taken <= capacity),
	constraint courses_excused_within_rule check (excused_allowed < sessions_required),
	constraint courses_window_check check (enrol_opens_at < enrol_closes_at)
);
create index courses_org_id_idx on public.courses (org_id);
create index courses_status_idx on public.courses (status);
comment on column public.courses.capacity is
	'People enrolled for the whole course; every session''s event holds at least this many places.';
comment on column public.courses.enrol_closes_at is
	'Defaults to the first session''s start when null.';
comment on column public.courses.sessions_required is
	'Sessions a member must attend to complete the course (e.g. 6 of 8).';
comment on column public.courses.excused_allowed is
	'Excused absences that count towards sessions_required, at most.';
comment on column public.courses.seats_taken is 'People in confirmed enrolments (trigger-kept).';

/* Which events are the sessions of a course. An event belongs to at most one course. */
create table public.course_sessions (
	course_id uuid not null references public.courses (id) on delete cascade,
	event_id uuid not null unique references public.events (id) on delete cascade,
	primary key (course_id, event_id)
);

/*
 * A family's enrolment in a whole course, with the members who take it. Written only by
 * enrol_in_course / cancel_course_enrolment under the course row lock; waitlisted enrolments are
 * numbered 1..n without gaps in joining order.
 */
create table public.course_enrolments (
	id uuid primary key default gen_random_uuid(),
	course_id uuid not null references public.courses (id) on delete cascade,
	family_id uuid not null references public.families (id) on delete cascade,
	status public.course_enrolment_status not null,
	seats smallint not null check (seats between 1 and 20),
	waitlist_position integer check (waitlist_position > 0),
	source text check (source ~ '^[a-z0-9._-]{1,40}$'),
	created_at timestamptz not null default now(),
	confirmed_at timestamptz,
	cancelled_at timestamptz,
	constraint course_enrolments_waitlisted_have_position
		check ((status = 'waitlisted') = (waitlist_position is not null))
);
create unique index course_enrolments_one_active_per_family
	on public.course_enrolments (course_id, family_id) where status <> 'cancelled';
create index course_enrolments_family_id_idx on public.course_enrolments (family_id);
create index course_enrolments_waitlist_idx
	on public.course_enrolments (course_id, waitlist_position) where status = 'waitlisted';

create table public.course_enrolment_members (
	enrolment_id uuid not null references public.course_enrolments (id) on delete cascade,
	member_id uuid not null references public.family_members (id) on delete cascade,
	primary key (enrolment_id, member_id)
);
create index course_enrolment_members_member_id_idx on public.course_enrolment_members (member_id);

/* An absence staff excused (请假): counts towards completion up to the course's excused_allowed. */
create table public.course_excused_absences (
	event_id uuid not null references public.course_sessions (event_id) on delete cascade,
	member_id uuid not null references public.family_members (id) on delete cascade,
	reason text not null default '' check (char_length(reason) <= 200),
	marked_by uuid default auth.uid() references auth.users (id) on delete set null,
	created_at timestamptz not null default now(),
	primary key (event_id, member_id)
);
create index course_excused_absences_member_id_idx on public.course_excused_absences (member_id);

-- Keeps courses.seats_taken / waitlist_count and the gapless waitlist numbering.
create function private.track_course_enrolment()
returns trigger
language plpgsql
security definer
set search_path = ''
as $$
declare
	v_seats integer := 0;
	v_waiting integer := 0;
begin
	if tg_op in ('UPDATE', 'DELETE') then
		if old.status = 'confirmed' then v_seats := v_seats - old.seats; end if;
		if old.status = 'waitlisted' then v_waiting := v_waiting - 1; end if;
	end if;
	if tg_op in ('INSERT', 'UPDATE') then
		if new.status = 'confirmed' then v_seats := v_seats + new.seats; end if;
		if new.status = 'waitlisted' then v_waiting := v_waiting + 1; end if;
	end if;
	if v_seats <> 0 or v_waiting <> 0 then
		update public.courses c
		set seats_taken = c.seats_taken + v_seats, waitlist_count = c.waitlist_count + v_waiting
		where c.id = coalesce(new.course_id, old.course_id);
	end if;
	if tg_op in ('UPDATE', 'DELETE') and old.status = 'waitlisted'
		and (tg_op = 'DELETE' or new.status <> 'waitlisted') then
		update public.course_enrolments ce
		set waitlist_position = ce.waitlist_position - 1
		where ce.course_id = old.course_id and ce.status = 'waitlisted'
			and ce.waitlist_position > old.waitlist_position;
	end if;
	return null;
end;
$$;

create trigger course_enrolments_track after insert or update or delete on public.course_enrolments
	for each row execute function private.track_course_enrolment();

create function private.my_course_ids()
returns setof uuid
language sql
stable
security definer
set search_path = ''
as $$
	select c.id from public.courses c
	where c.org_id in (select m.org_id from public.org_members m where m.user_id = (select auth.uid()))
$$;

create function private.my_enrolment_ids()
returns setof uuid
language sql
stable
security definer
set search_path = ''
as $$
	select ce.id from public.course_enrolments ce
	join public.families f on f.id = ce.family_id
	where f.guardian_id = (select auth.uid())
$$;

revoke all on all functions in schema private from public;
grant execute on function private.my_course_ids(), private.my_enrolment_ids()
	to anon, authenticated, service_role;

revoke all on table public.courses, public.course_sessions, public.course_enrolments,
	public.course_enrolment_members, public.course_excused_absences from anon, authenticated;
grant select on table public.courses, public.course_sessions to anon, authenticated;
grant select on table public.course_enrolments, public.course_enrolment_members,
	public.course_excused_absences to authenticated;

alter table public.courses enable row level security;
alter table public.course_sessions enable row level security;
alter table public.course_enrolments enable row level security;
alter table public.course_enrolment_members enable row level security;
alter table public.course_excused_absences enable row level security;

create policy "Anyone can read published and cancelled courses"
	on public.courses for select to anon, authenticated
	using (status in ('published', 'cancelled'));

create policy "Staff can read their organisation's courses and administrators every course"
	on public.courses for select to authenticated
	using ((select private.is_district_admin()) or id in (select private.my_course_ids()));

create policy "Anyone can read the sessions of courses they can read"
	on public.course_sessions for select to anon, authenticated
	using (course_id in (select c.id from public.courses c));

create policy "Guardians read their own enrolments, staff those of their courses"
	on public.course_enrolments for select to authenticated
	using (
		family_id = (select private.my_family_id())
		or course_id in (select private.my_course_ids())
		or (select private.is_district_admin())
	);

create policy "Guardians can read who takes their enrolments"
	on public.course_enrolment_members for select to authenticated
	using (enrolment_id in (select private.my_enrolment_ids()));

create policy "Guardians read their members' excused absences, staff those of their courses"
	on public.course_excused_absences for select to authenticated
	using (
		member_id in (
			select m.id from public.family_members m where m.family_id = (select private.my_family_id())
		)
		or event_id in (
			select s.event_id from public.course_sessions s
			where s.course_id in (select private.my_course_ids())
		)
	);
