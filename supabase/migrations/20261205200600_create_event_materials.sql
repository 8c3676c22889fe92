-- Materials (活动资料): handouts, slides and pictures staff attach to an event, for everyone or only
-- for the families registered for it (the digital parent school's handouts after a class).

create type public.material_audience as enum ('public', 'registered');

/*
 * A file attached to an event: one object in the private `materials` bucket, at
 * <org_id>/<event_id>/<name>. `public` ones are read by anyone once the event is published;
 * `registered` ones by the families with a confirmed (or attended) registration for it. The
 * organisation's staff read and write them all. Downloads go through signed URLs of short expiry,
 * which Storage signs only for a caller these rules let read the object.
 */
create table public.event_materials (
	id uuid primary key default gen_random_uuid(),
	event_id uuid not null references public.events (id) on delete cascade,
	org_id uuid not null references public.organisations (id) on delete cascade,
	object_path text not null unique check (char_length(object_path) <= 400),
	title text not null check (char_length(btrim(title)) between 1 and 120),
	file_name text not null check (char_length(file_name) between 1 and 200),
	content_type text not null check (char_length(content_type) <= 120),
	size_bytes bigint not null check (size_bytes between 1 and 52428800),
	audience public.material_audience not null default 'registered',
	shows_children boolean not null default false,
	guardians_consent boolean not null default false,
	created_by uuid default auth.uid() references auth.users (id) on delete set null,
	created_at timestamptz not null default now(),
	constraint event_materials_path_in_event_folder
		check (starts_with(object_path, org_id::text || '/' || event_id::text || '/')),
	constraint event_materials_children_need_consent check (not shows_children or guardians_consent)
);
create index event_materials_event_id_idx on public.event_materials (event_id);
create index event_materials_org_id_idx on public.event_materials (org_id);
comment on column public.event_materials.guardians_consent is
	'Staff confirmed the guardians of the children shown agreed to the picture being shared (recorded with created_by and created_at).';

-- Whether the caller may read a material's row and its file (security definer: it reads
-- registrations the caller's own policies would also allow, without a policy chain per row).
create function private.can_read_material(p_event_id uuid, p_org_id uuid, p_audience public.material_audience)
returns boolean
language sql
stable
security definer
set search_path = ''
as $$
	select
		p_org_id in (select m.org_id from public.org_members m where m.user_id = (select auth.uid()))
		or exists (
			select 1 from public.events e
			where e.id = p_event_id
				and e.status in ('published', 'cancelled')
				and (
					p_audience = 'public'
					or exists (
						select 1 from public.registrations r
						where r.event_id = p_event_id
							and r.family_id = (select private.my_family_id())
							and r.status in ('confirmed', 'attended')
					)
				)
		)
$$;

-- The same question for an object in the `materials` bucket, by its name.
create function private.can_read_material_object(p_name text)
returns boolean
language sql
stable
security definer
set search_path = ''
as $$
	select exists (
		select 1 from public.event_materials mat
		where mat.object_path = p_name
			and private.can_read_material(mat.event_id, mat.org_id, mat.audience)
	)
$$;
revoke all on function private.can_read_material(uuid, uuid, public.material_audience),
	private.can_read_material_object(text) from public;
grant execute on function private.can_read_material(uuid, uuid, public.material_audience),
	private.can_read_material_object(text) to anon, authenticated, service_role;

revoke all on table public.event_materials from anon, authenticated;
grant select on table public.event_materials to anon, authenticated;
grant insert (event_id, org_id, object_path, title, file_name, content_type, size_bytes, audience,
	shows_children, guardians_consent), update (title, audience), delete
	on table public.event_materials to authenticated;

alter table public.event_materials enable row level security;

create policy "Families read the materials of their events and anyone the public ones"
	on public.event_materials for select to anon, authenticated
	using (private.can_read_material(event_id, org_id, audience));

create policy "Staff can attach materials to their organisation's events"
	on public.event_materials for insert to authenticated
	with check (
		org_id in (select private.my_org_ids())
		and exists (
			select 1 from public.events e
			where e.id = event_materials.event_id and e.org_id = event_materials.org_id
		)
	);

create policy "Staff can change their organisation's materials"
	on public.event_materials for update to authenticated
	using (org_id in (select private.my_org_ids()))
	with check (org_id in (select private.my_org_ids()));

create policy "Staff can remove their organisation's materials"
	on public.event_materials for delete to authenticated
	using (org_id in (select private.my_org_ids()));

insert into storage.buckets (id, name, public, file_size_limit, allowed_mime_types)
values (
	'materials', 'materials', false, 52428800,
	array[
		'application/pdf',
		'application/vnd.ms-powerpoint',
		'application/vnd.openxmlformats-officedocument.presentationml.presentation',
		'application/msword',
		'application/vnd.openxmlformats-officedocument.wordprocessingml.document',
		'image/jpeg', 'image/png', 'image/webp'
	]
)
on conflict (id) do update
set public = excluded.public,
	file_size_limit = excluded.file_size_limit,
	allowed_mime_types = excluded.allowed_mime_types;

create policy "Families registered for the event and anyone for public materials can read them"
	on storage.objects for select to anon, authenticated
	using (bucket_id = 'materials' and private.can_read_material_object(name));

create policy "Staff can read their organisation's materials"
	on storage.objects for select to authenticated
	using (bucket_id = 'materials' and private.in_my_org_folder(name));

create policy "Staff can upload materials to their organisation's folder"
	on storage.objects for insert to authenticated
	with check (bucket_id = 'materials' and private.in_my_org_folder(name));

create policy "Staff can remove their organisation's materials"
	on storage.objects for delete to authenticated
	using (bucket_id = 'materials' and private.in_my_org_folder(name));
