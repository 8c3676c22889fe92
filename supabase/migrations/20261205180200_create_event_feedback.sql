-- Feedback after events (活动反馈): a request to each checked-in family a few hours after the
-- event ends, one answer per registration, staff replies (你们说，我们做), and public averages.

alter table public.families
	add column feedback_requests_enabled boolean not null default true;
comment on column public.families.feedback_requests_enabled is
	'Whether the family is asked for feedback after events it was checked in at (its own choice, apart from reminders).';
grant insert (feedback_requests_enabled), update (feedback_requests_enabled)
	on table public.families to authenticated;

/*
 * A feedback request queued for a checked-in registration (by enqueue_feedback_requests). One
 * per registration: the primary key is what makes the scheduled job safe to run twice.
 */
create table public.feedback_requests (
	registration_id uuid primary key references public.registrations (id) on delete cascade,
	event_id uuid not null references public.events (id) on delete cascade,
	requested_at timestamptz not null default now()
);
create index feedback_requests_event_id_idx on public.feedback_requests (event_id);

/*
 * A family's feedback on an event it was checked in at: a rating of 1–5, what the child enjoyed,
 * what to improve, whether it would come again. One per registration.
 */
create table public.event_feedback (
	id uuid primary key default gen_random_uuid(),
	registration_id uuid not null unique references public.registrations (id) on delete cascade,
	event_id uuid not null references public.events (id) on delete cascade,
	family_id uuid not null references public.families (id) on delete cascade,
	rating smallint not null check (rating between 1 and 5),
	enjoyed text check (enjoyed is null or char_length(enjoyed) <= 1000),
	improve text check (improve is null or char_length(improve) <= 1000),
	come_again boolean,
	answered_via text not null check (answered_via in ('email', 'site')),
	created_at timestamptz not null default now()
);
create index event_feedback_event_id_idx on public.event_feedback (event_id);
create index event_feedback_family_id_idx on public.event_feedback (family_id);

/*
 * Staff's answer to one family's feedback. Emailed to that family; a public reply is also shown
 * on the organisation's page (你们说，我们做) with the event's title, never the family's words.
 */
create table public.feedback_replies (
	id uuid primary key default gen_random_uuid(),
	feedback_id uuid not null references public.event_feedback (id) on delete cascade,
	body text not null check (char_length(btrim(body)) between 1 and 2000),
	is_public boolean not null default false,
	sent_by uuid references auth.users (id) on delete set null,
	created_at timestamptz not null default now()
);
create index feedback_replies_feedback_id_idx on public.feedback_replies (feedback_id);

revoke all on table public.feedback_requests, public.event_feedback, public.feedback_replies
	from anon, authenticated;
grant select on table public.feedback_requests, public.event_feedback, public.feedback_replies
	to authenticated;
alter table public.feedback_requests enable row level security;
alter table public.event_feedback enable row level security;
alter table public.feedback_replies enable row level security;

create policy "Staff can see which families were asked about their events"
	on public.feedback_requests for select to authenticated
	using (event_id in (select private.my_event_ids()) or (select private.is_district_admin()));

create policy "Families can read their own feedback"
	on public.event_feedback for select to authenticated
	using (family_id = (select private.my_family_id()));

create policy "Staff can read the feedback on their events"
	on public.event_feedback for select to authenticated
	using (event_id in (select private.my_event_ids()) or (select private.is_district_admin()));

create policy "Whoever can read the feedback can read its replies"
	on public.feedback_replies for select to authenticated
	using (feedback_id in (select f.id from public.event_feedback f));

-- Emails about notices and feedback carry no registration (some have none): a family's are
-- found by payload.family_id, and go with the family.
create index email_outbox_family_mail_idx on public.email_outbox ((payload ->> 'family_id'))
	where kind in ('notice', 'notice_reminder', 'feedback_request', 'feedback_reply');

create function private.forget_family_mail()
returns trigger
language plpgsql
security definer
set search_path = ''
as $$
begin
	delete from public.email_outbox o
	where o.kind in ('notice', 'notice_reminder', 'feedback_request', 'feedback_reply')
		and o.payload ->> 'family_id' = old.id::text;
	return old;
end;
$$;
create trigger families_forget_mail before delete on public.families
	for each row execute function private.forget_family_mail();

/*
 * Queues the feedback requests due at p_now: every checked-in registration of a published event
 * that ended between 7 days and 3 hours before p_now, of a family that has not turned feedback
 * requests off. One per registration (feedback_requests' key), whoever runs it and however often.
 * Each email carries a one-time link to the form (14 days). Returns how many were queued.
 * Service role only (the scheduled tick).
 */
create function public.enqueue_feedback_requests(p_now timestamptz default now())
returns integer
language plpgsql
security definer
set search_path = ''
as $$
declare
	v_count integer;
begin
	with due as materialized (
		insert into public.feedback_requests (registration_id, event_id)
		select r.id, r.event_id
		from public.events e
		join public.registrations r on r.event_id = e.id and r.status = 'attended'
		join public.families f on f.id = r.family_id and f.feedback_requests_enabled
		where e.status = 'published'
			and e.ends_at <= p_now - interval '3 hours'
			and e.ends_at > p_now - interval '7 days'
			and not exists (select 1 from public.event_feedback fb where fb.registration_id = r.id)
		on conflict (registration_id) do nothing
		returning registration_id
	),
	linked as materialized (
		select d.registration_id, private.new_token() as token from due d
	),
	tokens as (
		insert into public.answer_tokens (token_hash, registration_id, expires_at)
		select private.token_hash(l.token), l.registration_id, p_now + interval '14 days' from linked l
	),
	queued as (
		insert into public.email_outbox (kind, to_email, locale, payload, idempotency_key)
		select 'feedback_request', f.email, f.locale,
			private.registration_payload(r.id) || jsonb_build_object('token', l.token, 'family_id', f.id),
			'feedback_request:' || r.id
		from linked l
		join public.registrations r on r.id = l.registration_id
		join public.families f on f.id = r.family_id
		on conflict (idempotency_key) do nothing
		returning 1
	)
	select count(*) into v_count from queued;
	return v_count;
end;
$$;

-- Records a family's feedback on a registration. Fails: not_checked_in, event_not_over,
-- feedback_already_given, invalid_feedback.
create function private.record_feedback(
	p_registration_id uuid,
	p_rating integer,
	p_enjoyed text,
	p_improve text,
	p_come_again boolean,
	p_via text
)
returns jsonb
language plpgsql
security definer
set search_path = ''
as $$
declare
	v_registration public.registrations;
	v_ends_at timestamptz;
	v_id uuid;
begin
	select r.* into v_registration from public.registrations r where r.id = p_registration_id for update;
	if v_registration.status is distinct from 'attended' then
		perform private.fail('not_checked_in');
	end if;
	select e.ends_at into v_ends_at from public.events e where e.id = v_registration.event_id;
	if v_ends_at > now() then
		perform private.fail('event_not_over');
	end if;
	if p_rating is null or p_rating not between 1 and 5
		or char_length(coalesce(p_enjoyed, '')) > 1000 or char_length(coalesce(p_improve, '')) > 1000 then
		perform private.fail('invalid_feedback', 'A rating of 1–5; each comment at most 1000 characters.');
	end if;
	insert into public.event_feedback (registration_id, event_id, family_id, rating, enjoyed, improve,
		come_again, answered_via)
	values (p_registration_id, v_registration.event_id, v_registration.family_id, p_rating,
		nullif(btrim(p_enjoyed), ''), nullif(btrim(p_improve), ''), p_come_again, p_via)
	on conflict (registration_id) do nothing
	returning id into v_id;
	if v_id is null then
		perform private.fail('feedback_already_given');
	end if;
	update public.answer_tokens t set used_at = now()
	where t.registration_id = p_registration_id and t.used_at is null;
	return jsonb_build_object('feedback_id', v_id, 'event_id', v_registration.event_id);
end;
$$;

/*
 * What the feedback form behind an email's link shows (nothing changes): {state: open | given |
 * used, event: {...}}. Null when the link is unknown or expired.
 */
create function public.feedback_form_by_token(p_token text)
returns jsonb
language plpgsql
stable
security definer
set search_path = ''
as $$
declare
	v_token public.answer_tokens;
	v_registration public.registrations;
begin
	v_token := private.find_answer_token(p_token);
	if v_token.registration_id is null then
		return null;
	end if;
	select r.* into v_registration from public.registrations r where r.id = v_token.registration_id;
	return jsonb_build_object(
		'state', case
			when exists (select 1 from public.event_feedback f where f.registration_id = v_registration.id)
				then 'given'
			when v_token.used_at is not null then 'used'
			else 'open' end,
		'event', private.event_payload(v_registration.event_id)
	);
end;
$$;

/*
 * Gives feedback from the link in the request email, without signing in; the token decides the
 * registration and is spent. Returns {feedback_id, event_id}. Fails: invalid_link, link_used and
 * record_feedback's codes.
 */
create function public.submit_feedback_by_token(
	p_token text,
	p_rating integer,
	p_enjoyed text default null,
	p_improve text default null,
	p_come_again boolean default null
)
returns jsonb
language plpgsql
security definer
set search_path = ''
as $$
declare
	v_token public.answer_tokens := private.take_answer_token(p_token);
begin
	if v_token.token_hash is null or v_token.registration_id is null then
		perform private.fail('invalid_link');
	end if;
	if v_token.used_at is not null then
		perform private.fail('link_used');
	end if;
	return private.record_feedback(v_token.registration_id, p_rating, p_enjoyed, p_improve,
		p_come_again, 'email');
end;
$$;

/* Gives feedback on the site, as the guardian of the registration's family. Fails:
 * registration_not_found and record_feedback's codes. */
create function public.submit_feedback(
	p_registration_id uuid,
	p_rating integer,
	p_enjoyed text default null,
	p_improve text default null,
	p_come_again boolean default null
)
returns jsonb
language plpgsql
security definer
set search_path = ''
as $$
begin
	if not exists (select 1 from public.registrations r
			where r.id = p_registration_id and r.family_id = private.my_family_id()) then
		perform private.fail('registration_not_found');
	end if;
	return private.record_feedback(p_registration_id, p_rating, p_enjoyed, p_improve, p_come_again,
		'site');
end;
$$;

/*
 * Staff's reply to one family's feedback: emailed to that family (kind feedback_reply) in this
 * transaction; with p_public, also shown on the organisation's page. At most 5 replies per
 * feedback. Returns {reply_id}. Fails: feedback_not_found, not_authorised, invalid_reply,
 * too_many_replies.
 */
create function public.reply_to_feedback(p_feedback_id uuid, p_body text, p_public boolean default false)
returns jsonb
language plpgsql
security definer
set search_path = ''
as $$
declare
	v_feedback public.event_feedback;
	v_org uuid;
	v_reply public.feedback_replies;
	v_family public.families;
begin
	select f.* into v_feedback from public.event_feedback f where f.id = p_feedback_id for update;
	if not found then
		perform private.fail('feedback_not_found');
	end if;
	select e.org_id into v_org from public.events e where e.id = v_feedback.event_id;
	if not private.is_org_member(v_org) then
		perform private.fail('not_authorised');
	end if;
	if p_body is null or char_length(btrim(p_body)) not between 1 and 2000 then
		perform private.fail('invalid_reply', 'A reply of 1–2000 characters.');
	end if;
	if (select count(*) from public.feedback_replies r where r.feedback_id = p_feedback_id) >= 5 then
		perform private.fail('too_many_replies', 'At most 5 replies to one family''s feedback.');
	end if;
	insert into public.feedback_replies (feedback_id, body, is_public, sent_by)
	values (p_feedback_id, btrim(p_body), coalesce(p_public, false), auth.uid())
	returning * into v_reply;
	select f.* into v_family from public.families f where f.id = v_feedback.family_id;
	perform private.enqueue_email('feedback_reply', v_family.email, v_family.locale,
		jsonb_build_object(
			'event', private.event_payload(v_feedback.event_id),
			'guardian_name', v_family.guardian_name,
			'family_id', v_family.id,
			'reply', jsonb_build_object('id', v_reply.id, 'body', v_reply.body, 'public', v_reply.is_public),
			'feedback', jsonb_build_object('rating', v_feedback.rating, 'enjoyed', v_feedback.enjoyed,
				'improve', v_feedback.improve)),
		'feedback_reply:' || v_reply.id);
	return jsonb_build_object('reply_id', v_reply.id);
end;
$$;

/*
 * An event's feedback for its staff (and district administrators): {requested, ratings, average,
 * come_again, items: [{id, rating, enjoyed, improve, come_again, created_at, replies: [...]}]},
 * newest first. Families are not named. Null when the caller may not see it.
 */
create function public.event_feedback_summary(p_event_id uuid)
returns jsonb
language plpgsql
stable
security definer
set search_path = ''
as $$
declare
	v_org uuid;
begin
	select e.org_id into v_org from public.events e where e.id = p_event_id;
	if v_org is null or not (private.is_org_member(v_org) or private.is_district_admin()) then
		return null;
	end if;
	return jsonb_build_object(
		'requested', (select count(*) from public.feedback_requests q where q.event_id = p_event_id),
		'ratings', (select count(*) from public.event_feedback f where f.event_id = p_event_id),
		'average', (select round(avg(f.rating), 1) from public.event_feedback f where f.event_id = p_event_id),
		'come_again', (select count(*) from public.event_feedback f
			where f.event_id = p_event_id and f.come_again),
		'items', (
			select coalesce(jsonb_agg(jsonb_build_object(
				'id', f.id, 'rating', f.rating, 'enjoyed', f.enjoyed, 'improve', f.improve,
				'come_again', f.come_again, 'created_at', f.created_at,
				'replies', (select coalesce(jsonb_agg(jsonb_build_object('id', r.id, 'body', r.body,
						'public', r.is_public, 'created_at', r.created_at) order by r.created_at), '[]'::jsonb)
					from public.feedback_replies r where r.feedback_id = f.id)
			) order by f.created_at desc), '[]'::jsonb)
			from public.event_feedback f where f.event_id = p_event_id)
	);
end;
$$;

/*
 * What anyone may see of an organisation's feedback: the average rating and the number of ratings
 * on its past events — only once there are at least 5, so no single family can be made out —
 * and its public replies (newest 10) with the event's title. {rating: {average, count} | null,
 * replies: [...]}.
 */
create function public.organisation_feedback(p_org_id uuid)
returns jsonb
language plpgsql
stable
security definer
set search_path = ''
as $$
declare
	v_count integer;
	v_average numeric;
begin
	select count(*), round(avg(f.rating), 1) into v_count, v_average
	from public.event_feedback f
	join public.events e on e.id = f.event_id
	where e.org_id = p_org_id and e.ends_at <= now();
	return jsonb_build_object(
		'rating', case when v_count >= 5
			then jsonb_build_object('average', v_average, 'count', v_count) end,
		'replies', (
			select coalesce(jsonb_agg(x.reply order by x.created_at desc), '[]'::jsonb) from (
				select jsonb_build_object('body', r.body, 'created_at', r.created_at,
					'event_title_zh', e.title_zh, 'event_title_en', e.title_en) as reply, r.created_at
				from public.feedback_replies r
				join public.event_feedback f on f.id = r.feedback_id
				join public.events e on e.id = f.event_id
				where e.org_id = p_org_id and r.is_public
				order by r.created_at desc
				limit 10
			) x)
	);
end;
$$;

/* Turns feedback requests off from the link in a feedback request email (the family's
 * unsubscribe token), without signing in. Returns whether the token was known. */
create function public.unsubscribe_feedback_requests(p_token uuid)
returns boolean
language plpgsql
security definer
set search_path = ''
as $$
begin
	update public.families f set feedback_requests_enabled = false where f.unsubscribe_token = p_token;
	return found;
end;
$$;

revoke all on function private.forget_family_mail(),
	private.record_feedback(uuid, integer, text, text, boolean, text)
	from public;
revoke all on function
	public.enqueue_feedback_requests(timestamptz),
	public.feedback_form_by_token(text),
	public.submit_feedback_by_token(text, integer, text, text, boolean),
	public.submit_feedback(uuid, integer, text, text, boolean),
	public.reply_to_feedback(uuid, text, boolean),
	public.event_feedback_summary(uuid),
	public.organisation_feedback(uuid),
	public.unsubscribe_feedback_requests(uuid)
	from public, anon, authenticated;
grant execute on function public.enqueue_feedback_requests(timestamptz) to service_role;
grant execute on function public.organisation_feedback(uuid) to anon, authenticated;
-- A link's token is the key: only the app calls these, after its page has counted the unknown
-- links tried from the visitor's address (client_attempts: feedback_link, unsubscribe_link).
grant execute on function
	public.feedback_form_by_token(text),
	public.submit_feedback_by_token(text, integer, text, text, boolean),
	public.unsubscribe_feedback_requests(uuid)
	to service_role;
grant execute on function
	public.submit_feedback(uuid, integer, text, text, boolean),
	public.reply_to_feedback(uuid, text, boolean),
	public.event_feedback_summary(uuid)
	to authenticated;
