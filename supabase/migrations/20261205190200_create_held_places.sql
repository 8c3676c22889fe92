-- Held places (保留名额): an event keeps some of its seats for referred families until a release
-- time; a referrer can invite one referred family into them. Which registration took a held seat,
-- and who was invited, is readable only by the referring organisation's referrers and the care
-- staff: the event's own staff see an ordinary attendee.

/*
 * Seats of an event held for referred families until release_at (by default 48 hours before the
 * start). public.release_held_places() then sets released_at, and the unused seats become
 * ordinary seats for the waitlist. Set by the event's staff through set_event_hold.
 */
create table public.event_holds (
	event_id uuid primary key references public.events (id) on delete cascade,
	seats integer not null check (seats between 1 and 5000),
	release_at timestamptz not null,
	released_at timestamptz,
	released_seats integer check (released_seats >= 0),
	created_at timestamptz not null default now(),
	updated_at timestamptz not null default now()
);
create index event_holds_due_idx on public.event_holds (release_at) where released_at is null;
comment on column public.event_holds.seats is 'Seats kept for referred families (people).';
comment on column public.event_holds.released_seats is
	'Held seats still unused when released, which became ordinary seats.';

/* Which registrations took a held seat, and through which referral. */
create table public.held_place_uses (
	registration_id uuid primary key references public.registrations (id) on delete cascade,
	event_id uuid not null references public.events (id) on delete cascade,
	referral_id uuid references public.referrals (id) on delete set null,
	created_at timestamptz not null default now()
);
create index held_place_uses_event_id_idx on public.held_place_uses (event_id);
create index held_place_uses_referral_id_idx on public.held_place_uses (referral_id);

create type public.held_invitation_status as enum ('pending', 'accepted', 'declined', 'expired');

/*
 * A referrer's invitation of one referred family to an event: while pending and unexpired, its
 * seats are kept out of the held seats other families can take. Answered by registering
 * (accepted) or declining; expired by release_held_places.
 */
create table public.held_invitations (
	id uuid primary key default gen_random_uuid(),
	event_id uuid not null references public.events (id) on delete cascade,
	referral_id uuid not null references public.referrals (id) on delete cascade,
	family_id uuid not null references public.families (id) on delete cascade,
	seats smallint not null check (seats between 1 and 20),
	status public.held_invitation_status not null default 'pending',
	expires_at timestamptz not null,
	answered_at timestamptz,
	created_by uuid default auth.uid() references auth.users (id) on delete set null,
	created_at timestamptz not null default now()
);
create unique index held_invitations_one_pending
	on public.held_invitations (event_id, family_id) where status = 'pending';
create index held_invitations_referral_id_idx on public.held_invitations (referral_id);
create index held_invitations_family_id_idx on public.held_invitations (family_id);
create index held_invitations_due_idx on public.held_invitations (expires_at) where status = 'pending';

create trigger event_holds_touch_updated_at before update on public.event_holds
	for each row execute function private.touch_updated_at();

-- Held seats taken by registrations that hold seats (confirmed, attended, no-show).
create function private.held_used(p_event_id uuid)
returns integer
language sql
stable
security definer
set search_path = ''
as $$
	select coalesce(sum(r.seats), 0)::integer from public.held_place_uses u
	join public.registrations r on r.id = u.registration_id
	where u.event_id = p_event_id and r.status in ('confirmed', 'attended', 'no_show')
$$;

-- Held seats not yet taken while the hold is not released: ordinary families cannot have them.
create function private.held_reserve(p_event_id uuid)
returns integer
language plpgsql
stable
security definer
set search_path = ''
as $$
declare
	v_seats integer;
begin
	select h.seats into v_seats from public.event_holds h
	where h.event_id = p_event_id and h.released_at is null;
	if v_seats is null then
		return 0;
	end if;
	return greatest(v_seats - private.held_used(p_event_id), 0);
end;
$$;

-- Seats of pending, unexpired invitations to an event, except those of p_family_id.
create function private.invited_seats(p_event_id uuid, p_except_family uuid default null)
returns integer
language sql
stable
security definer
set search_path = ''
as $$
	select coalesce(sum(i.seats), 0)::integer from public.held_invitations i
	where i.event_id = p_event_id and i.status = 'pending' and i.expires_at > now()
		and i.family_id is distinct from p_except_family
$$;

-- Held seats a referred (or invited) family may take now: none once released or due for release,
-- and never more than the event's places still free (a held seat is a seat of the capacity).
create function private.held_free(p_event_id uuid, p_family_id uuid)
returns integer
language plpgsql
stable
security definer
set search_path = ''
as $$
declare
	v_seats integer;
	v_room integer;
begin
	select h.seats, e.capacity - e.seats_taken into v_seats, v_room
	from public.event_holds h join public.events e on e.id = h.event_id
	where h.event_id = p_event_id and h.released_at is null and h.release_at > now();
	if v_seats is null then
		return 0;
	end if;
	return greatest(least(v_seats - private.held_used(p_event_id)
		- private.invited_seats(p_event_id, p_family_id), v_room), 0);
end;
$$;

-- The pending, unexpired invitation of a family to an event, if any.
create function private.pending_invitation(p_event_id uuid, p_family_id uuid)
returns public.held_invitations
language sql
stable
security definer
set search_path = ''
as $$
	select i.* from public.held_invitations i
	where i.event_id = p_event_id and i.family_id = p_family_id and i.status = 'pending'
		and i.expires_at > now()
$$;

/*
 * Holds p_seats of an event for referred families until p_release_at (default: 48 hours before
 * the start); 0 removes the hold. At most the places not taken by ordinary registrations. For the event's staff. Fewer held seats promote the waitlist.
 * Returns {seats, release_at}.
 * Fails: event_not_found, not_authorised, hold_released, hold_seats_invalid, hold_release_invalid,
 * hold_below_invitations.
 */
create function public.set_event_hold(p_event_id uuid, p_seats integer,
	p_release_at timestamptz default null)
returns jsonb
language plpgsql
security definer
set search_path = ''
as $$
declare
	v_event public.events;
	v_hold public.event_holds;
	v_release timestamptz;
	v_kept integer;
begin
	select * into v_event from public.events e where e.id = p_event_id for update;
	if not found then
		perform private.fail('event_not_found');
	end if;
	if not private.is_org_member(v_event.org_id) then
		perform private.fail('not_authorised');
	end if;
	select * into v_hold from public.event_holds h where h.event_id = p_event_id;
	if v_hold.released_at is not null then
		perform private.fail('hold_released');
	end if;
	-- At most the places not yet taken by ordinary registrations: held seats already taken count.
	if p_seats is null or p_seats < 0 or p_seats > v_event.capacity - v_event.seats_taken
			+ private.held_used(p_event_id) then
		perform private.fail('hold_seats_invalid',
			(v_event.capacity - v_event.seats_taken + private.held_used(p_event_id))::text);
	end if;
	v_kept := private.held_used(p_event_id) + private.invited_seats(p_event_id);
	if p_seats > 0 and p_seats < v_kept then
		perform private.fail('hold_below_invitations', v_kept::text);
	end if;
	if p_seats = 0 then
		delete from public.event_holds h where h.event_id = p_event_id;
		update public.held_invitations i set status = 'expired', answered_at = now()
		where i.event_id = p_event_id and i.status = 'pending';
	else
		v_release := coalesce(p_release_at, v_event.starts_at - interval '48 hours');
		if v_release >= v_event.starts_at then
			perform private.fail('hold_release_invalid');
		end if;
		insert into public.event_holds (event_id, seats, release_at)
		values (p_event_id, p_seats, v_release)
		on conflict (event_id) do update set seats = excluded.seats, release_at = excluded.release_at;
	end if;
	if v_event.status = 'published' and v_event.starts_at > now() then
		perform private.promote_waitlist(p_event_id);
	end if;
	return jsonb_build_object('seats', p_seats, 'release_at', v_release);
end;
$$;

/*
 * A referrer invites the referred family to an event's held places: the seats stay held for that
 * family until it registers or declines, or the invitation expires (at the latest when the hold is
 * released). Emails the family, without a word about why.
 * Returns {invitation_id, expires_at}.
 * Fails: referral_not_found, not_referrer, referral_inactive, family_unknown, event_not_found,
 * no_held_places, already_registered, already_invited, seat_limit_exceeded, held_places_full,
 * invitation_expiry_invalid.
 */
create function public.invite_to_held_place(p_referral_id uuid, p_event_id uuid, p_seats integer,
	p_expires_at timestamptz default null)
returns jsonb
language plpgsql
security definer
set search_path = ''
as $$
declare
	v_referral public.referrals;
	v_family public.families;
	v_event public.events;
	v_hold public.event_holds;
	v_expires timestamptz;
	v_id uuid;
begin
	select * into v_referral from public.referrals r where r.id = p_referral_id;
	if not found then
		perform private.fail('referral_not_found');
	end if;
	if not private.is_referrer(v_referral.org_id) then
		perform private.fail('not_referrer');
	end if;
	if v_referral.ended_at is not null
		or v_referral.ends_on < (now() at time zone 'Asia/Shanghai')::date then
		perform private.fail('referral_inactive');
	end if;
	if v_referral.family_id is null and v_referral.guardian_email is not null then
		-- The family may have signed up since it was referred: link it now.
		update public.referrals r set family_id = f.id, guardian_email = null, redeemed_at = now()
		from public.families f join auth.users u on u.id = f.guardian_id
		where r.id = p_referral_id and lower(u.email) = v_referral.guardian_email
		returning r.* into v_referral;
	end if;
	if v_referral.family_id is null then
		perform private.fail('family_unknown');
	end if;
	select * into v_family from public.families f where f.id = v_referral.family_id;

	select * into v_event from public.events e where e.id = p_event_id for update;
	if not found or v_event.status <> 'published' or v_event.starts_at <= now() then
		perform private.fail('event_not_found');
	end if;
	select * into v_hold from public.event_holds h where h.event_id = p_event_id;
	if v_hold.event_id is null or v_hold.released_at is not null or v_hold.release_at <= now() then
		perform private.fail('no_held_places');
	end if;
	if exists (
		select 1 from public.registrations r
		where r.event_id = p_event_id and r.family_id = v_family.id and r.status <> 'cancelled'
	) then
		perform private.fail('already_registered');
	end if;
	-- An expired invitation still marked pending makes way for the new one.
	update public.held_invitations i set status = 'expired', answered_at = now()
	where i.event_id = p_event_id and i.family_id = v_family.id and i.status = 'pending'
		and i.expires_at <= now();
	if exists (
		select 1 from public.held_invitations i
		where i.event_id = p_event_id and i.family_id = v_family.id and i.status = 'pending'
	) then
		perform private.fail('already_invited');
	end if;
	if p_seats is null or p_seats < 1 or p_seats > v_event.max_seats_per_family then
		perform private.fail('seat_limit_exceeded',
			format('At most %s people per family.', v_event.max_seats_per_family));
	end if;
	if private.held_free(p_event_id, v_family.id) < p_seats then
		perform private.fail('held_places_full');
	end if;
	v_expires := least(coalesce(p_expires_at, now() + interval '3 days'), v_hold.release_at);
	if v_expires <= now() then
		perform private.fail('invitation_expiry_invalid');
	end if;
	insert into public.held_invitations (event_id, referral_id, family_id, seats, expires_at)
	values (p_event_id, v_referral.id, v_family.id, p_seats, v_expires)
	returning id into v_id;
	-- No event_id on the outbox row: the event's staff read their events' emails.
	perform private.enqueue_email('held_place_invitation', v_family.email, v_family.locale,
		jsonb_build_object('event', private.event_payload(p_event_id), 'seats', p_seats,
			'expires_at', v_expires, 'guardian_name', v_family.guardian_name),
		'held_place_invitation:' || v_id);
	return jsonb_build_object('invitation_id', v_id, 'expires_at', v_expires);
end;
$$;

/*
 * The family declines its invitation to an event; the seats go back to the held places (and to a
 * referred family on the waitlist). Returns whether there was an invitation to decline.
 */
create function public.decline_held_invitation(p_event_id uuid)
returns boolean
language plpgsql
security definer
set search_path = ''
as $$
declare
	v_family uuid := private.my_family_id();
	v_event public.events;
begin
	if v_family is null then
		return false;
	end if;
	select * into v_event from public.events e where e.id = p_event_id for update;
	update public.held_invitations i set status = 'declined', answered_at = now()
	where i.event_id = p_event_id and i.family_id = v_family and i.status = 'pending';
	if not found then
		return false;
	end if;
	if v_event.status = 'published' and v_event.starts_at > now() then
		perform private.promote_waitlist(p_event_id);
	end if;
	return true;
end;
$$;

/*
 * When the places an event still holds open to every family: release_at of an unreleased hold of a
 * published event, else null. The event page says that some places are kept and until when, so an
 * ordinary family is not surprised by a waitlist — never for whom, nor how many are left.
 */
create function public.held_places_open_at(p_event_id uuid)
returns timestamptz
language sql
stable
security definer
set search_path = ''
as $$
	select h.release_at
	from public.event_holds h
	join public.events e on e.id = h.event_id
	where h.event_id = p_event_id and h.released_at is null and e.status = 'published'
$$;

/*
 * Whether a held place is there for the caller's family at an event: {available, seats,
 * invited_until}. Says nothing of referrals; false for anyone without one, and once the family
 * is registered.
 */
create function public.held_place_for_me(p_event_id uuid)
returns jsonb
language plpgsql
stable
security definer
set search_path = ''
as $$
declare
	v_family uuid := private.my_family_id();
	v_invitation public.held_invitations;
	v_free integer;
	v_max integer;
begin
	if v_family is null or exists (
		select 1 from public.registrations r
		where r.event_id = p_event_id and r.family_id = v_family and r.status <> 'cancelled'
	) then
		return jsonb_build_object('available', false);
	end if;
	v_invitation := private.pending_invitation(p_event_id, v_family);
	if v_invitation.id is null and private.active_referral(v_family) is null then
		return jsonb_build_object('available', false);
	end if;
	select e.max_seats_per_family into v_max from public.events e
	where e.id = p_event_id and e.status = 'published' and e.starts_at > now();
	v_free := private.held_free(p_event_id, v_family);
	if v_max is null or v_free < 1 then
		return jsonb_build_object('available', false);
	end if;
	return jsonb_build_object('available', true, 'seats', least(v_free, v_max),
		'invited_until', v_invitation.expires_at);
end;
$$;

/*
 * The events ahead with a held place for the caller's family (its invitations first).
 */
create function public.my_held_places()
returns table (
	event_id uuid,
	slug text,
	title_zh text,
	title_en text,
	starts_at timestamptz,
	invited_until timestamptz
)
language plpgsql
stable
security definer
set search_path = ''
as $$
declare
	v_family uuid := private.my_family_id();
	v_referred boolean;
begin
	if v_family is null then
		return;
	end if;
	v_referred := private.active_referral(v_family) is not null;
	return query
		select e.id, e.slug, e.title_zh, e.title_en, e.starts_at, i.expires_at
		from public.event_holds h
		join public.events e on e.id = h.event_id
		left join public.held_invitations i on i.event_id = e.id and i.family_id = v_family
			and i.status = 'pending' and i.expires_at > now()
		where h.released_at is null and h.release_at > now()
			and e.status = 'published' and e.starts_at > now()
			and (v_referred or i.id is not null)
			and not exists (
				select 1 from public.registrations r
				where r.event_id = e.id and r.family_id = v_family and r.status <> 'cancelled'
			)
			and private.held_free(e.id, v_family) >= 1
		order by i.expires_at nulls last, e.starts_at
		limit 50;
end;
$$;

/*
 * The events ahead that still hold places, for a referrer choosing where to invite a family: title,
 * time, when the hold ends and how many held seats are free (pending invitations counted).
 * Fails: not_referrer.
 */
create function public.events_with_held_places()
returns table (
	event_id uuid,
	slug text,
	title_zh text,
	title_en text,
	starts_at timestamptz,
	release_at timestamptz,
	free_seats integer,
	max_seats_per_family integer
)
language plpgsql
stable
security definer
set search_path = ''
as $$
begin
	if not exists (select private.my_referrer_org_ids()) and not private.is_care_staff() then
		perform private.fail('not_referrer');
	end if;
	return query
		select e.id, e.slug, e.title_zh, e.title_en, e.starts_at, h.release_at,
			private.held_free(e.id, null), e.max_seats_per_family::integer
		from public.event_holds h
		join public.events e on e.id = h.event_id
		where h.released_at is null and h.release_at > now()
			and e.status = 'published' and e.starts_at > now()
		order by e.starts_at
		limit 100;
end;
$$;

/*
 * The scheduled release (cron tick / email worker): holds whose release time has come give their
 * unused seats to everyone and the waitlist is promoted in joining order; invitations past their
 * expiry expire. Safe to run twice, at once too: each event is locked and re-checked.
 * Returns {released, promoted, expired}.
 */
create function public.release_held_places(p_now timestamptz default now())
returns jsonb
language plpgsql
security definer
set search_path = ''
as $$
declare
	v_event_id uuid;
	v_event public.events;
	v_released integer := 0;
	v_promoted integer := 0;
	v_expired integer := 0;
	v_count integer;
begin
	for v_event_id in
		select h.event_id from public.event_holds h
		where h.released_at is null and h.release_at <= p_now
		order by h.event_id
	loop
		select * into v_event from public.events e where e.id = v_event_id for update;
		update public.event_holds h
		set released_at = p_now, released_seats = private.held_reserve(h.event_id)
		where h.event_id = v_event_id and h.released_at is null;
		continue when not found;
		v_released := v_released + 1;
		update public.held_invitations i set status = 'expired', answered_at = p_now
		where i.event_id = v_event_id and i.status = 'pending';
		get diagnostics v_count = row_count;
		v_expired := v_expired + v_count;
		if v_event.status = 'published' and v_event.starts_at > now() then
			v_promoted := v_promoted + private.promote_waitlist(v_event_id);
		end if;
	end loop;
	for v_event_id in
		select distinct i.event_id from public.held_invitations i
		where i.status = 'pending' and i.expires_at <= p_now
		order by i.event_id
	loop
		select * into v_event from public.events e where e.id = v_event_id for update;
		update public.held_invitations i set status = 'expired', answered_at = p_now
		where i.event_id = v_event_id and i.status = 'pending' and i.expires_at <= p_now;
		get diagnostics v_count = row_count;
		v_expired := v_expired + v_count;
		if v_count > 0 and v_event.status = 'published' and v_event.starts_at > now() then
			v_promoted := v_promoted + private.promote_waitlist(v_event_id);
		end if;
	end loop;
	return jsonb_build_object('released', v_released, 'promoted', v_promoted, 'expired', v_expired);
end;
$$;

revoke all on all functions in schema private from public;

revoke all on table public.event_holds, public.held_place_uses, public.held_invitations
	from anon, authenticated;
grant select on table public.event_holds, public.held_place_uses, public.held_invitations
	to authenticated;

alter table public.event_holds enable row level security;
alter table public.held_place_uses enable row level security;
alter table public.held_invitations enable row level security;

create policy "Staff read the holds of their events, the district all"
	on public.event_holds for select to authenticated
	using (event_id in (select private.my_event_ids()) or (select private.is_district_admin()));

create policy "Referrers read held places their referrals took, care staff all"
	on public.held_place_uses for select to authenticated
	using (
		referral_id in (select r.id from public.referrals r
			where r.org_id in (select private.my_referrer_org_ids()))
		or (select private.is_care_staff())
	);

create policy "Referrers read their referrals' invitations, care staff all"
	on public.held_invitations for select to authenticated
	using (
		referral_id in (select r.id from public.referrals r
			where r.org_id in (select private.my_referrer_org_ids()))
		or (select private.is_care_staff())
	);

revoke all on function
	public.set_event_hold(uuid, integer, timestamptz),
	public.invite_to_held_place(uuid, uuid, integer, timestamptz),
	public.decline_held_invitation(uuid),
	public.held_place_for_me(uuid),
	public.my_held_places(),
	public.events_with_held_places(),
	public.release_held_places(timestamptz)
	from public, anon, authenticated;
grant execute on function
	public.set_event_hold(uuid, integer, timestamptz),
	public.invite_to_held_place(uuid, uuid, integer, timestamptz),
	public.decline_held_invitation(uuid),
	public.held_place_for_me(uuid),
	public.my_held_places(),
	public.events_with_held_places()
	to authenticated;
grant execute on function public.release_held_places(timestamptz) to service_role;
revoke all on function public.held_places_open_at(uuid) from public, anon, authenticated;
grant execute on function public.held_places_open_at(uuid) to anon, authenticated, service_role;
