/*
 * What the public pages show (events with their places left, organisations, rooms, which room an
 * event is in, places held for referred families, courses, covers, logos and materials) changes
 * only when one of those rows
 * does. The app keeps the pages it rendered for anonymous visitors and asks public.public_pages_version()
 * before serving one again: a kept page is served only while the version is the one read before
 * it was rendered.
 *
 * The version is the sum of sixteen counters. Every transaction that changes a watched table adds
 * one to a single counter (its connection's), at commit, once: so any committed change raises the
 * sum, no transaction ever waits for more than one counter (no deadlocks), and transactions on
 * different connections rarely wait for each other at all.
 */
create table private.public_page_versions (
	slot smallint primary key check (slot between 0 and 15),
	version bigint not null default 0
);
comment on table private.public_page_versions is
	'Counters whose sum changes with every committed change to what public pages show; read through public.public_pages_version().';
comment on column private.public_page_versions.slot is
	'pg_backend_pid() % 16 of the connections that raise this counter.';

revoke all on table private.public_page_versions from public, anon, authenticated;
grant select, update on table private.public_page_versions to service_role;
alter table private.public_page_versions enable row level security;
-- No policies: anon and authenticated reach it only through the functions below.

insert into private.public_page_versions (slot) select generate_series(0, 15);

create function private.raise_public_page_version()
returns trigger
language plpgsql
security definer
set search_path = ''
as $$
begin
	-- Once per transaction: the flag is local to it (and undone with it).
	if coalesce(current_setting('gongyu.public_page_version_raised', true), '') = '' then
		perform set_config('gongyu.public_page_version_raised', 'yes', true);
		update private.public_page_versions
		set version = version + 1
		where slot = pg_backend_pid() % 16;
	end if;
	return null;
end;
$$;
revoke all on function private.raise_public_page_version() from public, anon, authenticated;

-- Deferred to commit: the counter's row is locked only for the commit itself. A table whose rows
-- a cached public page shows joins this list (and the page the cached routes in page-cache.ts).
do $$
declare
	t text;
begin
	foreach t in array array[
		'events', 'organisations', 'venues', 'venue_bookings', 'event_holds', 'courses',
		'course_sessions', 'event_covers', 'organisation_logos', 'event_materials'
	] loop
		execute format(
			'create constraint trigger %I after insert or update or delete on public.%I
			deferrable initially deferred
			for each row execute function private.raise_public_page_version()',
			t || '_raise_public_page_version', t);
	end loop;
end;
$$;

/*
 * The version of what public pages show: a number that changes whenever a committed change to
 * events, organisations, rooms or room bookings could change a public page. Read it before
 * rendering a page; the page is current while the number stays the same.
 */
create function public.public_pages_version()
returns bigint
language sql
stable
security definer
set search_path = ''
as $$
	select sum(v.version)::bigint from private.public_page_versions v
$$;
revoke all on function public.public_pages_version() from public;
grant execute on function public.public_pages_version() to anon, authenticated, service_role;
