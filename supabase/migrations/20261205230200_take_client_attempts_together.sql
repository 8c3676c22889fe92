-- The sign-in form's limits on one-time codes, in private.client_attempts with the other limits,
-- so every app server counts against the same allowance: several counts (per client address, per
-- email address from that client, per email address from all clients) taken together or not at
-- all, and a client's wrong-code count forgotten when its code was right.

/*
 * Counts one attempt for every (p_kinds[i], p_clients[i]) in the current window of
 * p_window_seconds when each is below p_limits[i]; otherwise counts nothing. Answers 0 when
 * counted, else the seconds until the window ends. Each pair is held by a transaction-scoped
 * advisory lock, taken in one order, so concurrent callers neither overshoot a limit nor deadlock
 * (and a transaction-mode pooler keeps nothing past the call).
 */
create function public.take_client_attempts(
	p_kinds text[],
	p_clients text[],
	p_limits integer[],
	p_window_seconds integer
)
returns integer
language plpgsql
volatile
security definer
set search_path = ''
as $$
declare
	v_window timestamptz := private.attempt_window(p_window_seconds);
	v_lock record;
	v_refused boolean;
	v_new boolean;
begin
	if cardinality(p_kinds) is distinct from cardinality(p_clients)
		or cardinality(p_kinds) is distinct from cardinality(p_limits)
		or coalesce(cardinality(p_kinds), 0) = 0 then
		raise exception 'take_client_attempts: one client and one limit per kind'
			using errcode = '22023';
	end if;
	for v_lock in
		select distinct hashtext('client_attempts:' || k) as a, hashtext(left(coalesce(nullif(btrim(c), ''), 'unknown'), 64)) as b
		from unnest(p_kinds, p_clients) as t(k, c)
		order by 1, 2
	loop
		perform pg_advisory_xact_lock(v_lock.a, v_lock.b);
	end loop;

	select bool_or(t.l < 1 or coalesce(a.attempts, 0) >= t.l)
	into v_refused
	from unnest(p_kinds, p_clients, p_limits) as t(k, c, l)
	left join private.client_attempts a
		on a.kind = t.k
		and a.client = left(coalesce(nullif(btrim(t.c), ''), 'unknown'), 64)
		and a.window_start = v_window;
	if v_refused then
		return greatest(1, ceil(extract(epoch from
			v_window + make_interval(secs => greatest(p_window_seconds, 1)) - now()))::integer);
	end if;

	with counted as (
		insert into private.client_attempts as a (kind, client, window_start)
		select distinct k, left(coalesce(nullif(btrim(c), ''), 'unknown'), 64), v_window
		from unnest(p_kinds, p_clients) as t(k, c)
		on conflict (kind, client, window_start) do update set attempts = a.attempts + 1
		returning a.attempts
	)
	select bool_or(attempts = 1) into v_new from counted;
	if v_new then
		delete from private.client_attempts a where a.window_start < now() - interval '1 day';
	end if;
	return 0;
end;
$$;

/* Forgets p_client's attempts of p_kind in the current window (a right code after wrong ones). */
create function public.forget_client_attempts(
	p_kind text,
	p_client text,
	p_window_seconds integer
)
returns void
language sql
volatile
security definer
set search_path = ''
as $$
	delete from private.client_attempts a
	where a.kind = p_kind
		and a.client = left(coalesce(nullif(btrim(p_client), ''), 'unknown'), 64)
		and a.window_start = private.attempt_window(p_window_seconds);
$$;

revoke all on function public.take_client_attempts(text[], text[], integer[], integer) from public, anon, authenticated;
revoke all on function public.forget_client_attempts(text, text, integer) from public, anon, authenticated;
grant execute on function public.take_client_attempts(text[], text[], integer[], integer) to service_role;
grant execute on function public.forget_client_attempts(text, text, integer) to service_role;
