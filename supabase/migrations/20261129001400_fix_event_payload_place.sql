-- An event held in a room booked at another organisation's centre takes place at that centre's
-- address, not at the organiser's own: emails and calendar files must say where to go.
create or replace function private.event_payload(p_event_id uuid)
returns jsonb
language sql
stable
security definer
set search_path = ''
as $$
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
$$;
