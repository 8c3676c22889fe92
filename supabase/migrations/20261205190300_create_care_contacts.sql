-- The care record (帮扶记录) of a referred family: the contacts its referrers record, and the
-- events it came to, for the referring organisation's referrers and the care staff only.

create type public.care_contact_kind as enum ('home_visit', 'phone_call', 'at_event', 'talk', 'other');

/*
 * One care contact (帮扶) with a referred family: when, what kind, and a short note. Recorded by a
 * referrer of the referring organisation; the district counts them.
 */
create table public.care_contacts (
	id uuid primary key default gen_random_uuid(),
	referral_id uuid not null references public.referrals (id) on delete cascade,
	contact_on date not null,
	kind public.care_contact_kind not null,
	note text not null default '' check (char_length(note) <= 200),
	created_by uuid default auth.uid() references auth.users (id) on delete set null,
	created_at timestamptz not null default now()
);
create index care_contacts_referral_id_idx on public.care_contacts (referral_id, contact_on);
comment on column public.care_contacts.note is 'Short; no child''s full name or ID number.';

create function private.my_referral_ids()
returns setof uuid
language sql
stable
security definer
set search_path = ''
as $$
	select r.id from public.referrals r
	where r.org_id in (select x.org_id from public.referrers x where x.user_id = (select auth.uid()))
$$;

revoke all on all functions in schema private from public;
grant execute on function private.my_referral_ids() to authenticated, service_role;

revoke all on table public.care_contacts from anon, authenticated;
grant select, delete on table public.care_contacts to authenticated;
grant insert (referral_id, contact_on, kind, note) on table public.care_contacts to authenticated;

alter table public.care_contacts enable row level security;

create policy "Referrers read their organisation's care contacts, care staff all"
	on public.care_contacts for select to authenticated
	using (referral_id in (select private.my_referral_ids()) or (select private.is_care_staff()));

create policy "Referrers record care contacts of their organisation's referrals"
	on public.care_contacts for insert to authenticated
	with check (
		referral_id in (select private.my_referral_ids())
		and created_by = (select auth.uid())
		and contact_on <= (now() at time zone 'Asia/Shanghai')::date
	);

create policy "Referrers remove the care contacts they recorded"
	on public.care_contacts for delete to authenticated
	using (referral_id in (select private.my_referral_ids()) and created_by = (select auth.uid()));

/*
 * The events a referred family registered for since its referral: for the referring
 * organisation's referrers and the care staff. held: whether it came on a held place.
 * Fails: not_referrer.
 */
create function public.referral_participations(p_referral_id uuid)
returns table (
	event_id uuid,
	title_zh text,
	title_en text,
	starts_at timestamptz,
	organisation_zh text,
	organisation_en text,
	status public.registration_status,
	seats integer,
	held boolean
)
language plpgsql
stable
security definer
set search_path = ''
as $$
declare
	v_referral public.referrals;
begin
	select * into v_referral from public.referrals r where r.id = p_referral_id;
	if not found or not (private.is_referrer(v_referral.org_id) or private.is_care_staff()) then
		perform private.fail('not_referrer');
	end if;
	return query
		select e.id, e.title_zh, e.title_en, e.starts_at, o.name_zh, o.name_en, g.status,
			g.seats::integer, exists (select 1 from public.held_place_uses u where u.registration_id = g.id)
		from public.registrations g
		join public.events e on e.id = g.event_id
		join public.organisations o on o.id = e.org_id
		where g.family_id = v_referral.family_id
			and (e.starts_at at time zone 'Asia/Shanghai')::date >= v_referral.starts_on
		order by e.starts_at desc
		limit 200;
end;
$$;

/*
 * What the district sees of referrals in a period: only counts, and "<5" for any count under 5,
 * so that no family can be singled out. For district administrators.
 * referred_families: families with a referral overlapping the period; participations: their
 * confirmed or attended registrations for events in the period; held_seats_used: held seats taken
 * at events in the period; held_seats_released: held seats released unused in the period;
 * care_contacts: contacts recorded in the period. Fails: not_authorised.
 */
create function public.district_referral_figures(p_from date, p_to date)
returns table (figure text, value text)
language plpgsql
stable
security definer
set search_path = ''
as $$
declare
	v_from timestamptz := (p_from::timestamp at time zone 'Asia/Shanghai');
	v_to timestamptz := ((p_to + 1)::timestamp at time zone 'Asia/Shanghai');
begin
	if not private.is_district_admin() then
		perform private.fail('not_authorised');
	end if;
	return query
		with counts (figure, n, ord) as (
			select 'referred_families', count(distinct coalesce(r.family_id::text, r.id::text)), 1
			from public.referrals r
			where r.starts_on <= p_to and r.ends_on >= p_from
				and (r.family_id is not null or r.guardian_email is not null)
			union all
			select 'participations', count(*), 2
			from public.registrations g join public.events e on e.id = g.event_id
			where g.status in ('confirmed', 'attended') and e.starts_at >= v_from and e.starts_at < v_to
				and g.family_id in (select r.family_id from public.referrals r
					where r.family_id is not null and r.starts_on <= p_to and r.ends_on >= p_from)
			union all
			select 'held_seats_used', coalesce(sum(g.seats), 0), 3
			from public.held_place_uses u
			join public.registrations g on g.id = u.registration_id
			join public.events e on e.id = u.event_id
			where g.status in ('confirmed', 'attended', 'no_show')
				and e.starts_at >= v_from and e.starts_at < v_to
			union all
			select 'held_seats_released', coalesce(sum(h.released_seats), 0), 4
			from public.event_holds h
			where h.released_at >= v_from and h.released_at < v_to
			union all
			select 'care_contacts', count(*), 5
			from public.care_contacts c where c.contact_on between p_from and p_to
		)
		select c.figure, case when c.n < 5 then '<5' else c.n::text end
		from counts c order by c.ord;
end;
$$;

revoke all on function
	public.referral_participations(uuid),
	public.district_referral_figures(date, date)
	from public, anon, authenticated;
grant execute on function
	public.referral_participations(uuid),
	public.district_referral_figures(date, date)
	to authenticated;
