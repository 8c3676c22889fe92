-- Email delivery: provider batches with stored idempotency keys, and the dispatcher's functions.
-- Additive to 20261129000600_create_email_outbox.sql.

/*
 * One request to the email provider: a batch of up to 100 emails without attachments, or a single
 * email (with an .ics or a QR image). The key is the provider's Idempotency-Key. It is stored, with
 * the rows it covers (email_outbox.batch_key), before the request is made, so a dispatcher that
 * crashes after the provider accepted the request repeats the same key and the same emails, and
 * the provider drops the duplicate. Only the dispatcher (service role) touches this table.
 */
create table public.email_batches (
	key text primary key check (char_length(key) between 1 and 256),
	mode text not null check (mode in ('batch', 'single')),
	worker text not null check (char_length(worker) <= 200),
	lease_until timestamptz not null,
	attempts integer not null default 1 check (attempts >= 0),
	failures integer not null default 0 check (failures >= 0),
	last_error text,
	created_at timestamptz not null default now(),
	finished_at timestamptz
);
create index email_batches_due_idx on public.email_batches (lease_until) where finished_at is null;
comment on column public.email_batches.lease_until is
	'The worker owns the batch until then; after it (a crash, or a scheduled retry) any worker may take it.';
comment on column public.email_batches.failures is
	'Failed attempts that count towards giving up (5xx, network errors; not 429s).';

alter table public.email_outbox
	add constraint email_outbox_batch_key_fkey
	foreign key (batch_key) references public.email_batches (key) on delete set null;
create index email_outbox_batch_key_idx on public.email_outbox (batch_key) where batch_key is not null;
create index email_outbox_failed_idx on public.email_outbox (event_id, created_at desc)
	where status = 'failed' or last_error is not null;

-- Reminders that must no longer go out (the registration or the event was cancelled, reminders
-- were turned off, the event has begun) end here instead of being sent.
alter type public.outbox_status add value if not exists 'skipped';

revoke all on table public.email_batches from public, anon, authenticated;
grant select, insert, update, delete on table public.email_batches to service_role;
alter table public.email_batches enable row level security;

-- Why a reminder must not be sent now, or null when it may.
create function private.reminder_stale_reason(p_registration_id uuid)
returns text
language sql
stable
security definer
set search_path = ''
as $$
	select case
		when r.id is null then 'registration_missing'
		when e.status <> 'published' then 'event_' || e.status::text
		when r.status <> 'confirmed' then 'registration_' || r.status::text
		when not f.reminders_enabled then 'reminders_disabled'
		when e.starts_at <= now() then 'event_started'
	end
	from (select p_registration_id as id) wanted
	left join public.registrations r on r.id = wanted.id
	left join public.events e on e.id = r.event_id
	left join public.families f on f.id = r.family_id
$$;

/*
 * Claims work for one dispatcher pass, as one JSON array of provider requests
 * [{key, mode, attempts, failures, emails: [{id, kind, to_email, locale, payload, created_at}]}]:
 * 1. batches whose lease ran out (a crashed worker, or a retry now due) — sent again unchanged,
 *    under their stored key;
 * 2. due pending rows, grouped now: kinds in p_single_kinds one per request, the rest in batches
 *    of p_batch_size; each group gets a new key stored with its rows before this returns.
 * Stale reminders are marked skipped. Rows and batches are locked with skip locked, so any number
 * of dispatchers may run at once and each email is in exactly one claimed request.
 */
create function public.claim_email_batch(
	p_limit integer,
	p_worker text,
	p_single_kinds text[] default array['registration_confirmed', 'waitlist_promoted', 'event_changed'],
	p_batch_size integer default 100,
	p_lease_seconds integer default 120,
	p_max_requests integer default 20
)
returns jsonb
language plpgsql
security definer
set search_path = ''
as $$
declare
	v_limit integer := least(greatest(coalesce(p_limit, 100), 1), 5000);
	v_size integer := least(greatest(coalesce(p_batch_size, 100), 1), 100);
	v_lease interval := make_interval(secs => greatest(coalesce(p_lease_seconds, 120), 1));
	v_max_requests integer := least(greatest(coalesce(p_max_requests, 20), 1), 1000);
	v_requests integer := 0;
	v_result jsonb := '[]'::jsonb;
	v_taken integer := 0;
	v_batch record;
begin
	if p_worker is null or char_length(p_worker) not between 1 and 200 then
		raise exception using errcode = 'P0001', message = 'invalid_worker';
	end if;

	-- 1. Batches to send again.
	for v_batch in
		select b.key from public.email_batches b
		where b.finished_at is null and b.lease_until <= now()
		order by b.lease_until, b.key
		limit v_max_requests
		for update skip locked
	loop
		update public.email_batches b
		set worker = p_worker, lease_until = now() + v_lease, attempts = b.attempts + 1
		where b.key = v_batch.key;
		update public.email_outbox o
		set status = 'sending', attempts = o.attempts + 1, next_attempt_at = now() + v_lease
		where o.batch_key = v_batch.key and o.status in ('pending', 'sending');
		if not found then
			update public.email_batches set finished_at = now() where key = v_batch.key;
			continue;
		end if;
		select v_result || jsonb_build_array(jsonb_build_object(
			'key', b.key, 'mode', b.mode, 'attempts', b.attempts, 'failures', b.failures,
			'emails', (
				select jsonb_agg(jsonb_build_object(
					'id', o.id, 'kind', o.kind, 'to_email', o.to_email, 'locale', o.locale,
					'payload', o.payload, 'created_at', o.created_at) order by o.id)
				from public.email_outbox o
				where o.batch_key = b.key and o.status = 'sending'
			)))
		into v_result
		from public.email_batches b where b.key = v_batch.key;
		v_taken := v_taken + (select count(*) from public.email_outbox o
			where o.batch_key = v_batch.key and o.status = 'sending');
		v_requests := v_requests + 1;
	end loop;

	if v_taken >= v_limit or v_requests >= v_max_requests then
		return v_result;
	end if;

	-- 2. New rows, in the order they became due, grouped into requests in one statement.
	with picked as (
		select o.id, o.kind, o.registration_id, o.next_attempt_at, o.created_at
		from public.email_outbox o
		where o.status in ('pending', 'sending') and o.batch_key is null and o.next_attempt_at <= now()
		order by o.next_attempt_at, o.created_at, o.id
		limit v_limit - v_taken
		for update of o skip locked
	),
	checked as materialized (
		select p.id, p.next_attempt_at, p.created_at,
			p.kind = any (coalesce(p_single_kinds, '{}')) as single,
			case when p.kind in ('reminder_24h', 'reminder_2h')
				then private.reminder_stale_reason(p.registration_id) end as stale
		from picked p
	),
	skipped as (
		update public.email_outbox o
		set status = 'skipped', last_error = 'skipped: ' || c.stale
		from checked c
		where o.id = c.id and c.stale is not null
	),
	numbered as materialized (
		select c.id, c.single,
			case when c.single then row_number() over w else (row_number() over w - 1) / v_size end as grp,
			c.next_attempt_at as due
		from checked c
		where c.stale is null
		window w as (partition by c.single order by c.next_attempt_at, c.created_at, c.id)
	),
	groups as materialized (
		select n.single, n.grp,
			case when n.single then 'gongyu-email-' else 'gongyu-batch-' end || gen_random_uuid()::text as key,
			-- The longest-waiting first: a confirmation does not queue behind a day's reminders.
			row_number() over (order by min(n.due), n.single desc, n.grp) as request_no
		from numbered n
		group by n.single, n.grp
	),
	-- Only as many requests as one lease can send: the rest stay pending for the next claim.
	chosen as materialized (
		select g.* from groups g where g.request_no <= v_max_requests - v_requests
	),
	new_batches as (
		insert into public.email_batches (key, mode, worker, lease_until)
		select c.key, case when c.single then 'single' else 'batch' end, p_worker, now() + v_lease
		from chosen c
	),
	claimed as (
		update public.email_outbox o
		set batch_key = c.key, status = 'sending', attempts = o.attempts + 1,
			next_attempt_at = now() + v_lease
		from numbered n
		join chosen c on c.single = n.single and c.grp = n.grp
		where o.id = n.id
		returning o.id, o.kind, o.to_email, o.locale, o.payload, o.created_at, c.key, c.single, c.request_no
	)
	select v_result || coalesce(jsonb_agg(r.request order by r.request_no), '[]'::jsonb)
	into v_result
	from (
		select cl.request_no, jsonb_build_object(
			'key', cl.key, 'mode', case when cl.single then 'single' else 'batch' end,
			'attempts', 1, 'failures', 0,
			'emails', jsonb_agg(jsonb_build_object(
				'id', cl.id, 'kind', cl.kind, 'to_email', cl.to_email, 'locale', cl.locale,
				'payload', cl.payload, 'created_at', cl.created_at) order by cl.id)
		) as request
		from claimed cl
		group by cl.key, cl.single, cl.request_no
	) r;
	return v_result;
end;
$$;

-- The provider accepted these emails: [{id, provider_id}]. Idempotent.
create function public.mark_emails_sent(p_batch_key text, p_results jsonb)
returns integer
language plpgsql
security definer
set search_path = ''
as $$
declare
	v_count integer;
begin
	update public.email_outbox o
	set status = 'sent', sent_at = coalesce(o.sent_at, now()), provider_id = r.provider_id,
		last_error = null, next_attempt_at = now()
	from jsonb_to_recordset(coalesce(p_results, '[]'::jsonb)) as r (id uuid, provider_id text)
	where o.id = r.id and o.batch_key = p_batch_key and o.status in ('pending', 'sending');
	get diagnostics v_count = row_count;
	perform private.finish_email_batch(p_batch_key);
	return v_count;
end;
$$;

/*
 * The provider refused these emails for good (or the dispatcher gave up): the reason is kept for
 * staff to read. p_ids null means every unsent email of the batch.
 */
create function public.mark_email_failed(p_batch_key text, p_error text, p_ids uuid[] default null)
returns integer
language plpgsql
security definer
set search_path = ''
as $$
declare
	v_count integer;
begin
	update public.email_outbox o
	set status = 'failed', last_error = left(coalesce(p_error, 'failed'), 1000), next_attempt_at = now()
	where o.batch_key = p_batch_key and o.status in ('pending', 'sending')
		and (p_ids is null or o.id = any (p_ids));
	get diagnostics v_count = row_count;
	update public.email_batches b set last_error = left(p_error, 1000) where b.key = p_batch_key;
	perform private.finish_email_batch(p_batch_key);
	return v_count;
end;
$$;

/*
 * Try this request again later under the same key: after a 429's retry-after, or after a 5xx or a
 * network error with back-off (p_count_failure). Only the worker holding the lease may do this.
 */
create function public.reschedule_emails(
	p_batch_key text,
	p_worker text,
	p_delay_ms integer,
	p_error text,
	p_count_failure boolean default true
)
returns boolean
language plpgsql
security definer
set search_path = ''
as $$
declare
	v_at timestamptz := now() + make_interval(secs => greatest(coalesce(p_delay_ms, 0), 0) / 1000.0);
begin
	update public.email_batches b
	set lease_until = v_at, last_error = left(p_error, 1000),
		failures = b.failures + case when p_count_failure then 1 else 0 end
	where b.key = p_batch_key and b.worker = p_worker and b.finished_at is null;
	if not found then
		return false;
	end if;
	update public.email_outbox o
	set status = 'pending', next_attempt_at = v_at, last_error = left(p_error, 1000)
	where o.batch_key = p_batch_key and o.status in ('pending', 'sending');
	return true;
end;
$$;

create function private.finish_email_batch(p_batch_key text)
returns void
language sql
security definer
set search_path = ''
as $$
	update public.email_batches b set finished_at = now()
	where b.key = p_batch_key and b.finished_at is null
		and not exists (
			select 1 from public.email_outbox o
			where o.batch_key = p_batch_key and o.status in ('pending', 'sending')
		)
$$;

/*
 * Staff: send a failed email again (a new request with a new key, rendered afresh), or a delayed
 * one now. Only for emails about the caller's organisation's events (or a district administrator).
 */
create function public.retry_email(p_id uuid)
returns text
language plpgsql
security definer
set search_path = ''
as $$
declare
	v_row public.email_outbox;
begin
	select * into v_row from public.email_outbox o where o.id = p_id for update;
	if not found or not (
		coalesce(v_row.event_id in (select private.my_event_ids()), false)
		or coalesce(private.is_district_admin(), false)
	) then
		raise exception using errcode = 'P0001', message = 'email_not_found';
	end if;
	if v_row.status = 'failed' then
		update public.email_outbox
		set status = 'pending', batch_key = null, attempts = 0, next_attempt_at = now()
		where id = p_id;
		return 'pending';
	elsif v_row.status in ('pending', 'sending') and v_row.batch_key is not null then
		update public.email_batches b set lease_until = now()
		where b.key = v_row.batch_key and b.finished_at is null and b.lease_until > now()
			and exists (
				select 1 from public.email_outbox o
				where o.batch_key = b.key and o.status = 'pending'
			);
		update public.email_outbox o set next_attempt_at = now()
		where o.batch_key = v_row.batch_key and o.status = 'pending';
		return 'pending';
	elsif v_row.status = 'pending' then
		update public.email_outbox set next_attempt_at = now() where id = p_id;
		return 'pending';
	end if;
	raise exception using errcode = 'P0001', message = 'email_not_retryable';
end;
$$;

revoke all on function public.claim_email_batch(integer, text, text[], integer, integer, integer),
	public.mark_emails_sent(text, jsonb), public.mark_email_failed(text, text, uuid[]),
	public.reschedule_emails(text, text, integer, text, boolean), public.retry_email(uuid)
	from public, anon, authenticated;
revoke all on function private.reminder_stale_reason(uuid), private.finish_email_batch(text)
	from public, anon, authenticated;
grant execute on function public.claim_email_batch(integer, text, text[], integer, integer, integer),
	public.mark_emails_sent(text, jsonb), public.mark_email_failed(text, text, uuid[]),
	public.reschedule_emails(text, text, integer, text, boolean)
	to service_role;
grant execute on function public.retry_email(uuid) to authenticated, service_role;
