-- The parents' side: finding events, an event's public page, a family's own registrations, and the
-- guardian's rights over the family's data (export, removing a member, deleting the account).

create extension if not exists pg_trgm with schema extensions;

-- Free-text search over both languages' title and summary. Trigrams serve `ilike '%…%'`; Chinese
-- words of one or two characters yield no trigram and fall back to a scan of the (few hundred)
-- upcoming published rows, which the status/starts_at index narrows first.
create index events_search_trgm_idx on public.events using gin (
	(title_zh || ' ' || title_en || ' ' || summary_zh || ' ' || summary_en) extensions.gin_trgm_ops
);

/*
 * Where an event takes place, for anyone who may read the event: the room of its booking (with the
 * room's or the organisation's address), else the address the organiser gave. Security definer
 * because bookings themselves are private to staff; only the room's public name and address leave.
 */
create function private.event_place(p_event_id uuid)
returns jsonb
language sql
stable
security definer
set search_path = ''
as $$
	select case
		when v.id is not null then jsonb_build_object(
			'venue_zh', v.name_zh,
			'venue_en', coalesce(nullif(v.name_en, ''), v.name_zh),
			'address_zh', coalesce(v.address_zh, o.address_zh),
			'address_en', coalesce(v.address_en, o.address_en, v.address_zh, o.address_zh))
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
$$;

-- What an event card shows: the event's public fields, its organiser and its place.
create function private.event_card(p_event public.events)
returns jsonb
language sql
stable
set search_path = ''
as $$
	select jsonb_build_object(
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
	)
$$;

/*
 * Published events that have not ended, for the event list and its calendar: filtered by category,
 * organisation, a child's age (an event without an age range suits every age), a date range of
 * starts, and words that must all appear in the Chinese or English title or summary. Ordered by
 * start. Returns {total, items: [event card …]}; with p_compact, items carry only what a calendar
 * shows (id, slug, titles, start, end). Security invoker: the events' own policies apply.
 */
create function public.find_events(
	p_query text default null,
	p_category public.event_category default null,
	p_org_id uuid default null,
	p_age integer default null,
	p_from timestamptz default null,
	p_to timestamptz default null,
	p_limit integer default 12,
	p_offset integer default 0,
	p_compact boolean default false
)
returns jsonb
language sql
stable
set search_path = ''
as $$
	with terms as (
		select coalesce(array_agg(
			'%' || replace(replace(replace(t, '\', '\\'), '%', '\%'), '_', '\_') || '%'
		), '{}') as patterns
		from unnest(regexp_split_to_array(btrim(left(coalesce(p_query, ''), 100)), '\s+')) t
		where t <> ''
	),
	-- Narrow rows only (id, start): counting and paging never carry descriptions around.
	matches as (
		select e.id, e.starts_at
		from public.events e, terms
		where e.status = 'published'
			and e.ends_at > now()
			and (p_from is null or e.starts_at >= p_from)
			and (p_to is null or e.starts_at < p_to)
			and (p_category is null or e.category = p_category)
			and (p_org_id is null or e.org_id = p_org_id)
			and (p_age is null or (coalesce(e.min_child_age, 0) <= p_age
				and coalesce(e.max_child_age, 18) >= p_age))
			and (e.title_zh || ' ' || e.title_en || ' ' || e.summary_zh || ' ' || e.summary_en)
				ilike all (terms.patterns)
	),
	page as (
		select m.id, m.starts_at from matches m
		order by m.starts_at, m.id
		limit least(greatest(coalesce(p_limit, 12), 1), 500)
		offset greatest(coalesce(p_offset, 0), 0)
	)
	select jsonb_build_object(
		'total', (select count(*) from matches),
		'items', coalesce((
			select jsonb_agg(
				case when p_compact then jsonb_build_object('id', e.id, 'slug', e.slug,
					'title_zh', e.title_zh, 'title_en', e.title_en, 'starts_at', e.starts_at,
					'ends_at', e.ends_at)
				else private.event_card(e) end
				order by p.starts_at, p.id)
			from page p
			join public.events e on e.id = p.id
		), '[]'::jsonb)
	)
$$;

/*
 * One event's page by its slug: the card plus the description and what a calendar entry needs.
 * Null when the caller may not read the event (drafts of other organisations).
 */
create function public.event_details(p_slug text)
returns jsonb
language sql
stable
set search_path = ''
as $$
	select private.event_card(e) || jsonb_build_object(
		'description_zh', e.description_zh,
		'description_en', e.description_en,
		'cancelled_reason', e.cancelled_reason,
		'sequence', e.sequence,
		'updated_at', e.updated_at
	)
	from public.events e
	where e.slug = p_slug
$$;

/*
 * The caller's family's registrations (all statuses), soonest event first, each with its event
 * card and who comes; only the one for p_event_id when given.
 */
create function public.my_registrations(p_event_id uuid default null)
returns jsonb
language sql
stable
set search_path = ''
as $$
	select coalesce(jsonb_agg(jsonb_build_object(
		'id', r.id,
		'status', r.status,
		'seats', r.seats,
		'waitlist_position', r.waitlist_position,
		'waitlist_joined_at', r.waitlist_joined_at,
		'check_in_code', r.check_in_code,
		'created_at', r.created_at,
		'confirmed_at', r.confirmed_at,
		'cancelled_at', r.cancelled_at,
		'checked_in_at', r.checked_in_at,
		'event', private.event_card(e) || jsonb_build_object(
			'sequence', e.sequence, 'updated_at', e.updated_at, 'cancelled_reason', e.cancelled_reason),
		'attendees', coalesce((
			select jsonb_agg(jsonb_build_object('id', m.id, 'kind', m.kind, 'nickname', m.nickname)
				order by m.kind, m.nickname)
			from public.registration_attendees a
			join public.family_members m on m.id = a.member_id
			where a.registration_id = r.id
		), '[]'::jsonb)
	) order by e.starts_at, r.created_at), '[]'::jsonb)
	from public.registrations r
	join public.events e on e.id = r.event_id
	where r.family_id = (select private.my_family_id())
		and (p_event_id is null or r.event_id = p_event_id)
$$;

/*
 * Removes a member from the caller's family. Refused while the member is registered for an event
 * that has not started (cancel that first), so no registration is left with fewer people than
 * seats. Returns the removed member's id.
 * Fails: not_authorised, family_required, not_family_member, member_registered.
 */
create function public.remove_family_member(p_id uuid)
returns uuid
language plpgsql
security definer
set search_path = ''
as $$
declare
	v_family_id uuid := private.my_family_id();
begin
	if auth.uid() is null then
		perform private.fail('not_authorised');
	end if;
	if v_family_id is null then
		perform private.fail('family_required');
	end if;
	perform 1 from public.family_members m where m.id = p_id and m.family_id = v_family_id for update;
	if not found then
		perform private.fail('not_family_member');
	end if;
	if exists (
		select 1 from public.registration_attendees a
		join public.registrations r on r.id = a.registration_id
		join public.events e on e.id = r.event_id
		where a.member_id = p_id and r.status in ('confirmed', 'waitlisted') and e.ends_at > now()
	) then
		perform private.fail('member_registered', 'Cancel the registration first.');
	end if;
	delete from public.family_members m where m.id = p_id;
	return p_id;
end;
$$;

/*
 * Everything stored about the caller's family, for the guardian to download (PIPL right of
 * access): the family, its members, consents, registrations with who came, and the emails
 * queued for it (without their contents).
 */
create function public.export_my_family()
returns jsonb
language plpgsql
stable
security definer
set search_path = ''
as $$
declare
	v_uid uuid := auth.uid();
	v_family public.families;
begin
	if v_uid is null then
		perform private.fail('not_authorised');
	end if;
	select * into v_family from public.families f where f.guardian_id = v_uid;
	return jsonb_build_object(
		'format', 'gongyu-family-export/1',
		'exported_at', now(),
		'account', (select jsonb_build_object('id', u.id, 'email', u.email, 'created_at', u.created_at)
			from auth.users u where u.id = v_uid),
		'family', case when v_family.id is null then null else
			to_jsonb(v_family) - 'unsubscribe_token' end,
		'members', coalesce((
			select jsonb_agg(to_jsonb(m) order by m.created_at)
			from public.family_members m where m.family_id = v_family.id
		), '[]'::jsonb),
		'consents', coalesce((
			select jsonb_agg(jsonb_build_object('kind', c.kind, 'version', c.version,
				'agreed_at', c.agreed_at, 'title_zh', t.title_zh, 'title_en', t.title_en)
				order by c.agreed_at)
			from public.consents c
			join public.privacy_texts t on t.version = c.version
			where c.family_id = v_family.id
		), '[]'::jsonb),
		'registrations', coalesce((
			select jsonb_agg(jsonb_build_object(
				'id', r.id, 'status', r.status, 'seats', r.seats,
				'waitlist_position', r.waitlist_position, 'check_in_code', r.check_in_code,
				'source', r.source, 'created_at', r.created_at, 'confirmed_at', r.confirmed_at,
				'cancelled_at', r.cancelled_at, 'checked_in_at', r.checked_in_at,
				'event', jsonb_build_object('id', e.id, 'slug', e.slug, 'title_zh', e.title_zh,
					'title_en', e.title_en, 'starts_at', e.starts_at, 'ends_at', e.ends_at),
				'attendees', coalesce((
					select jsonb_agg(a.member_id) from public.registration_attendees a
					where a.registration_id = r.id
				), '[]'::jsonb)
			) order by r.created_at)
			from public.registrations r
			join public.events e on e.id = r.event_id
			where r.family_id = v_family.id
		), '[]'::jsonb),
		'emails', coalesce((
			select jsonb_agg(jsonb_build_object('kind', o.kind, 'to_email', o.to_email,
				'locale', o.locale, 'status', o.status, 'created_at', o.created_at, 'sent_at', o.sent_at)
				order by o.created_at)
			from public.email_outbox o
			where o.registration_id in (select r.id from public.registrations r where r.family_id = v_family.id)
		), '[]'::jsonb)
	);
end;
$$;

/*
 * Deletes the caller's account and everything about the family (PIPL right to erasure), in one
 * transaction: the emails about its registrations, the family (its registrations for events still
 * ahead are cancelled first and their places go to the waitlist — see release_family), its members
 * and consents, and finally the auth user with its sessions. Security definer because a user may
 * not delete from auth.users; it only ever deletes auth.uid(). Staff accounts are refused: an
 * organisation must not lose its staff by a click, the district administrators remove those.
 * Returns {deleted: true, family_deleted}. Fails: not_authorised, staff_account.
 */
create function public.delete_my_account()
returns jsonb
language plpgsql
security definer
set search_path = ''
as $$
declare
	v_uid uuid := auth.uid();
	v_family_id uuid;
begin
	if v_uid is null then
		perform private.fail('not_authorised');
	end if;
	if exists (select 1 from public.org_members m where m.user_id = v_uid) then
		perform private.fail('staff_account', 'Ask a district administrator to remove a staff account.');
	end if;
	select f.id into v_family_id from public.families f where f.guardian_id = v_uid;
	if v_family_id is not null then
		delete from public.email_outbox o
		where o.registration_id in (
			select r.id from public.registrations r where r.family_id = v_family_id);
		delete from public.families f where f.id = v_family_id;
	end if;
	delete from auth.users u where u.id = v_uid;
	return jsonb_build_object('deleted', true, 'family_deleted', v_family_id is not null);
end;
$$;

revoke all on function
	private.event_place(uuid),
	private.event_card(public.events)
	from public;
grant execute on function
	private.event_place(uuid),
	private.event_card(public.events)
	to anon, authenticated, service_role;

revoke all on function
	public.find_events(text, public.event_category, uuid, integer, timestamptz, timestamptz, integer,
		integer, boolean),
	public.event_details(text),
	public.my_registrations(uuid),
	public.remove_family_member(uuid),
	public.export_my_family(),
	public.delete_my_account()
	from public, anon, authenticated;
grant execute on function
	public.find_events(text, public.event_category, uuid, integer, timestamptz, timestamptz, integer,
		integer, boolean),
	public.event_details(text)
	to anon, authenticated, service_role;
grant execute on function
	public.my_registrations(uuid),
	public.remove_family_member(uuid),
	public.export_my_family(),
	public.delete_my_account()
	to authenticated;
