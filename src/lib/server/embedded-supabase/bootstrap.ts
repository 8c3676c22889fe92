import { userWithSessionSql } from './auth/users';
import { storageSchemaSql } from './storage/schema';

/**
 * What a new Supabase project has before its first migration, for the embedded mode only:
 * the API roles, the `auth` and `storage` schemas with Supabase's column names, `auth.uid()`/`jwt()`/`role()` as
 * Supabase defines them, the extensions schema, default grants, and the CLI's migration tables.
 * Every statement is idempotent: it runs at each start, and roles are cluster-wide on a server.
 */
export const bootstrapSql = String.raw`
do $$
declare r text;
begin
	foreach r in array array['anon', 'authenticated', 'service_role', 'authenticator'] loop
		if not exists (select 1 from pg_roles where rolname = r) then
			begin
				execute format('create role %I nologin noinherit', r);
			exception when duplicate_object or unique_violation then null;
			end;
		end if;
	end loop;
end $$;
alter role service_role bypassrls;
grant anon, authenticated, service_role to authenticator;
do $$ begin
	execute format('grant anon, authenticated, service_role to %I', current_user);
exception when others then null;
end $$;

create schema if not exists extensions;
grant usage on schema extensions to anon, authenticated, service_role;
create extension if not exists btree_gist with schema extensions;
create extension if not exists pg_trgm with schema extensions;
create extension if not exists citext with schema extensions;
create extension if not exists pgcrypto with schema extensions;
do $$ begin
	execute format('alter database %I set search_path = "$user", public, extensions', current_database());
end $$;
set search_path = "$user", public, extensions;

-- Supabase's defaults: the API roles may use public, and RLS is what guards each table.
grant usage on schema public to anon, authenticated, service_role;
alter default privileges in schema public grant all on tables to anon, authenticated, service_role;
alter default privileges in schema public grant all on functions to anon, authenticated, service_role;
alter default privileges in schema public grant all on sequences to anon, authenticated, service_role;

create schema if not exists auth;
grant usage on schema auth to anon, authenticated, service_role;

create table if not exists auth.users (
	instance_id uuid,
	id uuid primary key,
	aud varchar(255),
	role varchar(255),
	email varchar(255),
	encrypted_password varchar(255),
	email_confirmed_at timestamptz,
	invited_at timestamptz,
	confirmation_token varchar(255),
	confirmation_sent_at timestamptz,
	recovery_token varchar(255),
	recovery_sent_at timestamptz,
	email_change_token_new varchar(255),
	email_change varchar(255),
	email_change_sent_at timestamptz,
	last_sign_in_at timestamptz,
	raw_app_meta_data jsonb,
	raw_user_meta_data jsonb,
	is_super_admin boolean,
	created_at timestamptz,
	updated_at timestamptz,
	phone text unique default null,
	phone_confirmed_at timestamptz,
	phone_change text default '',
	phone_change_token varchar(255) default '',
	phone_change_sent_at timestamptz,
	confirmed_at timestamptz generated always as (least(email_confirmed_at, phone_confirmed_at)) stored,
	email_change_token_current varchar(255) default '',
	email_change_confirm_status smallint default 0,
	banned_until timestamptz,
	reauthentication_token varchar(255) default '',
	reauthentication_sent_at timestamptz,
	is_sso_user boolean not null default false,
	deleted_at timestamptz,
	is_anonymous boolean not null default false
);
create unique index if not exists users_email_partial_key on auth.users (email) where (is_sso_user = false);
comment on table auth.users is 'Auth: stores user login data within a secure schema.';

create table if not exists auth.identities (
	provider_id text not null,
	user_id uuid not null references auth.users (id) on delete cascade,
	identity_data jsonb not null,
	provider text not null,
	last_sign_in_at timestamptz,
	created_at timestamptz,
	updated_at timestamptz,
	email text generated always as (lower(identity_data ->> 'email')) stored,
	id uuid primary key default gen_random_uuid(),
	unique (provider_id, provider)
);

create table if not exists auth.sessions (
	id uuid primary key,
	user_id uuid not null references auth.users (id) on delete cascade,
	created_at timestamptz,
	updated_at timestamptz,
	factor_id uuid,
	aal text,
	not_after timestamptz,
	refreshed_at timestamp,
	user_agent text,
	ip inet,
	tag text
);
create index if not exists sessions_user_id_idx on auth.sessions (user_id);

create table if not exists auth.refresh_tokens (
	instance_id uuid,
	id bigserial primary key,
	token varchar(255) unique,
	user_id varchar(255),
	revoked boolean,
	created_at timestamptz,
	updated_at timestamptz,
	parent varchar(255),
	session_id uuid references auth.sessions (id) on delete cascade
);
create index if not exists refresh_tokens_session_id_revoked_idx on auth.refresh_tokens (session_id, revoked);
create index if not exists refresh_tokens_parent_idx on auth.refresh_tokens (parent);

-- How each session was authenticated (the access token's amr claim), as GoTrue keeps it.
create table if not exists auth.mfa_amr_claims (
	session_id uuid not null references auth.sessions (id) on delete cascade,
	created_at timestamptz not null,
	updated_at timestamptz not null,
	authentication_method text not null,
	id uuid not null,
	constraint amr_id_pk primary key (id),
	constraint mfa_amr_claims_session_id_authentication_method_pkey unique (session_id, authentication_method)
);

-- Multi-factor authentication (TOTP), with GoTrue's tables and column names.
do $$ begin
	create type auth.factor_type as enum ('totp', 'webauthn', 'phone');
exception when duplicate_object then null;
end $$;
do $$ begin
	create type auth.factor_status as enum ('unverified', 'verified');
exception when duplicate_object then null;
end $$;
create table if not exists auth.mfa_factors (
	id uuid primary key,
	user_id uuid not null references auth.users (id) on delete cascade,
	friendly_name text,
	factor_type auth.factor_type not null,
	status auth.factor_status not null,
	created_at timestamptz not null,
	updated_at timestamptz not null,
	secret text,
	phone text,
	last_challenged_at timestamptz unique,
	web_authn_credential jsonb,
	web_authn_aaguid uuid
);
create unique index if not exists mfa_factors_user_friendly_name_unique
	on auth.mfa_factors (friendly_name, user_id) where trim(friendly_name) <> '';
create index if not exists mfa_factors_user_id_idx on auth.mfa_factors (user_id);
create table if not exists auth.mfa_challenges (
	id uuid primary key,
	factor_id uuid not null references auth.mfa_factors (id) on delete cascade,
	created_at timestamptz not null,
	verified_at timestamptz,
	ip_address inet,
	otp_code text,
	web_authn_session_data jsonb
);
create index if not exists mfa_challenge_created_at_idx on auth.mfa_challenges (created_at desc);

-- Passkeys (GoTrue's webauthn_credentials): a discoverable credential a user signs in with, no
-- password or email needed. WebAuthn factors keep theirs on auth.mfa_factors instead.
create table if not exists auth.webauthn_credentials (
	id uuid not null default gen_random_uuid() primary key,
	user_id uuid not null references auth.users (id) on delete cascade,
	credential_id bytea not null,
	public_key bytea not null,
	attestation_type text not null default '',
	aaguid uuid,
	sign_count bigint not null default 0,
	transports jsonb not null default '[]'::jsonb,
	backup_eligible boolean not null default false,
	backed_up boolean not null default false,
	friendly_name text not null default '',
	created_at timestamptz not null default now(),
	updated_at timestamptz not null default now(),
	last_used_at timestamptz
);
create unique index if not exists webauthn_credentials_credential_id_key
	on auth.webauthn_credentials (credential_id);
create index if not exists webauthn_credentials_user_id_idx on auth.webauthn_credentials (user_id);
-- A registration or sign-in ceremony in progress: the challenge the authenticator must sign,
-- used once (deleted when answered) and swept once expired.
create table if not exists auth.webauthn_challenges (
	id uuid not null default gen_random_uuid() primary key,
	user_id uuid references auth.users (id) on delete cascade,
	challenge_type text not null check (challenge_type in ('signup', 'registration', 'authentication')),
	session_data jsonb not null,
	created_at timestamptz not null default now(),
	expires_at timestamptz not null
);
create index if not exists webauthn_challenges_user_id_idx on auth.webauthn_challenges (user_id);
create index if not exists webauthn_challenges_expires_at_idx on auth.webauthn_challenges (expires_at);

-- The OAuth 2.1 server's registered clients (GoTrue's oauth_clients): apps that may ask a user to
-- let them act for her. Only a hash of a confidential client's secret is kept; deletion is soft.
do $$ begin
	create type auth.oauth_registration_type as enum ('dynamic', 'manual');
exception when duplicate_object then null;
end $$;
do $$ begin
	create type auth.oauth_client_type as enum ('public', 'confidential');
exception when duplicate_object then null;
end $$;
create table if not exists auth.oauth_clients (
	id uuid not null primary key,
	client_secret_hash text,
	registration_type auth.oauth_registration_type not null,
	redirect_uris text not null,
	grant_types text not null,
	client_name text check (char_length(client_name) <= 1024),
	client_uri text check (char_length(client_uri) <= 2048),
	logo_uri text check (char_length(logo_uri) <= 2048),
	created_at timestamptz not null default now(),
	updated_at timestamptz not null default now(),
	deleted_at timestamptz,
	client_type auth.oauth_client_type not null default 'confidential',
	token_endpoint_auth_method text not null
);
create index if not exists oauth_clients_deleted_at_idx on auth.oauth_clients (deleted_at);

do $$ begin
	create type auth.one_time_token_type as enum (
		'confirmation_token', 'reauthentication_token', 'recovery_token',
		'email_change_token_new', 'email_change_token_current', 'phone_change_token'
	);
exception when duplicate_object then null;
end $$;
create table if not exists auth.one_time_tokens (
	id uuid primary key,
	user_id uuid not null references auth.users (id) on delete cascade,
	token_type auth.one_time_token_type not null,
	token_hash text not null check (char_length(token_hash) > 0),
	relates_to text not null,
	created_at timestamp not null default now(),
	updated_at timestamp not null default now(),
	unique (user_id, token_type)
);
create index if not exists one_time_tokens_token_hash_idx on auth.one_time_tokens using hash (token_hash);

do $$ begin
	create type auth.code_challenge_method as enum ('s256', 'plain');
exception when duplicate_object then null;
end $$;
create table if not exists auth.flow_state (
	id uuid primary key,
	user_id uuid,
	auth_code text not null,
	code_challenge_method auth.code_challenge_method not null,
	code_challenge text not null,
	provider_type text not null,
	provider_access_token text,
	provider_refresh_token text,
	created_at timestamptz,
	updated_at timestamptz,
	authentication_method text not null,
	auth_code_issued_at timestamptz
);
create index if not exists flow_state_auth_code_idx on auth.flow_state (auth_code);

-- Embedded only (hosted Supabase keeps these outside the database). Hits per rule, key and fixed
-- window, so that every app process on one database counts together; keys are hashes, never an
-- address in the clear. Wrong tries at a one-time code are counted here too (rule 'code_attempts',
-- keyed by the token's id).
create table if not exists auth.rate_limits (
	rule text not null,
	key text not null,
	window_start timestamptz not null,
	expires_at timestamptz not null,
	hits integer not null,
	primary key (rule, key, window_start)
);
create index if not exists rate_limits_expires_at_idx on auth.rate_limits (expires_at);
-- Users whose password was set by a sign-up before anyone proved the address: proving it (a code
-- or a link) clears that password and ends every other session — unless the proof is the
-- sign-up's own confirmation (token_hash), which the holder of the inbox chose to confirm.
create table if not exists auth.unproven_passwords (
	user_id uuid primary key references auth.users (id) on delete cascade,
	token_hash text,
	created_at timestamptz not null default now()
);

create or replace function auth.uid() returns uuid language sql stable as $fn$
	select coalesce(
		nullif(current_setting('request.jwt.claim.sub', true), ''),
		(nullif(current_setting('request.jwt.claims', true), '')::jsonb ->> 'sub')
	)::uuid
$fn$;
create or replace function auth.role() returns text language sql stable as $fn$
	select coalesce(
		nullif(current_setting('request.jwt.claim.role', true), ''),
		(nullif(current_setting('request.jwt.claims', true), '')::jsonb ->> 'role')
	)::text
$fn$;
create or replace function auth.email() returns text language sql stable as $fn$
	select coalesce(
		nullif(current_setting('request.jwt.claim.email', true), ''),
		(nullif(current_setting('request.jwt.claims', true), '')::jsonb ->> 'email')
	)::text
$fn$;
create or replace function auth.jwt() returns jsonb language sql stable as $fn$
	select coalesce(
		nullif(current_setting('request.jwt.claim', true), ''),
		nullif(current_setting('request.jwt.claims', true), '')
	)::jsonb
$fn$;
grant execute on function auth.uid(), auth.role(), auth.email(), auth.jwt()
	to anon, authenticated, service_role;
${userWithSessionSql}
create schema if not exists supabase_migrations;
create table if not exists supabase_migrations.schema_migrations (
	version text primary key,
	statements text[],
	name text
);
create table if not exists supabase_migrations.seed_files (
	path text primary key,
	hash text not null
);
${storageSchemaSql}
`;
