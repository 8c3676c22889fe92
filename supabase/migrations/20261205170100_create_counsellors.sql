-- The counselling centre's counsellors and when they can be booked (校外心理辅导中心).

create type public.appointment_mode as enum ('in_person', 'phone', 'video');

/*
 * What a counselling centre tells every family on its counselling pages: the crisis hotline (the
 * booking is not for emergencies) and how long before an appointment a family may still change or
 * cancel it without it counting as late. Public information.
 */
create table public.counselling_centres (
	org_id uuid primary key references public.organisations (id) on delete cascade,
	crisis_hotline text not null check (char_length(btrim(crisis_hotline)) between 3 and 40),
	hotline_hours_zh text not null default '' check (char_length(hotline_hours_zh) <= 100),
	hotline_hours_en text not null default '' check (char_length(hotline_hours_en) <= 150),
	cancel_cutoff_hours integer not null default 24 check (cancel_cutoff_hours between 0 and 168),
	updated_at timestamptz not null default now()
);
comment on column public.counselling_centres.cancel_cutoff_hours is
	'Until this many hours before it, a family may reschedule or cancel; a later cancellation is recorded as late.';

/*
 * A staff member of a counselling centre who takes one-to-one appointments, with the rules of their
 * diary: session length, the buffer kept free after each session, minimum notice, how far ahead
 * families may book, a daily maximum, the ways they meet (a room of the centre, phone, video) and
 * whether a booking is confirmed at once or waits for them to accept it. Their display name and
 * these rules are public; their hours and leave are for their centre (see counsellor_hours).
 */
create table public.counsellors (
	user_id uuid primary key references auth.users (id) on delete cascade,
	org_id uuid not null references public.organisations (id) on delete cascade,
	display_name_zh text not null check (char_length(btrim(display_name_zh)) between 1 and 50),
	display_name_en text not null default '' check (char_length(display_name_en) <= 80),
	intro_zh text not null default '' check (char_length(intro_zh) <= 500),
	intro_en text not null default '' check (char_length(intro_en) <= 800),
	locale public.app_locale not null default 'zh-CN',
	session_minutes integer not null default 50 check (session_minutes between 15 and 180),
	buffer_minutes integer not null default 10 check (buffer_minutes between 0 and 120),
	min_notice_minutes integer not null default 720 check (min_notice_minutes between 0 and 20160),
	horizon_days integer not null default 28 check (horizon_days between 1 and 120),
	daily_max integer not null default 6 check (daily_max between 1 and 20),
	requires_acceptance boolean not null default false,
	modes public.appointment_mode[] not null default array['in_person', 'phone']::public.appointment_mode[]
		check (cardinality(modes) between 1 and 3),
	venue_id uuid references public.venues (id) on delete set null,
	active boolean not null default true,
	created_at timestamptz not null default now(),
	updated_at timestamptz not null default now(),
	check (not ('in_person' = any (modes)) or venue_id is not null)
);
create index counsellors_org_id_idx on public.counsellors (org_id);
create index counsellors_venue_id_idx on public.counsellors (venue_id);
comment on column public.counsellors.venue_id is
	'The room of the centre where in-person sessions take place (held through venue_bookings).';
comment on column public.counsellors.buffer_minutes is
	'Minutes kept free after each session (writing up, a breath); slots start every session + buffer.';

/* A counsellor's weekly hours in Asia/Shanghai local time, per ISO weekday (1 Monday … 7 Sunday). */
create table public.counsellor_hours (
	id uuid primary key default gen_random_uuid(),
	counsellor_id uuid not null references public.counsellors (user_id) on delete cascade,
	weekday smallint not null check (weekday between 1 and 7),
	starts_at time not null,
	ends_at time not null,
	check (ends_at > starts_at)
);
create index counsellor_hours_counsellor_idx on public.counsellor_hours (counsellor_id, weekday);

/*
 * A dated exception to a counsellor's weekly hours (local time): 'off' (leave, training) removes
 * time — the whole day when starts_at is null — and 'extra' adds hours on that date.
 */
create table public.counsellor_exceptions (
	id uuid primary key default gen_random_uuid(),
	counsellor_id uuid not null references public.counsellors (user_id) on delete cascade,
	on_date date not null,
	kind text not null check (kind in ('off', 'extra')),
	starts_at time,
	ends_at time,
	created_at timestamptz not null default now(),
	check ((starts_at is null) = (ends_at is null)),
	check (ends_at > starts_at),
	check (kind = 'off' or starts_at is not null)
);
create index counsellor_exceptions_counsellor_idx on public.counsellor_exceptions (counsellor_id, on_date);

-- Counsellors of the caller's organisations (their colleagues, and themselves).
create function private.my_colleague_counsellor_ids()
returns setof uuid
language sql
stable
security definer
set search_path = ''
as $$
	select c.user_id from public.counsellors c
	where c.org_id in (select m.org_id from public.org_members m where m.user_id = (select auth.uid()))
$$;

-- The counsellor themself, or a manager of their centre.
create function private.may_edit_counsellor(p_counsellor_id uuid)
returns boolean
language sql
stable
security definer
set search_path = ''
as $$
	select p_counsellor_id = (select auth.uid())
		or exists (select 1 from public.counsellors c
			join public.org_members m on m.org_id = c.org_id
			where c.user_id = p_counsellor_id and m.user_id = (select auth.uid()) and m.role = 'manager')
$$;

-- A counsellor works for a counselling centre, as its staff; their room is one of its rooms.
create function private.check_counsellor()
returns trigger
language plpgsql
security definer
set search_path = ''
as $$
begin
	if not exists (select 1 from public.organisations o
		where o.id = new.org_id and o.kind = 'counselling_centre') then
		perform private.fail('not_a_counselling_centre');
	end if;
	if not exists (select 1 from public.org_members m
		where m.org_id = new.org_id and m.user_id = new.user_id) then
		perform private.fail('counsellor_not_staff');
	end if;
	if new.venue_id is not null and not exists (select 1 from public.venues v
		where v.id = new.venue_id and v.org_id = new.org_id) then
		perform private.fail('venue_not_found');
	end if;
	return new;
end;
$$;

create trigger counsellors_check before insert or update on public.counsellors
	for each row execute function private.check_counsellor();
create trigger counsellors_touch_updated_at before update on public.counsellors
	for each row execute function private.touch_updated_at();
create trigger counselling_centres_touch_updated_at before update on public.counselling_centres
	for each row execute function private.touch_updated_at();

revoke all on function private.my_colleague_counsellor_ids(), private.may_edit_counsellor(uuid),
	private.check_counsellor() from public;
grant execute on function private.my_colleague_counsellor_ids(), private.may_edit_counsellor(uuid)
	to anon, authenticated, service_role;

revoke all on table public.counselling_centres, public.counsellors, public.counsellor_hours,
	public.counsellor_exceptions from anon, authenticated;
grant select on table public.counselling_centres, public.counsellors to anon, authenticated;
grant insert, update on table public.counselling_centres to authenticated;
grant insert, update, delete on table public.counsellors to authenticated;
grant select, insert, update, delete on table public.counsellor_hours, public.counsellor_exceptions
	to authenticated;

alter table public.counselling_centres enable row level security;
alter table public.counsellors enable row level security;
alter table public.counsellor_hours enable row level security;
alter table public.counsellor_exceptions enable row level security;

create policy "Anyone can read counselling centres' hotlines and rules"
	on public.counselling_centres for select to anon, authenticated
	using (true);

create policy "Managers can set up their counselling centre"
	on public.counselling_centres for insert to authenticated
	with check ((select private.is_org_manager(org_id)));

create policy "Managers can change their counselling centre"
	on public.counselling_centres for update to authenticated
	using ((select private.is_org_manager(org_id)))
	with check ((select private.is_org_manager(org_id)));

create policy "Anyone can read active counsellors"
	on public.counsellors for select to anon, authenticated
	using (active);

create policy "Staff can read their centre's counsellors"
	on public.counsellors for select to authenticated
	using (org_id in (select private.my_org_ids()));

create policy "Managers can mark their staff as counsellors"
	on public.counsellors for insert to authenticated
	with check ((select private.is_org_manager(org_id)));

create policy "Counsellors and their managers can change a counsellor's rules"
	on public.counsellors for update to authenticated
	using (user_id = (select auth.uid()) or (select private.is_org_manager(org_id)))
	with check (
		(user_id = (select auth.uid()) and org_id in (select private.my_org_ids()))
		or (select private.is_org_manager(org_id))
	);

create policy "Managers can remove counsellors"
	on public.counsellors for delete to authenticated
	using ((select private.is_org_manager(org_id)));

create policy "Staff of the centre can read counsellors' hours"
	on public.counsellor_hours for select to authenticated
	using (counsellor_id in (select private.my_colleague_counsellor_ids()));

create policy "Counsellors and managers can add hours"
	on public.counsellor_hours for insert to authenticated
	with check ((select private.may_edit_counsellor(counsellor_id)));

create policy "Counsellors and managers can change hours"
	on public.counsellor_hours for update to authenticated
	using ((select private.may_edit_counsellor(counsellor_id)));

create policy "Counsellors and managers can remove hours"
	on public.counsellor_hours for delete to authenticated
	using ((select private.may_edit_counsellor(counsellor_id)));

create policy "Staff of the centre can read counsellors' exceptions"
	on public.counsellor_exceptions for select to authenticated
	using (counsellor_id in (select private.my_colleague_counsellor_ids()));

create policy "Counsellors and managers can add exceptions"
	on public.counsellor_exceptions for insert to authenticated
	with check ((select private.may_edit_counsellor(counsellor_id)));

create policy "Counsellors and managers can remove exceptions"
	on public.counsellor_exceptions for delete to authenticated
	using ((select private.may_edit_counsellor(counsellor_id)));
