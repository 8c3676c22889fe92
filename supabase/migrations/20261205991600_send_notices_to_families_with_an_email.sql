-- A family registered at the door without an email (a door-only record, 20261205160300) cannot
-- be emailed: a notice to an event's families queues emails only for those with an address,
-- instead of failing on the outbox's required address.

create or replace function private.queue_notice_emails(p_notice public.notices, p_kind text, p_round integer)
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
		where r.notice_id = p_notice.id and r.answered_at is null and f.email is not null
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
