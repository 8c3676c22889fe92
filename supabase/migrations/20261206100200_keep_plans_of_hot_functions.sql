-- The helpers every event page and registration calls, kept planned. A SQL-language function with
-- its own search_path is never inlined: PostgreSQL parses and plans its body again in every
-- transaction that calls it, which was most of what the event page cost the database (the page's
-- event_page call: ~1.9 ms, of which ~1 ms planning the event card, its place, the family, the
-- registration and the held places). PL/pgSQL keeps each statement's plan for the connection's
-- life, so these become PL/pgSQL with the same bodies and answers. Where the SQL function took the
-- first row of a query that could in principle give more, `limit 1` keeps that (PL/pgSQL's
-- `return (select …)` would fail instead). Grants are unchanged (create or replace keeps them).

create or replace function private.event_card(p_event public.events)
returns jsonb
language plpgsql
stable
set search_path = ''
as $$
begin
	return jsonb_build_object(
		'id', p_event.id,
		'slug', p_event.slug,
		'category', p_event.category,
		'status', p_event.status,
		'title_zh', p_event.title_zh,
		'title_en', p_event.title_en,
		'summary_zh', p_event.summary_zh,
		'summary_en', p_event.summary_en,
		'starts_at', p_event.starts_at,
		'ends_at', p_event.ends_at,
		'capacity', p_event.capacity,
		'seats_taken', p_event.seats_taken,
		'waitlist_count', p_event.waitlist_count,
		'waitlist_enabled', p_event.waitlist_enabled,
		'min_child_age', p_event.min_child_age,
		'max_child_age', p_event.max_child_age,
		'registration_opens_at', p_event.registration_opens_at,
		'registration_closes_at', p_event.registration_closes_at,
		'max_seats_per_family', p_event.max_seats_per_family,
		'organisation', (
			select jsonb_build_object('id', o.id, 'slug', o.slug, 'name_zh', o.name_zh,
				'name_en', o.name_en, 'contact_phone', o.contact_phone)
			from public.organisations o where o.id = p_event.org_id
		),
		'place', private.event_place(p_event.id)
	);
end;
$$;

create or replace function public.event_details(p_slug text)
returns jsonb
language plpgsql
stable
set search_path = ''
as $$
begin
	return (
		select private.event_card(e) || jsonb_build_object(
			'description_zh', e.description_zh,
			'description_en', e.description_en,
			'cancelled_reason', e.cancelled_reason,
			'sequence', e.sequence,
			'updated_at', e.updated_at
		)
		from public.events e
		where e.slug = p_slug
	);
end;
$$;

create or replace function private.event_place(p_event_id uuid)
returns jsonb
language plpgsql
stable
security definer
set search_path = ''
as $$
begin
	return (
		select case
			when v.id is not null then jsonb_build_object(
				'venue_zh', v.name_zh,
				'venue_en', coalesce(nullif(v.name_en, ''), v.name_zh),
				'address_zh', coalesce(v.address_zh, o.address_zh),
				'address_en', case when v.address_zh is not null
					then coalesce(nullif(v.address_en, ''), v.address_zh)
					else coalesce(nullif(o.address_en, ''), o.address_zh) end)
			else jsonb_build_object(
				'venue_zh', null,
				'venue_en', null,
				'address_zh', e.address_zh,
				'address_en', coalesce(nullif(e.address_en, ''), e.address_zh))
		end
		from public.events e
		join public.organisations o on o.id = e.org_id
		left join public.venue_bookings b on b.id = e.venue_booking_id
		left join public.venues v on v.id = b.venue_id
		where e.id = p_event_id
			and (e.status in ('published', 'cancelled')
				or private.is_org_member(e.org_id)
				or private.is_district_admin())
	);
end;
$$;

create or replace function private.registration_json(p_registration public.registrations, p_event jsonb)
returns jsonb
language plpgsql
stable
set search_path = ''
as $$
begin
	return jsonb_build_object(
		'id', p_registration.id,
		'status', p_registration.status,
		'seats', p_registration.seats,
		'waitlist_position', p_registration.waitlist_position,
		'waitlist_joined_at', p_registration.waitlist_joined_at,
		'check_in_code', p_registration.check_in_code,
		'created_at', p_registration.created_at,
		'confirmed_at', p_registration.confirmed_at,
		'cancelled_at', p_registration.cancelled_at,
		'checked_in_at', p_registration.checked_in_at,
		'event', p_event,
		'attendees', coalesce((
			select jsonb_agg(jsonb_build_object('id', m.id, 'kind', m.kind, 'nickname', m.nickname)
				order by m.kind, m.nickname)
			from public.registration_attendees a
			join public.family_members m on m.id = a.member_id
			where a.registration_id = p_registration.id
		), '[]'::jsonb)
	);
end;
$$;

-- families.guardian_id is unique: one row at most.
create or replace function private.my_family_id()
returns uuid
language plpgsql
stable
security definer
set search_path = ''
as $$
begin
	return (select f.id from public.families f where f.guardian_id = (select auth.uid()));
end;
$$;

create or replace function private.current_privacy_version()
returns text
language plpgsql
stable
security definer
set search_path = ''
as $$
begin
	return (
		select t.version from public.privacy_texts t
		where t.kind = 'children_data' and t.published_at <= now()
		order by t.published_at desc
		limit 1
	);
end;
$$;

create or replace function private.has_current_consent(p_family_id uuid)
returns boolean
language plpgsql
stable
security definer
set search_path = ''
as $$
begin
	return exists (
		select 1 from public.consents c
		where c.family_id = p_family_id
			and c.kind = 'children_data'
			and c.version = private.current_privacy_version()
	);
end;
$$;

create or replace function private.store_answers(p_registration_id uuid, p_event_id uuid, p_checked jsonb)
returns void
language plpgsql
security definer
set search_path = ''
as $$
begin
	delete from public.registration_answers a where a.registration_id = p_registration_id;
	insert into public.registration_answers (registration_id, event_id, question_id, member_id, value)
	select p_registration_id, p_event_id, (x ->> 'question_id')::uuid, (x ->> 'member_id')::uuid,
		x -> 'value'
	from jsonb_array_elements(p_checked) x;
end;
$$;

-- event_holds is keyed by event: one row at most.
create or replace function public.held_places_open_at(p_event_id uuid)
returns timestamptz
language plpgsql
stable
security definer
set search_path = ''
as $$
begin
	return (
		select h.release_at
		from public.event_holds h
		join public.events e on e.id = h.event_id
		where h.event_id = p_event_id and h.released_at is null and e.status = 'published'
	);
end;
$$;

create or replace function private.pending_invitation(p_event_id uuid, p_family_id uuid)
returns public.held_invitations
language plpgsql
stable
security definer
set search_path = ''
as $$
declare
	v_invitation public.held_invitations;
begin
	select i.* into v_invitation from public.held_invitations i
	where i.event_id = p_event_id and i.family_id = p_family_id and i.status = 'pending'
		and i.expires_at > now()
	limit 1;
	return v_invitation;
end;
$$;

create or replace function private.held_used(p_event_id uuid)
returns integer
language plpgsql
stable
security definer
set search_path = ''
as $$
begin
	return (
		select coalesce(sum(r.seats), 0)::integer from public.held_place_uses u
		join public.registrations r on r.id = u.registration_id
		where u.event_id = p_event_id and r.status in ('confirmed', 'attended', 'no_show')
	);
end;
$$;

create or replace function private.invited_seats(p_event_id uuid, p_except_family uuid default null)
returns integer
language plpgsql
stable
security definer
set search_path = ''
as $$
begin
	return (
		select coalesce(sum(i.seats), 0)::integer from public.held_invitations i
		where i.event_id = p_event_id and i.status = 'pending' and i.expires_at > now()
			and i.family_id is distinct from p_except_family
	);
end;
$$;
