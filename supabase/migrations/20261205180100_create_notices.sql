-- Notices (通知) from an organisation to families, with a receipt (回执) when staff ask for one,
-- and the one-time links families answer them with from an email, without signing in.

create type public.receipt_kind as enum ('none', 'received', 'choice');

/*
 * A notice from an organisation's staff to families: those registered for one event (event_id), or
 * all that attended the organisation's events in a period (attended_from–attended_to, Beijing
 * dates). receipt_kind: none (read only), received (一键“已收到”), choice (one of 2–4 options,
 * e.g. 参加 / 不参加, under an optional short question). Written only by send_notice.
 */
create table public.notices (
	id uuid primary key default gen_random_uuid(),
	org_id uuid not null references public.organisations (id) on delete cascade,
	event_id uuid references public.events (id) on delete cascade,
	attended_from date,
	attended_to date,
	subject text not null check (char_length(btrim(subject)) between 1 and 120),
	body text not null check (char_length(btrim(body)) between 1 and 5000),
	receipt_kind public.receipt_kind not null default 'none',
	question text check (question is null or char_length(btrim(question)) between 1 and 200),
	options text[] not null default '{}',
	recipients integer not null default 0 check (recipients >= 0),
	reminders_sent integer not null default 0 check (reminders_sent >= 0),
	last_reminded_at timestamptz,
	sent_by uuid references auth.users (id) on delete set null,
	created_at timestamptz not null default now(),
	constraint notices_one_audience
		check ((event_id is null) = (attended_from is not null and attended_to is not null)),
	constraint notices_period_in_order check (attended_from is null or attended_from <= attended_to),
	constraint notices_choice_has_options
		check ((receipt_kind = 'choice') = (cardinality(options) between 2 and 4)),
	constraint notices_options_only_for_choice check (receipt_kind = 'choice' or options = '{}')
);
create index notices_org_id_idx on public.notices (org_id, created_at desc);
create index notices_event_id_idx on public.notices (event_id) where event_id is not null;
comment on column public.notices.subject is
	'The staff member''s heading: shown inside the email and on the site.';
comment on column public.notices.options is 'The choices of a choice receipt, in the order shown.';

/*
 * One family a notice went to, and its receipt: answer is 'received' or one of the notice's
 * options; read_at is when the family first answered or opened the notice on the site. One row
 * per family and notice, so one receipt per family per notice.
 */
create table public.notice_recipients (
	id uuid primary key default gen_random_uuid(),
	notice_id uuid not null references public.notices (id) on delete cascade,
	family_id uuid not null references public.families (id) on delete cascade,
	answer text check (answer is null or char_length(answer) between 1 and 40),
	answered_at timestamptz,
	answered_via text check (answered_via in ('email', 'site')),
	read_at timestamptz,
	reminded integer not null default 0 check (reminded >= 0),
	created_at timestamptz not null default now(),
	unique (notice_id, family_id),
	constraint notice_recipients_answer_complete
		check ((answer is null) = (answered_at is null) and (answer is null) = (answered_via is null))
);
create index notice_recipients_family_id_idx on public.notice_recipients (family_id);
create index notice_recipients_unanswered_idx on public.notice_recipients (notice_id)
	where answered_at is null;

/*
 * One-time links in emails that answer without signing in: a notice's receipt, or an event's
 * feedback. Only the SHA-256 of the token is kept; the token itself is in the email alone. Each
 * is bound to one notice recipient (one family, one notice) or one registration, and is spent by
 * the first answer (every link of that recipient or registration is spent with it). Nobody reads
 * this table but the functions below.
 */
create table public.answer_tokens (
	token_hash bytea primary key check (octet_length(token_hash) = 32),
	notice_recipient_id uuid references public.notice_recipients (id) on delete cascade,
	registration_id uuid references public.registrations (id) on delete cascade,
	created_at timestamptz not null default now(),
	expires_at timestamptz not null,
	used_at timestamptz,
	constraint answer_tokens_bound_once check (num_nonnulls(notice_recipient_id, registration_id) = 1)
);
create index answer_tokens_notice_recipient_id_idx on public.answer_tokens (notice_recipient_id)
	where notice_recipient_id is not null;
create index answer_tokens_registration_id_idx on public.answer_tokens (registration_id)
	where registration_id is not null;

revoke all on table public.notices, public.notice_recipients, public.answer_tokens
	from anon, authenticated;
grant select on table public.notices, public.notice_recipients to authenticated;
alter table public.notices enable row level security;
alter table public.notice_recipients enable row level security;
alter table public.answer_tokens enable row level security;

-- Notices of the caller's organisations (helpers outside RLS, so the two policies below do not
-- call each other).
create function private.my_org_notice_ids()
returns setof uuid
language sql
stable
security definer
set search_path = ''
as $$
	select n.id from public.notices n where n.org_id in (select private.my_org_ids())
$$;

create function private.my_family_notice_ids()
returns setof uuid
language sql
stable
security definer
set search_path = ''
as $$
	select r.notice_id from public.notice_recipients r where r.family_id = private.my_family_id()
$$;

grant execute on function private.my_org_notice_ids(), private.my_family_notice_ids()
	to authenticated;

create policy "Staff can read their organisation's notices"
	on public.notices for select to authenticated
	using (org_id in (select private.my_org_ids()) or (select private.is_district_admin()));

create policy "Families can read the notices sent to them"
	on public.notices for select to authenticated
	using (id in (select private.my_family_notice_ids()));

create policy "Staff can read who answered their organisation's notices"
	on public.notice_recipients for select to authenticated
	using (notice_id in (select private.my_org_notice_ids()) or (select private.is_district_admin()));

create policy "Families can read their own receipts"
	on public.notice_recipients for select to authenticated
	using (family_id = (select private.my_family_id()));

-- A new one-time token: 32 random bytes (two v4 UUIDs' worth of randomness, 244 bits) as 43
-- URL-safe characters. The caller stores private.token_hash() of it, never the token.
create function private.new_token()
returns text
language sql
volatile
set search_path = ''
as $$
	select translate(encode(decode(
		replace(gen_random_uuid()::text, '-', '') || replace(gen_random_uuid()::text, '-', ''), 'hex'),
		'base64'), '+/=', '-_')
$$;

create function private.token_hash(p_token text)
returns bytea
language sql
immutable
set search_path = ''
as $$
	select sha256(convert_to(p_token, 'UTF8'))
$$;

-- The live token row a link carries (unknown, malformed or expired: null). take_ locks it.
create function private.find_answer_token(p_token text)
returns public.answer_tokens
language sql
stable
security definer
set search_path = ''
as $$
	select t.* from public.answer_tokens t
	where p_token ~ '^[A-Za-z0-9_-]{43}$' and t.token_hash = private.token_hash(p_token)
		and t.expires_at > now()
$$;

create function private.take_answer_token(p_token text)
returns public.answer_tokens
language sql
security definer
set search_path = ''
as $$
	select t.* from public.answer_tokens t
	where t.token_hash = (private.find_answer_token(p_token)).token_hash
	for update
$$;

-- What a notice email carries about the notice itself.
create function private.notice_payload(p_notice public.notices)
returns jsonb
language sql
stable
security definer
set search_path = ''
as $$
	select jsonb_build_object(
		'id', p_notice.id,
		'subject', p_notice.subject,
		'body', p_notice.body,
		'receipt_kind', p_notice.receipt_kind,
		'question', p_notice.question,
		'options', to_jsonb(p_notice.options),
		'organisation_zh', o.name_zh,
		'organisation_en', o.name_en,
		'organisation_phone', o.contact_phone
	)
	from public.organisations o where o.id = p_notice.org_id
$$;

/*
 * Queues one email per recipient of p_notice who has not answered yet (all of them for the notice
 * itself), each with a new one-time link. kind: 'notice' or 'notice_reminder'. The outbox rows
 * name no event: staff read email_outbox rows of their events, and these carry answer links.
 * Returns how many emails were queued.
 */
create function private.queue_notice_emails(p_notice public.notices, p_kind text, p_round integer)
returns integer
language plpgsql
security definer
set search_path = ''
as $$
declare
	v_count integer;
	v_base jsonb := jsonb_build_object(
		'notice', private.notice_payload(p_notice),
		'event', case when p_notice.event_id is not null then private.event_payload(p_notice.event_id) end,
		'reminder', p_kind = 'notice_reminder');
begin
	with due as materialized (
		select r.id, f.id as family_id, f.email, f.locale, f.guardian_name, private.new_token() as token
		from public.notice_recipients r
		join public.families f on f.id = r.family_id
		where r.notice_id = p_notice.id and r.answered_at is null
	),
	tokens as (
		insert into public.answer_tokens (token_hash, notice_recipient_id, expires_at)
		select private.token_hash(d.token), d.id, now() + interval '60 days' from due d
	),
	queued as (
		insert into public.email_outbox (kind, to_email, locale, payload, idempotency_key)
		select p_kind, d.email, d.locale,
			v_base || jsonb_build_object('guardian_name', d.guardian_name, 'token', d.token,
				'family_id', d.family_id),
			p_kind || ':' || p_notice.id || ':' || p_round || ':' || d.id
		from due d
		on conflict (idempotency_key) do nothing
		returning 1
	)
	select count(*) into v_count from queued;
	return v_count;
end;
$$;

/*
 * Sends a notice: to the families registered (confirmed or checked in) for p_event_id, or, with
 * p_org_id and a period, to every family checked in at the organisation's events in that period.
 * A family that turned reminders off still gets a notice that asks for a receipt about an event
 * it registered for; otherwise it is left out. One email per family (kind notice), in this
 * transaction. Returns {notice_id, queued}. At most 10 notices per organisation a day.
 * Fails: event_not_found, not_authorised, invalid_notice, invalid_period, invalid_options,
 * no_recipients, too_many_notices.
 */
create function public.send_notice(
	p_subject text,
	p_body text,
	p_receipt_kind public.receipt_kind default 'none',
	p_options text[] default '{}',
	p_question text default null,
	p_event_id uuid default null,
	p_org_id uuid default null,
	p_attended_from date default null,
	p_attended_to date default null
)
returns jsonb
language plpgsql
security definer
set search_path = ''
as $$
declare
	v_org uuid := p_org_id;
	v_kind public.receipt_kind := coalesce(p_receipt_kind, 'none');
	v_options text[];
	v_notice public.notices;
	v_queued integer;
begin
	if p_event_id is not null then
		select e.org_id into v_org from public.events e where e.id = p_event_id;
		if v_org is null then
			perform private.fail('event_not_found');
		end if;
	elsif v_org is null or p_attended_from is null or p_attended_to is null
		or p_attended_from > p_attended_to or p_attended_to - p_attended_from > 366 then
		perform private.fail('invalid_period', 'A period of at most a year, first day first.');
	end if;
	if not private.is_org_member(v_org) then
		perform private.fail('not_authorised');
	end if;
	if p_subject is null or char_length(btrim(p_subject)) not between 1 and 120
		or p_body is null or char_length(btrim(p_body)) not between 1 and 5000
		or (p_question is not null and char_length(btrim(p_question)) > 200) then
		perform private.fail('invalid_notice', 'A heading of 1–120 and a text of 1–5000 characters.');
	end if;
	select coalesce(array_agg(o order by n), '{}') into v_options
	from (
		select btrim(o) as o, min(n) as n
		from unnest(coalesce(p_options, '{}')) with ordinality as x(o, n)
		where btrim(o) <> ''
		group by btrim(o)
	) opts;
	if v_kind <> 'choice' then
		v_options := '{}';
	elsif cardinality(v_options) not between 2 and 4
		or exists (select 1 from unnest(v_options) o where char_length(o) > 40) then
		perform private.fail('invalid_options', 'Two to four different choices of at most 40 characters.');
	end if;
	if (select count(*) from public.notices n
			where n.org_id = v_org and n.created_at > now() - interval '1 day') >= 10 then
		perform private.fail('too_many_notices', 'At most 10 notices per organisation a day.');
	end if;

	insert into public.notices (org_id, event_id, attended_from, attended_to, subject, body,
		receipt_kind, question, options, sent_by)
	values (v_org, p_event_id, case when p_event_id is null then p_attended_from end,
		case when p_event_id is null then p_attended_to end, btrim(p_subject), btrim(p_body), v_kind,
		case when v_kind = 'choice' then nullif(btrim(p_question), '') end, v_options, auth.uid())
	returning * into v_notice;

	if p_event_id is not null then
		insert into public.notice_recipients (notice_id, family_id)
		select distinct v_notice.id, r.family_id
		from public.registrations r
		join public.families f on f.id = r.family_id
		where r.event_id = p_event_id and r.status in ('confirmed', 'attended')
			and (f.reminders_enabled or v_kind <> 'none');
	else
		insert into public.notice_recipients (notice_id, family_id)
		select distinct v_notice.id, r.family_id
		from public.events e
		join public.registrations r on r.event_id = e.id and r.status = 'attended'
		join public.families f on f.id = r.family_id
		where e.org_id = v_org and f.reminders_enabled
			and (e.starts_at at time zone 'Asia/Shanghai')::date between p_attended_from and p_attended_to;
	end if;
	if not found then
		perform private.fail('no_recipients');
	end if;

	v_queued := private.queue_notice_emails(v_notice, 'notice', 0);
	update public.notices n set recipients = v_queued where n.id = v_notice.id;
	return jsonb_build_object('notice_id', v_notice.id, 'queued', v_queued);
end;
$$;

/*
 * Reminds the families that have not answered a notice's receipt: one email each (kind
 * notice_reminder) with a new link, at most 3 rounds per notice and one an hour. The notice row
 * is locked, so two staff pressing at once queue one round. Returns {queued, round}.
 * Fails: notice_not_found, not_authorised, no_receipt_asked, reminder_too_soon,
 * too_many_reminders, everyone_answered.
 */
create function public.remind_notice(p_notice_id uuid)
returns jsonb
language plpgsql
security definer
set search_path = ''
as $$
declare
	v_notice public.notices;
	v_round integer;
	v_queued integer;
begin
	select n.* into v_notice from public.notices n where n.id = p_notice_id for update;
	if not found then
		perform private.fail('notice_not_found');
	end if;
	if not private.is_org_member(v_notice.org_id) then
		perform private.fail('not_authorised');
	end if;
	if v_notice.receipt_kind = 'none' then
		perform private.fail('no_receipt_asked');
	end if;
	if v_notice.reminders_sent >= 3 then
		perform private.fail('too_many_reminders', 'At most 3 reminders per notice.');
	end if;
	if v_notice.last_reminded_at > now() - interval '1 hour' then
		perform private.fail('reminder_too_soon', 'One reminder an hour.');
	end if;
	if not exists (select 1 from public.notice_recipients r
			where r.notice_id = p_notice_id and r.answered_at is null) then
		perform private.fail('everyone_answered');
	end if;
	v_round := v_notice.reminders_sent + 1;
	v_queued := private.queue_notice_emails(v_notice, 'notice_reminder', v_round);
	update public.notice_recipients r set reminded = r.reminded + 1
	where r.notice_id = p_notice_id and r.answered_at is null;
	update public.notices n set reminders_sent = v_round, last_reminded_at = now()
	where n.id = p_notice_id;
	return jsonb_build_object('queued', v_queued, 'round', v_round);
end;
$$;

-- Records a family's answer (the recipient row is locked by the caller). Fails: already_answered,
-- invalid_answer. A notice without a receipt takes 'read' (marks it read) and nothing else.
create function private.record_notice_answer(p_recipient_id uuid, p_answer text, p_via text)
returns jsonb
language plpgsql
security definer
set search_path = ''
as $$
declare
	v_recipient public.notice_recipients;
	v_notice public.notices;
	v_answer text := btrim(coalesce(p_answer, ''));
begin
	select r.* into v_recipient from public.notice_recipients r where r.id = p_recipient_id for update;
	select n.* into v_notice from public.notices n where n.id = v_recipient.notice_id;
	if v_notice.receipt_kind = 'none' then
		if v_answer <> 'read' then
			perform private.fail('invalid_answer');
		end if;
		update public.notice_recipients r set read_at = coalesce(r.read_at, now())
		where r.id = p_recipient_id;
		return jsonb_build_object('notice_id', v_notice.id, 'answer', null);
	end if;
	if v_recipient.answered_at is not null then
		perform private.fail('already_answered');
	end if;
	if (v_notice.receipt_kind = 'received' and v_answer <> 'received')
		or (v_notice.receipt_kind = 'choice' and not v_answer = any (v_notice.options)) then
		perform private.fail('invalid_answer');
	end if;
	update public.notice_recipients r
	set answer = v_answer, answered_at = now(), answered_via = p_via,
		read_at = coalesce(r.read_at, now())
	where r.id = p_recipient_id;
	update public.answer_tokens t set used_at = now()
	where t.notice_recipient_id = p_recipient_id and t.used_at is null;
	return jsonb_build_object('notice_id', v_notice.id, 'answer', v_answer);
end;
$$;

/*
 * What the page behind a notice email's link shows (anyone holding the link; nothing changes):
 * {state: open | answered | used, notice: {...}, event: {...} | null, answer}. Null when the
 * link is unknown or expired. No family's data but its own answer.
 */
create function public.notice_by_token(p_token text)
returns jsonb
language plpgsql
stable
security definer
set search_path = ''
as $$
declare
	v_token public.answer_tokens;
	v_recipient public.notice_recipients;
	v_notice public.notices;
begin
	v_token := private.find_answer_token(p_token);
	if v_token.notice_recipient_id is null then
		return null;
	end if;
	select r.* into v_recipient from public.notice_recipients r where r.id = v_token.notice_recipient_id;
	select n.* into v_notice from public.notices n where n.id = v_recipient.notice_id;
	return jsonb_build_object(
		'state', case
			when v_recipient.answered_at is not null then 'answered'
			when v_token.used_at is not null then 'used'
			else 'open' end,
		'notice', private.notice_payload(v_notice) || jsonb_build_object('created_at', v_notice.created_at),
		'event', case when v_notice.event_id is not null then private.event_payload(v_notice.event_id) end,
		'answer', v_recipient.answer,
		'read', v_recipient.read_at is not null
	);
end;
$$;

/*
 * Answers a notice from the link in its email, without signing in: the token decides the family
 * and the notice, and is spent (with every other link of that family for that notice).
 * Two presses at once: the token row is locked, the second finds it spent. Returns
 * {notice_id, answer}. Fails: invalid_link, link_used, already_answered, invalid_answer.
 */
create function public.answer_notice_by_token(p_token text, p_answer text)
returns jsonb
language plpgsql
security definer
set search_path = ''
as $$
declare
	v_token public.answer_tokens := private.take_answer_token(p_token);
	v_result jsonb;
begin
	if v_token.token_hash is null or v_token.notice_recipient_id is null then
		perform private.fail('invalid_link');
	end if;
	if v_token.used_at is not null then
		perform private.fail('link_used');
	end if;
	v_result := private.record_notice_answer(v_token.notice_recipient_id, p_answer, 'email');
	update public.answer_tokens t set used_at = now() where t.token_hash = v_token.token_hash;
	return v_result;
end;
$$;

/* Answers a notice on the site, as its family's guardian. Fails: notice_not_found and
 * record_notice_answer's codes. */
create function public.answer_notice(p_notice_id uuid, p_answer text)
returns jsonb
language plpgsql
security definer
set search_path = ''
as $$
declare
	v_recipient_id uuid;
begin
	select r.id into v_recipient_id from public.notice_recipients r
	where r.notice_id = p_notice_id and r.family_id = private.my_family_id() and private.my_family_id() is not null;
	if v_recipient_id is null then
		perform private.fail('notice_not_found');
	end if;
	return private.record_notice_answer(v_recipient_id, p_answer, 'site');
end;
$$;

/* The guardian opened the notice on the site: it counts as read. Returns whether it was theirs. */
create function public.mark_notice_read(p_notice_id uuid)
returns boolean
language plpgsql
security definer
set search_path = ''
as $$
begin
	update public.notice_recipients r set read_at = now()
	where r.notice_id = p_notice_id and r.family_id = private.my_family_id() and r.read_at is null;
	return found or exists (select 1 from public.notice_recipients r
		where r.notice_id = p_notice_id and r.family_id = private.my_family_id());
end;
$$;

/*
 * A notice's receipts for its organisation's staff (and district administrators): the totals and
 * one row per family — the guardian's name, answer, when, how, whether read, reminders — answered
 * families first. Null when the caller may not see it.
 */
create function public.notice_receipts(p_notice_id uuid)
returns jsonb
language plpgsql
stable
security definer
set search_path = ''
as $$
declare
	v_notice public.notices;
begin
	select n.* into v_notice from public.notices n where n.id = p_notice_id;
	if not found or not (private.is_org_member(v_notice.org_id) or private.is_district_admin()) then
		return null;
	end if;
	return jsonb_build_object(
		'notice', to_jsonb(v_notice),
		'totals', (
			select jsonb_build_object(
				'recipients', count(*),
				'answered', count(*) filter (where r.answered_at is not null),
				'read', count(*) filter (where r.read_at is not null),
				'answers', coalesce((
					select jsonb_object_agg(a.answer, a.n) from (
						select r2.answer, count(*) as n from public.notice_recipients r2
						where r2.notice_id = p_notice_id and r2.answer is not null group by r2.answer
					) a), '{}'::jsonb))
			from public.notice_recipients r where r.notice_id = p_notice_id),
		'families', (
			select coalesce(jsonb_agg(jsonb_build_object(
				'guardian_name', f.guardian_name, 'answer', r.answer, 'answered_at', r.answered_at,
				'answered_via', r.answered_via, 'read', r.read_at is not null, 'reminded', r.reminded)
				order by r.answered_at is null, r.answered_at, f.guardian_name), '[]'::jsonb)
			from public.notice_recipients r
			join public.families f on f.id = r.family_id
			where r.notice_id = p_notice_id),
		'delivery', (
			select jsonb_build_object(
				'queued', count(*) filter (where o.status::text in ('pending', 'sending')),
				'sent', count(*) filter (where o.status::text = 'sent'),
				'failed', count(*) filter (where o.status::text = 'failed'))
			from public.email_outbox o
			where o.kind in ('notice', 'notice_reminder') and o.payload -> 'notice' ->> 'id' = p_notice_id::text)
	);
end;
$$;

revoke all on function private.new_token(), private.token_hash(text),
	private.find_answer_token(text), private.take_answer_token(text),
	private.notice_payload(public.notices),
	private.queue_notice_emails(public.notices, text, integer),
	private.record_notice_answer(uuid, text, text)
	from public;
revoke all on function
	public.send_notice(text, text, public.receipt_kind, text[], text, uuid, uuid, date, date),
	public.remind_notice(uuid),
	public.notice_by_token(text),
	public.answer_notice_by_token(text, text),
	public.answer_notice(uuid, text),
	public.mark_notice_read(uuid),
	public.notice_receipts(uuid)
	from public, anon, authenticated;
-- A link's token is the key: only the app calls these (the service role), after its page has
-- counted the unknown links tried from the visitor's address (client_attempts, kind notice_link).
-- Open to anon they could be tried through /rest/v1 past that limit.
grant execute on function public.notice_by_token(text), public.answer_notice_by_token(text, text)
	to service_role;
grant execute on function
	public.send_notice(text, text, public.receipt_kind, text[], text, uuid, uuid, date, date),
	public.remind_notice(uuid),
	public.answer_notice(uuid, text),
	public.mark_notice_read(uuid),
	public.notice_receipts(uuid)
	to authenticated;

-- Delivery progress of one notice (notice_receipts) without reading every email.
create index email_outbox_notice_id_idx on public.email_outbox (((payload -> 'notice') ->> 'id'))
	where kind in ('notice', 'notice_reminder');
