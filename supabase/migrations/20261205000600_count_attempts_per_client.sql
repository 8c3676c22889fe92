-- Limits on what an anonymous client can repeat (a one-time link tried, a certificate looked up),
-- kept in the database: per kind of attempt, per client address (as the app saw it) and per window,
-- so they hold however many app servers answer. Only the app's service role counts and reads them:
-- an API client could name any address.

create table private.client_attempts (
	kind text not null check (kind ~ '^[a-z][a-z_]{0,39}$'),
	client text not null check (char_length(client) between 1 and 64),
	window_start timestamptz not null,
	attempts integer not null default 1 check (attempts > 0),
	primary key (kind, client, window_start)
);

comment on table private.client_attempts is
	'Attempts per kind, client address and window (see count_client_attempt); rows older than a day are dropped as new windows start.';

create function private.attempt_window(p_window_seconds integer)
returns timestamptz
language sql
stable
set search_path = ''
as $$
	select to_timestamp(floor(extract(epoch from now()) / greatest(p_window_seconds, 1)) * greatest(p_window_seconds, 1));
$$;

/* Whether p_client has made fewer than p_limit attempts of p_kind in the current window. */
create function public.client_attempts_allowed(
	p_kind text,
	p_client text,
	p_limit integer,
	p_window_seconds integer default 600
)
returns boolean
language sql
stable
security definer
set search_path = ''
as $$
	select coalesce(
		(select a.attempts < p_limit
			from private.client_attempts a
			where a.kind = p_kind
				and a.client = left(coalesce(nullif(btrim(p_client), ''), 'unknown'), 64)
				and a.window_start = private.attempt_window(p_window_seconds)),
		p_limit > 0
	);
$$;

/* Counts one attempt of p_kind by p_client in the current window; answers the window's count. */
create function public.count_client_attempt(
	p_kind text,
	p_client text,
	p_window_seconds integer default 600
)
returns integer
language plpgsql
volatile
security definer
set search_path = ''
as $$
declare
	v_attempts integer;
begin
	insert into private.client_attempts as a (kind, client, window_start)
	values (p_kind, left(coalesce(nullif(btrim(p_client), ''), 'unknown'), 64),
		private.attempt_window(p_window_seconds))
	on conflict (kind, client, window_start) do update set attempts = a.attempts + 1
	returning a.attempts into v_attempts;
	if v_attempts = 1 then
		delete from private.client_attempts a where a.window_start < now() - interval '1 day';
	end if;
	return v_attempts;
end;
$$;

revoke all on table private.client_attempts from public, anon, authenticated;
revoke all on function private.attempt_window(integer) from public, anon, authenticated;
revoke all on function public.client_attempts_allowed(text, text, integer, integer) from public, anon, authenticated;
revoke all on function public.count_client_attempt(text, text, integer) from public, anon, authenticated;
grant execute on function public.client_attempts_allowed(text, text, integer, integer) to service_role;
grant execute on function public.count_client_attempt(text, text, integer) to service_role;
