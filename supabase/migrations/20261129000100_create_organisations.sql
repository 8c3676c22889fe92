-- Organisations that publish events and run venues, and the staff who work for them.
-- Helpers for policies live in the `private` schema, which the API does not expose.

create extension if not exists btree_gist with schema extensions;

create schema if not exists private;
comment on schema private is
	'Helpers for policies and triggers (security definer, search_path ''''). Not exposed by the API.';
revoke all on schema private from public;
grant usage on schema private to anon, authenticated, service_role;

create type public.organisation_kind as enum (
	'youth_centre',
	'counselling_centre',
	'women_children_centre',
	'school_parent_school',
	'community_parent_school',
	'other'
);

create type public.org_role as enum ('staff', 'manager');

/*
 * An organisation of the district's co-education network: the youth activity centre, the
 * counselling centre, the women-and-children centre, a school's parent school, a community parent
 * school. Public information: anyone may read it.
 */
create table public.organisations (
	id uuid primary key default gen_random_uuid(),
	kind public.organisation_kind not null,
	slug text not null unique
		check (slug ~ '^[a-z0-9]+(-[a-z0-9]+)*$' and char_length(slug) <= 60),
	name_zh text not null check (char_length(btrim(name_zh)) between 1 and 100),
	name_en text not null check (char_length(btrim(name_en)) between 1 and 150),
	description_zh text not null default '' check (char_length(description_zh) <= 4000),
	description_en text not null default '' check (char_length(description_en) <= 6000),
	address_zh text check (char_length(address_zh) <= 200),
	address_en text check (char_length(address_en) <= 300),
	contact_name text check (char_length(contact_name) <= 100),
	contact_phone text check (char_length(contact_phone) <= 40),
	contact_email text check (contact_email ~ '^[^@\s]+@[^@\s]+$' and char_length(contact_email) <= 254),
	website_url text check (website_url ~ '^https?://' and char_length(website_url) <= 500),
	created_at timestamptz not null default now(),
	updated_at timestamptz not null default now()
);
comment on column public.organisations.slug is 'Readable identifier used in public URLs (/o/<slug>).';
comment on column public.organisations.contact_email is
	'Where room requests for this organisation''s venues are announced.';

/* Who works for which organisation. District administrators are not here: see app_metadata. */
create table public.org_members (
	org_id uuid not null references public.organisations (id) on delete cascade,
	user_id uuid not null references auth.users (id) on delete cascade,
	role public.org_role not null default 'staff',
	created_at timestamptz not null default now(),
	primary key (org_id, user_id)
);
create index org_members_user_id_idx on public.org_members (user_id);
comment on column public.org_members.role is 'manager may also edit the organisation''s profile.';

-- Helpers. District administrators are marked in app_metadata, which only the server can write
-- (never user_metadata, which users edit themselves).
create function private.is_district_admin()
returns boolean
language sql
stable
set search_path = ''
as $$
	select coalesce((select auth.jwt()) -> 'app_metadata' ->> 'role', '') = 'district_admin'
$$;

-- Security definer: reading org_members from inside org_members' own policies would recurse.
create function private.my_org_ids()
returns setof uuid
language sql
stable
security definer
set search_path = ''
as $$
	select m.org_id from public.org_members m where m.user_id = (select auth.uid())
$$;

create function private.is_org_member(p_org_id uuid)
returns boolean
language sql
stable
security definer
set search_path = ''
as $$
	select exists (
		select 1 from public.org_members m
		where m.org_id = p_org_id and m.user_id = (select auth.uid())
	)
$$;

create function private.is_org_manager(p_org_id uuid)
returns boolean
language sql
stable
security definer
set search_path = ''
as $$
	select exists (
		select 1 from public.org_members m
		where m.org_id = p_org_id and m.user_id = (select auth.uid()) and m.role = 'manager'
	)
$$;

-- Raises a user-facing failure the app translates: message is the stable code.
create function private.fail(p_code text, p_hint text default null)
returns void
language plpgsql
set search_path = ''
as $$
begin
	raise exception using errcode = 'P0001', message = p_code, hint = coalesce(p_hint, p_code);
end;
$$;

create function private.touch_updated_at()
returns trigger
language plpgsql
set search_path = ''
as $$
begin
	new.updated_at := now();
	return new;
end;
$$;

revoke all on all functions in schema private from public;
grant execute on function private.is_district_admin(), private.my_org_ids(),
	private.is_org_member(uuid), private.is_org_manager(uuid) to anon, authenticated, service_role;

create trigger organisations_touch_updated_at before update on public.organisations
	for each row execute function private.touch_updated_at();

-- Grants: Supabase's defaults give anon and authenticated everything; start from nothing.
revoke all on table public.organisations, public.org_members from anon, authenticated;
grant select on table public.organisations to anon, authenticated;
grant insert, update, delete on table public.organisations to authenticated;
grant select, insert, update, delete on table public.org_members to authenticated;

alter table public.organisations enable row level security;
alter table public.org_members enable row level security;

create policy "Anyone can read organisations"
	on public.organisations for select to anon, authenticated
	using (true);

create policy "District administrators can add organisations"
	on public.organisations for insert to authenticated
	with check ((select private.is_district_admin()));

create policy "District administrators and managers can update organisations"
	on public.organisations for update to authenticated
	using ((select private.is_district_admin()) or (select private.is_org_manager(id)))
	with check ((select private.is_district_admin()) or (select private.is_org_manager(id)));

create policy "District administrators can delete organisations"
	on public.organisations for delete to authenticated
	using ((select private.is_district_admin()));

create policy "Staff can read their colleagues and administrators every membership"
	on public.org_members for select to authenticated
	using ((select private.is_district_admin()) or org_id in (select private.my_org_ids()));

create policy "District administrators can add memberships"
	on public.org_members for insert to authenticated
	with check ((select private.is_district_admin()));

create policy "District administrators can change memberships"
	on public.org_members for update to authenticated
	using ((select private.is_district_admin()))
	with check ((select private.is_district_admin()));

create policy "District administrators can remove memberships"
	on public.org_members for delete to authenticated
	using ((select private.is_district_admin()));
