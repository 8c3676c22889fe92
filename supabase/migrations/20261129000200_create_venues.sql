-- Rooms, their opening hours, and the bookings that fill their calendars.

create type public.booking_status as enum ('requested', 'approved', 'rejected', 'cancelled', 'blocked');

/* A room an organisation runs (活动室/场地): public information while active. */
create table public.venues (
	id uuid primary key default gen_random_uuid(),
	org_id uuid not null references public.organisations (id) on delete cascade,
	name_zh text not null check (char_length(btrim(name_zh)) between 1 and 100),
	name_en text not null default '' check (char_length(name_en) <= 150),
	description_zh text not null default '' check (char_length(description_zh) <= 2000),
	description_en text not null default '' check (char_length(description_en) <= 3000),
	address_zh text check (char_length(address_zh) <= 200),
	address_en text check (char_length(address_en) <= 300),
	capacity integer not null check (capacity between 1 and 10000),
	buffer_minutes integer not null default 15 check (buffer_minutes between 0 and 240),
	active boolean not null default true,
	created_at timestamptz not null default now(),
	updated_at timestamptz not null default now()
);
create index venues_org_id_idx on public.venues (org_id);
comment on column public.venues.capacity is 'People the room holds.';
comment on column public.venues.buffer_minutes is
	'Minutes kept free after each booking (setting up, cleaning); copied onto each booking.';

/*
 * When a room can be booked, in Asia/Shanghai local time, per ISO weekday (1 Monday … 7 Sunday).
 * Several rows a day give several intervals. A venue with no rows at all has no restriction.
 */
create table public.venue_opening_hours (
	venue_id uuid not null references public.venues (id) on delete cascade,
	weekday smallint not null check (weekday between 1 and 7),
	opens_at time not null,
	closes_at time not null,
	primary key (venue_id, weekday, opens_at),
	check (closes_at > opens_at)
);
comment on column public.venue_opening_hours.closes_at is 'Local time; 24:00 means midnight.';

-- The time a booking keeps its room: from its start to its end plus the buffer. Adding minutes to a
-- timestamptz does not depend on the time zone, so this is immutable in fact (the operator is only
-- marked stable because day and month intervals do depend on it).
create function private.booking_occupied(p_starts_at timestamptz, p_ends_at timestamptz, p_buffer integer)
returns tstzrange
language sql
immutable
set search_path = ''
as $$
	select tstzrange(p_starts_at, p_ends_at + make_interval(mins => p_buffer), '[)')
$$;

/*
 * A time range on a venue. Organisations request rooms at any venue (requested → approved or
 * rejected by the venue's staff); the venue's own staff book directly (approved) or block a room
 * (blocked: maintenance, closures). The exclusion constraint makes a double-booked room impossible,
 * whatever the app does: approved and blocked ranges of one venue, buffers included, never overlap.
 * Written only through the functions request_venue_booking, decide_venue_booking, block_venue,
 * move_venue_booking and cancel_venue_booking.
 */
create table public.venue_bookings (
	id uuid primary key default gen_random_uuid(),
	venue_id uuid not null references public.venues (id) on delete cascade,
	org_id uuid not null references public.organisations (id) on delete cascade,
	requested_by uuid references auth.users (id) on delete set null,
	status public.booking_status not null default 'requested',
	starts_at timestamptz not null,
	ends_at timestamptz not null,
	buffer_minutes integer not null default 0 check (buffer_minutes between 0 and 240),
	occupied tstzrange generated always as (
		private.booking_occupied(starts_at, ends_at, buffer_minutes)
	) stored,
	purpose text not null default '' check (char_length(purpose) <= 500),
	reason text check (char_length(reason) <= 500),
	decided_by uuid references auth.users (id) on delete set null,
	decided_at timestamptz,
	created_at timestamptz not null default now(),
	updated_at timestamptz not null default now(),
	check (ends_at > starts_at),
	constraint venue_bookings_no_overlap exclude using gist (
		venue_id extensions.gist_uuid_ops with =,
		occupied with &&
	) where (status in ('approved', 'blocked'))
);
create index venue_bookings_org_id_idx on public.venue_bookings (org_id);
create index venue_bookings_venue_starts_idx on public.venue_bookings (venue_id, starts_at);
comment on column public.venue_bookings.org_id is
	'The organisation that asked for the room (the venue''s own for direct bookings and blocks).';
comment on column public.venue_bookings.reason is 'Why it was rejected, or why the room is blocked.';
comment on column public.venue_bookings.occupied is '[starts_at, ends_at + buffer_minutes).';

create function private.my_venue_ids()
returns setof uuid
language sql
stable
security definer
set search_path = ''
as $$
	select v.id from public.venues v
	where v.org_id in (select m.org_id from public.org_members m where m.user_id = (select auth.uid()))
$$;

revoke all on all functions in schema private from public;
grant execute on function private.my_venue_ids() to anon, authenticated, service_role;
grant execute on function private.booking_occupied(timestamptz, timestamptz, integer)
	to anon, authenticated, service_role;

create trigger venues_touch_updated_at before update on public.venues
	for each row execute function private.touch_updated_at();
create trigger venue_bookings_touch_updated_at before update on public.venue_bookings
	for each row execute function private.touch_updated_at();

revoke all on table public.venues, public.venue_opening_hours, public.venue_bookings
	from anon, authenticated;
grant select on table public.venues, public.venue_opening_hours to anon, authenticated;
grant insert, update, delete on table public.venues, public.venue_opening_hours to authenticated;
grant select on table public.venue_bookings to authenticated;

alter table public.venues enable row level security;
alter table public.venue_opening_hours enable row level security;
alter table public.venue_bookings enable row level security;

create policy "Anyone can read active venues"
	on public.venues for select to anon, authenticated
	using (active);

create policy "Staff and administrators can read inactive venues"
	on public.venues for select to authenticated
	using ((select private.is_district_admin()) or org_id in (select private.my_org_ids()));

create policy "Staff can add venues to their organisation"
	on public.venues for insert to authenticated
	with check (org_id in (select private.my_org_ids()));

create policy "Staff can update their organisation's venues"
	on public.venues for update to authenticated
	using (org_id in (select private.my_org_ids()))
	with check (org_id in (select private.my_org_ids()));

create policy "Staff can delete their organisation's venues"
	on public.venues for delete to authenticated
	using (org_id in (select private.my_org_ids()));

create policy "Anyone can read opening hours"
	on public.venue_opening_hours for select to anon, authenticated
	using (true);

create policy "Staff can add opening hours to their venues"
	on public.venue_opening_hours for insert to authenticated
	with check (venue_id in (select private.my_venue_ids()));

create policy "Staff can change their venues' opening hours"
	on public.venue_opening_hours for update to authenticated
	using (venue_id in (select private.my_venue_ids()))
	with check (venue_id in (select private.my_venue_ids()));

create policy "Staff can remove their venues' opening hours"
	on public.venue_opening_hours for delete to authenticated
	using (venue_id in (select private.my_venue_ids()));

-- Other organisations see busy periods only, through venue_busy_periods().
create policy "Venue staff, requesters and administrators can read bookings"
	on public.venue_bookings for select to authenticated
	using (
		(select private.is_district_admin())
		or org_id in (select private.my_org_ids())
		or venue_id in (select private.my_venue_ids())
	);
