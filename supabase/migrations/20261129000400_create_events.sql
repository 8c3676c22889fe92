-- Events that organisations publish and families register for.

create type public.event_category as enum (
	'parent_child_reading',
	'study_trip',
	'sports_day',
	'traditional_culture',
	'parenting_lecture',
	'mental_health_salon',
	'parent_class',
	'grandparent_class',
	'other'
);

create type public.event_status as enum ('draft', 'published', 'cancelled');

/*
 * An event (活动): a parent-child reading session, a study trip, a parenting lecture … held in a
 * booked room (venue_booking_id) or at an outside address. Anyone reads published (and cancelled)
 * events; the organisation's staff write them. seats_taken and waitlist_count are kept by the
 * registration functions, so anyone can see how full an event is without reading registrations.
 * Changing an event's time or place, or cancelling it, queues an email to every registered family
 * (trigger events_notify_families): the app simply updates the row.
 */
create table public.events (
	id uuid primary key default gen_random_uuid(),
	org_id uuid not null references public.organisations (id) on delete cascade,
	slug text not null default '' check (slug ~ '^[a-z0-9]+(-[a-z0-9]+)*$' and char_length(slug) <= 80),
	category public.event_category not null,
	status public.event_status not null default 'draft',
	title_zh text not null check (char_length(btrim(title_zh)) between 1 and 100),
	title_en text not null default '' check (char_length(title_en) <= 150),
	summary_zh text not null default '' check (char_length(summary_zh) <= 300),
	summary_en text not null default '' check (char_length(summary_en) <= 500),
	description_zh text not null default '' check (char_length(description_zh) <= 8000),
	description_en text not null default '' check (char_length(description_en) <= 12000),
	starts_at timestamptz not null,
	ends_at timestamptz not null,
	venue_booking_id uuid references public.venue_bookings (id) on delete restrict,
	address_zh text check (char_length(address_zh) <= 200),
	address_en text check (char_length(address_en) <= 300),
	capacity integer not null check (capacity between 1 and 5000),
	min_child_age smallint check (min_child_age between 0 and 18),
	max_child_age smallint check (max_child_age between 0 and 18),
	registration_opens_at timestamptz,
	registration_closes_at timestamptz,
	max_seats_per_family smallint not null default 4 check (max_seats_per_family between 1 and 20),
	waitlist_enabled boolean not null default true,
	second_reminder boolean not null default false,
	series_id uuid,
	seats_taken integer not null default 0 check (seats_taken >= 0),
	waitlist_count integer not null default 0 check (waitlist_count >= 0),
	cancelled_reason text check (char_length(cancelled_reason) <= 500),
	created_by uuid default auth.uid() references auth.users (id) on delete set null,
	created_at timestamptz not null default now(),
	updated_at timestamptz not null default now(),
	sequence integer not null default 0,
	constraint events_slug_key unique (slug),
	constraint events_period_check check (ends_at > starts_at),
	constraint events_age_range_check check (min_child_age <= max_child_age),
	constraint events_not_overbooked check (seats_taken <= capacity)
);
create index events_org_id_idx on public.events (org_id);
create index events_status_starts_at_idx on public.events (status, starts_at);
create index events_venue_booking_id_idx on public.events (venue_booking_id);
create index events_series_id_idx on public.events (series_id) where series_id is not null;
comment on column public.events.slug is
	'Readable unique identifier for URLs; generated from date and category when left empty.';
comment on column public.events.capacity is 'Places, in people (children and adults alike).';
comment on column public.events.min_child_age is
	'Youngest allowed age in whole years at the event''s start (children only).';
comment on column public.events.registration_closes_at is 'Defaults to the start when null.';
comment on column public.events.max_seats_per_family is 'People one family may bring.';
comment on column public.events.second_reminder is 'Also remind registered families 2 hours before.';
comment on column public.events.series_id is
	'Shared by the events of one weekly series (a parent class every Saturday …); null otherwise.';
comment on column public.events.seats_taken is
	'People confirmed, attended or marked no-show. Maintained by triggers on registrations.';
comment on column public.events.waitlist_count is 'Families on the waitlist. Maintained like seats_taken.';
comment on column public.events.sequence is
	'iCalendar SEQUENCE: increases when the time, place, title or status changes.';

create function private.my_event_ids()
returns setof uuid
language sql
stable
security definer
set search_path = ''
as $$
	select e.id from public.events e
	where e.org_id in (select m.org_id from public.org_members m where m.user_id = (select auth.uid()))
$$;

-- Checks every write to an event, fills in the slug, and bumps updated_at/sequence on real changes.
-- Not called for the counters the registration triggers keep (see the trigger's column list).
create function private.prepare_event()
returns trigger
language plpgsql
security definer
set search_path = ''
as $$
declare
	v_booking record;
	v_active boolean;
	v_alphabet constant text := 'abcdefghijkmnpqrstuvwxyz23456789';
begin
	if tg_op = 'INSERT' and new.slug = '' then
		new.slug := to_char(new.starts_at at time zone 'Asia/Shanghai', 'YYYY-MM-DD') || '-'
			|| replace(new.category::text, '_', '-') || '-'
			|| (select string_agg(substr(v_alphabet, 1 + floor(random() * 32)::int, 1), '')
				from generate_series(1, 4));
	end if;

	if tg_op = 'UPDATE' then
		if old.status = 'cancelled' and new.status <> 'cancelled' then
			perform private.fail('event_cancelled', 'A cancelled event cannot be reopened.');
		end if;
		if new.capacity < new.seats_taken and new.capacity <> old.capacity then
			perform private.fail('capacity_below_confirmed',
				format('%s places are already taken.', new.seats_taken));
		end if;
		if old.status = 'published' and new.status = 'draft' then
			select exists (
				select 1 from public.registrations r
				where r.event_id = new.id and r.status in ('confirmed', 'waitlisted')
			) into v_active;
			if v_active then
				perform private.fail('event_has_registrations',
					'Cancel the event instead: families have registered.');
			end if;
		end if;
	end if;

	if new.ends_at <= new.starts_at then
		perform private.fail('invalid_period', 'The event must end after it starts.');
	end if;
	if new.registration_opens_at is not null
		and new.registration_opens_at >= coalesce(new.registration_closes_at, new.starts_at) then
		perform private.fail('invalid_period', 'Registration must open before it closes.');
	end if;
	if new.registration_closes_at > new.ends_at then
		perform private.fail('invalid_period', 'Registration must close before the event ends.');
	end if;
	if new.min_child_age > new.max_child_age then
		perform private.fail('invalid_age_range', 'The youngest age must not exceed the oldest.');
	end if;

	if new.venue_booking_id is not null and (
		tg_op = 'INSERT'
		or new.venue_booking_id is distinct from old.venue_booking_id
		or new.starts_at <> old.starts_at or new.ends_at <> old.ends_at
	) then
		select b.org_id, b.status, b.starts_at, b.ends_at into v_booking
		from public.venue_bookings b where b.id = new.venue_booking_id;
		if not found or v_booking.org_id <> new.org_id or v_booking.status <> 'approved' then
			perform private.fail('venue_booking_invalid',
				'Use an approved booking of your own organisation.');
		end if;
		if new.starts_at < v_booking.starts_at or new.ends_at > v_booking.ends_at then
			perform private.fail('event_outside_booking', 'The event must fit inside its room booking.');
		end if;
	end if;

	if tg_op = 'UPDATE' then
		new.updated_at := now();
		if (new.starts_at, new.ends_at, new.venue_booking_id, new.address_zh, new.address_en,
				new.status, new.title_zh, new.title_en)
			is distinct from (old.starts_at, old.ends_at, old.venue_booking_id, old.address_zh,
				old.address_en, old.status, old.title_zh, old.title_en) then
			new.sequence := old.sequence + 1;
		end if;
	end if;
	return new;
end;
$$;

-- Every column but seats_taken and waitlist_count: the update that moves the counters, made under
-- the event lock on every registration, then calls no function and reads no description.
-- (tests/db/events.test.ts checks that the list names every other column.)
create trigger events_prepare before insert or update of id, org_id, slug, category, status,
		title_zh, title_en, summary_zh, summary_en, description_zh, description_en, starts_at, ends_at,
		venue_booking_id, address_zh, address_en, capacity, min_child_age, max_child_age,
		registration_opens_at, registration_closes_at, max_seats_per_family, waitlist_enabled,
		second_reminder, series_id, cancelled_reason, created_by, created_at, updated_at, sequence
	on public.events
	for each row execute function private.prepare_event();

revoke all on all functions in schema private from public;
grant execute on function private.my_event_ids() to anon, authenticated, service_role;

revoke all on table public.events from anon, authenticated;
grant select on table public.events to anon, authenticated;
grant insert (org_id, slug, category, status, title_zh, title_en, summary_zh, summary_en,
	description_zh, description_en, starts_at, ends_at, venue_booking_id, address_zh, address_en,
	capacity, min_child_age, max_child_age, registration_opens_at, registration_closes_at,
	max_seats_per_family, waitlist_enabled, second_reminder)
	on table public.events to authenticated;
grant update (slug, category, status, title_zh, title_en, summary_zh, summary_en,
	description_zh, description_en, starts_at, ends_at, venue_booking_id, address_zh, address_en,
	capacity, min_child_age, max_child_age, registration_opens_at, registration_closes_at,
	max_seats_per_family, waitlist_enabled, second_reminder, cancelled_reason)
	on table public.events to authenticated;
grant delete on table public.events to authenticated;

alter table public.events enable row level security;

create policy "Anyone can read published and cancelled events"
	on public.events for select to anon, authenticated
	using (status in ('published', 'cancelled'));

create policy "Staff can read their organisation's drafts and administrators every event"
	on public.events for select to authenticated
	using ((select private.is_district_admin()) or org_id in (select private.my_org_ids()));

create policy "Staff can create events for their organisation"
	on public.events for insert to authenticated
	with check (org_id in (select private.my_org_ids()));

create policy "Staff can update their organisation's events"
	on public.events for update to authenticated
	using (org_id in (select private.my_org_ids()))
	with check (org_id in (select private.my_org_ids()));

create policy "Staff can delete their organisation's draft events"
	on public.events for delete to authenticated
	using (org_id in (select private.my_org_ids()) and status = 'draft');
