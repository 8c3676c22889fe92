-- Registrations (报名) of families for events, and which members come.

create type public.registration_status as enum (
	'confirmed',
	'waitlisted',
	'cancelled',
	'attended',
	'no_show'
);

/*
 * A family's registration for an event. Written only by register_family, cancel_registration,
 * check_in and mark_no_shows, which lock the event row so that capacity and the waitlist order
 * hold however many requests race. Waitlisted registrations are numbered 1..n without gaps
 * (waitlist_position, in joining order); a trigger keeps the numbering and the event's counters.
 */
create table public.registrations (
	id uuid primary key default gen_random_uuid(),
	event_id uuid not null references public.events (id) on delete cascade,
	family_id uuid not null references public.families (id) on delete cascade,
	status public.registration_status not null,
	seats smallint not null check (seats between 1 and 20),
	waitlist_position integer check (waitlist_position > 0),
	waitlist_joined_at timestamptz,
	check_in_code text not null unique check (check_in_code ~ '^[0-9A-Z]{6}$'),
	source text check (source ~ '^[a-z0-9._-]{1,40}$'),
	created_at timestamptz not null default now(),
	confirmed_at timestamptz,
	cancelled_at timestamptz,
	checked_in_at timestamptz,
	updated_at timestamptz not null default now(),
	constraint registrations_waitlisted_have_position
		check ((status = 'waitlisted') = (waitlist_position is not null))
);
create unique index registrations_one_active_per_family
	on public.registrations (event_id, family_id) where status <> 'cancelled';
create index registrations_event_id_status_idx on public.registrations (event_id, status);
create index registrations_family_id_idx on public.registrations (family_id);
create index registrations_waitlist_idx
	on public.registrations (event_id, waitlist_position) where status = 'waitlisted';
comment on column public.registrations.seats is 'People coming: the number of attendees.';
comment on column public.registrations.waitlist_position is
	'1 = next in line (候补第 1 位). Only while waitlisted.';
comment on column public.registrations.check_in_code is 'Short code shown at the door (签到).';
comment on column public.registrations.source is
	'Where the family came from (?src= on the event link: poster, wechat, school-site …).';

/* Which family members a registration brings. */
create table public.registration_attendees (
	registration_id uuid not null references public.registrations (id) on delete cascade,
	member_id uuid not null references public.family_members (id) on delete cascade,
	primary key (registration_id, member_id)
);
create index registration_attendees_member_id_idx on public.registration_attendees (member_id);

create function private.takes_seats(p_status public.registration_status)
returns boolean
language sql
immutable
set search_path = ''
as $$
	select p_status in ('confirmed', 'attended', 'no_show')
$$;

-- Keeps events.seats_taken / waitlist_count and the gapless waitlist numbering in step with every
-- change to registrations, including cascaded deletes. Incremental; the seat-taking statuses are
-- those of private.takes_seats, written inline (no SQL function call per row, on the hot path).
create function private.track_registration()
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
		if old.status in ('confirmed', 'attended', 'no_show') then
			v_seats := v_seats - old.seats;
		end if;
		if old.status = 'waitlisted' then v_waiting := v_waiting - 1; end if;
	end if;
	if tg_op in ('INSERT', 'UPDATE') then
		if new.status in ('confirmed', 'attended', 'no_show') then
			v_seats := v_seats + new.seats;
		end if;
		if new.status = 'waitlisted' then v_waiting := v_waiting + 1; end if;
	end if;
	if v_seats <> 0 or v_waiting <> 0 then
		update public.events e
		set seats_taken = e.seats_taken + v_seats, waitlist_count = e.waitlist_count + v_waiting
		where e.id = coalesce(new.event_id, old.event_id);
	end if;
	if tg_op in ('UPDATE', 'DELETE') and old.status = 'waitlisted'
		and (tg_op = 'DELETE' or new.status <> 'waitlisted') then
		update public.registrations r
		set waitlist_position = r.waitlist_position - 1
		where r.event_id = old.event_id and r.status = 'waitlisted'
			and r.waitlist_position > old.waitlist_position;
	end if;
	return null;
end;
$$;

create trigger registrations_track_insert after insert on public.registrations
	for each row execute function private.track_registration();
create trigger registrations_track_update after update on public.registrations
	for each row when (old.status is distinct from new.status or old.seats <> new.seats)
	execute function private.track_registration();
create trigger registrations_track_delete after delete on public.registrations
	for each row execute function private.track_registration();
create trigger registrations_touch_updated_at before update on public.registrations
	for each row execute function private.touch_updated_at();

create function private.my_registration_ids()
returns setof uuid
language sql
stable
security definer
set search_path = ''
as $$
	select r.id from public.registrations r
	join public.families f on f.id = r.family_id
	where f.guardian_id = (select auth.uid())
$$;

revoke all on all functions in schema private from public;
grant execute on function private.my_registration_ids() to anon, authenticated, service_role;

revoke all on table public.registrations, public.registration_attendees from anon, authenticated;
grant select on table public.registrations, public.registration_attendees to authenticated;

alter table public.registrations enable row level security;
alter table public.registration_attendees enable row level security;

-- Staff see registrations of their events but no family details: names and ages come from
-- event_attendees(), which returns only what the door needs.
create policy "Guardians read their own registrations, staff those of their events"
	on public.registrations for select to authenticated
	using (
		family_id = (select private.my_family_id())
		or event_id in (select private.my_event_ids())
		or (select private.is_district_admin())
	);

create policy "Guardians can read who comes with their registrations"
	on public.registration_attendees for select to authenticated
	using (
		registration_id in (select private.my_registration_ids())
		or (select private.is_district_admin())
	);
