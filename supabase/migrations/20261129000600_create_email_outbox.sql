-- The email outbox: one row per email, written in the same transaction as the change that causes it.

create type public.outbox_status as enum ('pending', 'sending', 'sent', 'failed');

/*
 * One email to send. SQL functions and triggers write rows here in the transaction of the change
 * (a registration, a cancellation, an approved room …); the dispatcher claims due rows (for update
 * skip locked), sends them through Resend in batches under batch_key, and records provider_id or
 * last_error. idempotency_key is unique: writing the same
 * email twice is a no-op, so retries and repeated reminder runs never send twice.
 * payload: what the template needs, see private.registration_payload() / private.booking_payload().
 */
create table public.email_outbox (
	id uuid primary key default gen_random_uuid(),
	kind text not null check (kind ~ '^[a-z0-9_]{1,60}$'),
	to_email text not null check (to_email ~ '^[^@\s]+@[^@\s]+$' and char_length(to_email) <= 254),
	locale public.app_locale not null default 'zh-CN',
	payload jsonb not null default '{}'::jsonb,
	idempotency_key text not null unique check (char_length(idempotency_key) <= 256),
	status public.outbox_status not null default 'pending',
	attempts integer not null default 0 check (attempts >= 0),
	next_attempt_at timestamptz not null default now(),
	batch_key text check (char_length(batch_key) <= 256),
	provider_id text,
	last_error text,
	event_id uuid references public.events (id) on delete set null,
	registration_id uuid references public.registrations (id) on delete set null,
	created_at timestamptz not null default now(),
	sent_at timestamptz
);
create index email_outbox_due_idx on public.email_outbox (next_attempt_at)
	where status in ('pending', 'sending');
create index email_outbox_event_id_idx on public.email_outbox (event_id);
create index email_outbox_registration_id_idx on public.email_outbox (registration_id);
comment on column public.email_outbox.kind is
	'registration_confirmed, registration_waitlisted, registration_cancelled, waitlist_promoted, '
	'reminder_24h, reminder_2h, event_changed, event_cancelled, room_request_received, '
	'room_request_approved, room_request_rejected, room_booking_cancelled (and auth emails).';
comment on column public.email_outbox.next_attempt_at is
	'When the row is next due; while sending, the end of the claim''s lease.';
comment on column public.email_outbox.batch_key is
	'Idempotency key of the provider batch this row was sent in; kept so a retry repeats it.';

create function private.enqueue_email(
	p_kind text,
	p_to_email text,
	p_locale public.app_locale,
	p_payload jsonb,
	p_idempotency_key text,
	p_event_id uuid default null,
	p_registration_id uuid default null
)
returns boolean
language plpgsql
security definer
set search_path = ''
as $$
begin
	if p_to_email is null then
		return false;
	end if;
	insert into public.email_outbox (kind, to_email, locale, payload, idempotency_key, event_id,
		registration_id)
	values (p_kind, p_to_email, coalesce(p_locale, 'zh-CN'), p_payload, p_idempotency_key, p_event_id,
		p_registration_id)
	on conflict (idempotency_key) do nothing;
	return found;
end;
$$;

-- What an event looks like in an email (and a calendar attachment). PL/pgSQL rather than SQL: a
-- security-definer SQL function with its own search_path cannot be inlined, so its query would be
-- parsed and planned again on every call; PL/pgSQL keeps the plan for the session.
create function private.event_payload(p_event_id uuid)
returns jsonb
language plpgsql
stable
security definer
set search_path = ''
as $$
begin
	return (
		select jsonb_build_object(
			'id', e.id,
			'slug', e.slug,
			'status', e.status,
			'category', e.category,
			'title_zh', e.title_zh,
			'title_en', e.title_en,
			'starts_at', e.starts_at,
			'ends_at', e.ends_at,
			'sequence', e.sequence,
			'cancelled_reason', e.cancelled_reason,
			'place_zh', coalesce(
				nullif(concat_ws(' · ', v.name_zh, coalesce(v.address_zh, vo.address_zh)), ''), e.address_zh),
			'place_en', coalesce(
				nullif(concat_ws(' · ', nullif(v.name_en, ''), coalesce(v.address_en, vo.address_en)), ''),
				e.address_en),
			'organisation_zh', o.name_zh,
			'organisation_en', o.name_en,
			'organisation_phone', o.contact_phone
		)
		from public.events e
		join public.organisations o on o.id = e.org_id
		left join public.venue_bookings b on b.id = e.venue_booking_id
		left join public.venues v on v.id = b.venue_id
		left join public.organisations vo on vo.id = v.org_id
		where e.id = p_event_id
	);
end;
$$;

-- The payload of every email about a registration, from rows already read: the event, the
-- registration, who comes (p_attendees when the caller has it, else read here).
-- register_family calls it under the event lock with what it knows; everything else through
-- private.registration_payload. PL/pgSQL for the reason given at private.event_payload.
create function private.registration_email_payload(
	p_registration public.registrations,
	p_family public.families,
	p_attendees jsonb default null
)
returns jsonb
language plpgsql
stable
security definer
set search_path = ''
as $$
begin
	return jsonb_build_object(
		'event', private.event_payload(p_registration.event_id),
		'registration', jsonb_build_object(
			'id', p_registration.id,
			'status', p_registration.status,
			'seats', p_registration.seats,
			'waitlist_position', p_registration.waitlist_position,
			'check_in_code', p_registration.check_in_code
		),
		'guardian_name', p_family.guardian_name,
		'attendees', coalesce(p_attendees, (
			select coalesce(jsonb_agg(jsonb_build_object('kind', m.kind, 'nickname', m.nickname)
				order by m.kind, m.nickname), '[]'::jsonb)
			from public.registration_attendees a
			join public.family_members m on m.id = a.member_id
			where a.registration_id = p_registration.id
		)),
		'unsubscribe_token', p_family.unsubscribe_token
	);
end;
$$;

-- The registration and its family, or nothing when either is gone.
create function private.registration_with_family(
	p_registration_id uuid,
	out registration public.registrations,
	out family public.families
)
language plpgsql
stable
security definer
set search_path = ''
as $$
begin
	select r.* into registration from public.registrations r where r.id = p_registration_id;
	if found then
		select f.* into family from public.families f where f.id = registration.family_id;
	end if;
end;
$$;

-- The payload of every email about a registration (private.registration_email_payload). Null
-- when the registration does not exist.
create function private.registration_payload(p_registration_id uuid)
returns jsonb
language plpgsql
stable
security definer
set search_path = ''
as $$
declare
	v record := private.registration_with_family(p_registration_id);
begin
	if (v.family).id is null then
		return null;
	end if;
	return private.registration_email_payload(v.registration, v.family);
end;
$$;

-- Queues one email about a registration to its family. The key makes it happen at most once.
-- p_extra is merged into the payload (e.g. an event's previous time). Returns null when the
-- registration does not exist, else whether a row was written.
create function private.email_family(p_kind text, p_registration_id uuid, p_idempotency_key text,
	p_extra jsonb default '{}'::jsonb)
returns boolean
language plpgsql
security definer
set search_path = ''
as $$
declare
	v record := private.registration_with_family(p_registration_id);
begin
	if (v.family).id is null then
		return null;
	end if;
	return private.enqueue_email(p_kind, (v.family).email, (v.family).locale,
		private.registration_email_payload(v.registration, v.family) || p_extra, p_idempotency_key,
		(v.registration).event_id, p_registration_id);
end;
$$;

revoke all on all functions in schema private from public;

revoke all on table public.email_outbox from anon, authenticated;
grant select on table public.email_outbox to authenticated;

alter table public.email_outbox enable row level security;

-- Staff see what was sent about their events (and which emails failed); nobody else but
-- administrators. The dispatcher uses the service role.
create policy "Staff can read emails about their events"
	on public.email_outbox for select to authenticated
	using (event_id in (select private.my_event_ids()) or (select private.is_district_admin()));
