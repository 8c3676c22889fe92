-- Pictures: event covers, organisation logos, and the share cards and posters drawn from them.
-- The bytes live in Storage (buckets below); these tables say which object is whose, where its
-- focal point is, and who confirmed the guardians' consent for a picture showing children.

/*
 * The cover picture of an event: one object in the public `covers` bucket, at
 * <org_id>/<event_id>/<name>, already cropped to 16:9 around the focal point staff chose. Anyone
 * may read the covers of published and cancelled events; the organisation's staff write them.
 */
create table public.event_covers (
	event_id uuid primary key references public.events (id) on delete cascade,
	org_id uuid not null references public.organisations (id) on delete cascade,
	object_path text not null check (char_length(object_path) <= 300),
	width integer not null check (width between 16 and 8000),
	height integer not null check (height between 9 and 8000),
	focal_x real not null default 0.5 check (focal_x between 0 and 1),
	focal_y real not null default 0.5 check (focal_y between 0 and 1),
	shows_children boolean not null default false,
	guardians_consent boolean not null default false,
	consent_confirmed_by uuid references auth.users (id) on delete set null,
	consent_confirmed_at timestamptz,
	updated_by uuid references auth.users (id) on delete set null,
	updated_at timestamptz not null default now(),
	constraint event_covers_path_in_event_folder
		check (starts_with(object_path, org_id::text || '/' || event_id::text || '/')),
	constraint event_covers_children_need_consent check (not shows_children or guardians_consent)
);
create index event_covers_org_id_idx on public.event_covers (org_id);
comment on column public.event_covers.focal_x is
	'Where the subject is, 0 (left) to 1 (right) of the uploaded picture; the 16:9 crop keeps it.';
comment on column public.event_covers.guardians_consent is
	'Staff confirmed the guardians of the children shown agreed to the picture being published.';

/*
 * An organisation's logo: one square PNG in the public `logos` bucket, at <org_id>/<name>.
 * Anyone may read it; the organisation's staff write it.
 */
create table public.organisation_logos (
	org_id uuid primary key references public.organisations (id) on delete cascade,
	object_path text not null check (char_length(object_path) <= 300),
	updated_by uuid references auth.users (id) on delete set null,
	updated_at timestamptz not null default now(),
	constraint organisation_logos_path_in_org_folder
		check (starts_with(object_path, org_id::text || '/'))
);

-- Who changed a picture and when; who confirmed the guardians' consent, kept until it is withdrawn.
create function private.stamp_picture()
returns trigger
language plpgsql
set search_path = ''
as $$
begin
	new.updated_by := (select auth.uid());
	new.updated_at := now();
	if tg_table_name = 'event_covers' then
		if not new.guardians_consent then
			new.consent_confirmed_by := null;
			new.consent_confirmed_at := null;
		elsif tg_op = 'INSERT' or not old.guardians_consent or new.object_path <> old.object_path then
			new.consent_confirmed_by := (select auth.uid());
			new.consent_confirmed_at := now();
		else
			new.consent_confirmed_by := old.consent_confirmed_by;
			new.consent_confirmed_at := old.consent_confirmed_at;
		end if;
	end if;
	return new;
end;
$$;

create trigger event_covers_stamp before insert or update on public.event_covers
	for each row execute function private.stamp_picture();
create trigger organisation_logos_stamp before insert or update on public.organisation_logos
	for each row execute function private.stamp_picture();

revoke all on table public.event_covers, public.organisation_logos from anon, authenticated;
grant select on table public.event_covers, public.organisation_logos to anon, authenticated;
-- Upserts (supabase-js's .upsert) update every column they send, the keys included: the policies
-- below keep the keys within the caller's organisation.
grant insert (event_id, org_id, object_path, width, height, focal_x, focal_y, shows_children,
	guardians_consent), update (event_id, org_id, object_path, width, height, focal_x, focal_y,
	shows_children, guardians_consent), delete
	on table public.event_covers to authenticated;
grant insert (org_id, object_path), update (org_id, object_path), delete
	on table public.organisation_logos to authenticated;

alter table public.event_covers enable row level security;
alter table public.organisation_logos enable row level security;

create policy "Anyone can read the covers of published and cancelled events"
	on public.event_covers for select to anon, authenticated
	using (exists (
		select 1 from public.events e
		where e.id = event_covers.event_id and e.status in ('published', 'cancelled')
	));

create policy "Staff can read their organisation's covers"
	on public.event_covers for select to authenticated
	using (org_id in (select private.my_org_ids()));

create policy "Staff can give their organisation's events a cover"
	on public.event_covers for insert to authenticated
	with check (
		org_id in (select private.my_org_ids())
		and exists (
			select 1 from public.events e where e.id = event_covers.event_id and e.org_id = event_covers.org_id
		)
	);

create policy "Staff can change their organisation's covers"
	on public.event_covers for update to authenticated
	using (org_id in (select private.my_org_ids()))
	with check (
		org_id in (select private.my_org_ids())
		and exists (
			select 1 from public.events e where e.id = event_covers.event_id and e.org_id = event_covers.org_id
		)
	);

create policy "Staff can remove their organisation's covers"
	on public.event_covers for delete to authenticated
	using (org_id in (select private.my_org_ids()));

create policy "Anyone can read organisation logos"
	on public.organisation_logos for select to anon, authenticated
	using (true);

create policy "Staff can give their organisation a logo"
	on public.organisation_logos for insert to authenticated
	with check (org_id in (select private.my_org_ids()));

create policy "Staff can change their organisation's logo"
	on public.organisation_logos for update to authenticated
	using (org_id in (select private.my_org_ids()))
	with check (org_id in (select private.my_org_ids()));

create policy "Staff can remove their organisation's logo"
	on public.organisation_logos for delete to authenticated
	using (org_id in (select private.my_org_ids()));

/*
 * Buckets. `covers` and `logos` are public (served without a token, and through the image
 * transform for srcset); `cards` holds the share cards and posters the server draws (written only
 * with the secret key, so no policy lets anyone else write there).
 */
insert into storage.buckets (id, name, public, file_size_limit, allowed_mime_types)
values
	('covers', 'covers', true, 5242880, array['image/jpeg', 'image/webp', 'image/png']),
	('logos', 'logos', true, 1048576, array['image/png']),
	('cards', 'cards', true, 5242880, array['image/png', 'application/pdf'])
on conflict (id) do update
set public = excluded.public,
	file_size_limit = excluded.file_size_limit,
	allowed_mime_types = excluded.allowed_mime_types;

-- Whether the first folder of an object's name is an organisation the caller works for.
create function private.in_my_org_folder(p_name text)
returns boolean
language sql
stable
security definer
set search_path = ''
as $$
	select (storage.foldername(p_name))[1] in (
		select m.org_id::text from public.org_members m where m.user_id = (select auth.uid())
	)
$$;
revoke all on function private.in_my_org_folder(text) from public;
grant execute on function private.in_my_org_folder(text) to anon, authenticated, service_role;

create policy "Staff can read pictures in their organisation's folder"
	on storage.objects for select to authenticated
	using (bucket_id in ('covers', 'logos') and private.in_my_org_folder(name));

create policy "Staff can upload pictures to their organisation's folder"
	on storage.objects for insert to authenticated
	with check (bucket_id in ('covers', 'logos') and private.in_my_org_folder(name));

create policy "Staff can replace pictures in their organisation's folder"
	on storage.objects for update to authenticated
	using (bucket_id in ('covers', 'logos') and private.in_my_org_folder(name))
	with check (bucket_id in ('covers', 'logos') and private.in_my_org_folder(name));

create policy "Staff can remove pictures from their organisation's folder"
	on storage.objects for delete to authenticated
	using (bucket_id in ('covers', 'logos') and private.in_my_org_folder(name));
