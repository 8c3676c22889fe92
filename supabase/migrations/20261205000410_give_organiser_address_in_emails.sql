-- Emails to families name the organiser's address beside its phone (the greeting by name reads
-- guardian_name, already in every registration payload), and say whether a cancelled
-- registration ever held a place (leaving the waitlist is not "your places are released").
-- Only new rows carry these: a queued row keeps the snapshot it was written with.
create or replace function private.event_payload(p_event_id uuid)
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
			'organisation_phone', o.contact_phone,
			'organisation_address_zh', o.address_zh,
			'organisation_address_en', coalesce(o.address_en, o.address_zh)
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


create or replace function private.registration_email_payload(
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
			'check_in_code', p_registration.check_in_code,
			-- Null on a registration that never held a place: cancelling it leaves the waitlist.
			'confirmed_at', p_registration.confirmed_at
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
