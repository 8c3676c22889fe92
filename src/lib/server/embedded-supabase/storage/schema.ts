/**
 * The `storage` schema as a Supabase project has it before its first migration: `storage.buckets`
 * and `storage.objects` with Supabase Storage's column names, its path helpers, row-level security
 * switched on with no policies (so nobody but service_role may do anything until the project's
 * migrations say so) and the API roles' grants. Part of the embedded bootstrap, never of the
 * project's migrations: on a real Supabase project this schema exists already. Idempotent.
 */
export const storageSchemaSql = String.raw`
create schema if not exists storage;
grant usage on schema storage to anon, authenticated, service_role;

create table if not exists storage.buckets (
	id text primary key,
	name text not null,
	owner uuid,
	created_at timestamptz default now(),
	updated_at timestamptz default now(),
	public boolean default false,
	avif_autodetection boolean default false,
	file_size_limit bigint,
	allowed_mime_types text[],
	owner_id text
);
create unique index if not exists bname on storage.buckets using btree (name);
comment on table storage.buckets is 'Storage: buckets of files, public or private, with their size and type limits.';

create table if not exists storage.objects (
	id uuid primary key default gen_random_uuid(),
	bucket_id text references storage.buckets (id),
	name text,
	owner uuid,
	created_at timestamptz default now(),
	updated_at timestamptz default now(),
	last_accessed_at timestamptz default now(),
	metadata jsonb,
	path_tokens text[] generated always as (string_to_array(name, '/')) stored,
	version text,
	owner_id text,
	user_metadata jsonb
);
create unique index if not exists bucketid_objname on storage.objects using btree (bucket_id, name);
create index if not exists name_prefix_search on storage.objects using btree (name text_pattern_ops);
comment on table storage.objects is 'Storage: one row per stored file; its bytes live outside the database, named by version.';

alter table storage.buckets enable row level security;
alter table storage.objects enable row level security;
grant all on storage.buckets, storage.objects to anon, authenticated, service_role;

create or replace function storage.foldername(name text) returns text[]
language plpgsql immutable as $fn$
declare _parts text[];
begin
	select string_to_array(name, '/') into _parts;
	return _parts[1 : array_length(_parts, 1) - 1];
end
$fn$;

create or replace function storage.filename(name text) returns text
language plpgsql immutable as $fn$
declare _parts text[];
begin
	select string_to_array(name, '/') into _parts;
	return _parts[array_length(_parts, 1)];
end
$fn$;

create or replace function storage.extension(name text) returns text
language plpgsql immutable as $fn$
declare
	_parts text[];
	_filename text;
begin
	select string_to_array(name, '/') into _parts;
	select _parts[array_length(_parts, 1)] into _filename;
	return reverse(split_part(reverse(_filename), '.', 1));
end
$fn$;
grant execute on function storage.foldername(text), storage.filename(text), storage.extension(text)
	to anon, authenticated, service_role;
`;
