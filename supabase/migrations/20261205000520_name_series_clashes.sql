-- A weekly series says what each clashing week clashes with, and can be published at once.

drop function public.create_event_series(uuid, jsonb, integer, boolean, boolean);

/*
 * A weekly series (every week for p_weeks weeks, e.g. a parent class): the first occurrence is
 * p_event's time, each next one 7 days later, all with the same place (venue_id or an address).
 * With p_dry_run nothing is written: the answer lists every occurrence and why any cannot be
 * booked, so staff see the conflicting dates before saving. Saving with conflicts fails
 * (series_conflict, hint: the dates) unless p_skip_conflicts, which leaves those weeks out.
 * Each occurrence is an event of its own (registration windows are per occurrence: they close
 * at its start), sharing series_id: drafts, or published at once with p_publish (then every
 * occurrence must be complete, see publish_event: event_incomplete, and nothing is created).
 * Returns {series_id, occurrences: [{week, date, starts_at, ends_at, conflict, clash}], conflicts,
 * created, published, event_ids}; conflict is null or venue_conflict | outside_opening_hours |
 * starts_in_past. clash (venue_conflict only) is the first booking in the way: {own, kind:
 * event|booking|block, title_zh, title_en, venue_name_zh, venue_name_en, starts_at, ends_at};
 * own is whether it is the caller's organisation's, and only then are its titles given (another
 * organisation's booking is not this organisation's to read).
 * Fails: not_authorised, invalid_series, invalid_period, series_conflict, event_incomplete, and
 * save_event's codes.
 */
create function public.create_event_series(
	p_org_id uuid,
	p_event jsonb,
	p_weeks integer,
	p_dry_run boolean default true,
	p_skip_conflicts boolean default false,
	p_publish boolean default false
)
returns jsonb
language plpgsql
security definer
set search_path = ''
as $$
declare
	v_e jsonb := coalesce(p_event, '{}'::jsonb) - 'booking_id' - 'registration_opens_at'
		- 'registration_closes_at';
	v_starts timestamptz := nullif(v_e ->> 'starts_at', '')::timestamptz;
	v_ends timestamptz := nullif(v_e ->> 'ends_at', '')::timestamptz;
	v_venue public.venues;
	v_venue_id uuid := nullif(v_e ->> 'venue_id', '')::uuid;
	v_occurrences jsonb := '[]'::jsonb;
	v_conflicts integer := 0;
	v_s timestamptz;
	v_f timestamptz;
	v_reason text;
	v_clash jsonb;
	v_series uuid := gen_random_uuid();
	v_ids uuid[] := '{}';
	v_item jsonb;
	v_saved jsonb;
	v_missing text[];
	v_published integer := 0;
begin
	if auth.uid() is null or p_org_id is null or not private.is_org_member(p_org_id) then
		perform private.fail('not_authorised');
	end if;
	if p_weeks is null or p_weeks not between 2 and 52 then
		perform private.fail('invalid_series', 'From 2 to 52 weeks.');
	end if;
	if v_starts is null or v_ends is null or v_ends <= v_starts then
		perform private.fail('invalid_period', 'The event must end after it starts.');
	end if;
	if v_venue_id is not null then
		select * into v_venue from public.venues v where v.id = v_venue_id;
		if not found then
			perform private.fail('venue_not_found');
		end if;
		if v_venue.org_id <> p_org_id then
			perform private.fail('venue_not_own');
		end if;
	end if;

	for i in 0 .. p_weeks - 1 loop
		v_s := v_starts + make_interval(days => 7 * i);
		v_f := v_ends + make_interval(days => 7 * i);
		v_clash := null;
		if v_venue_id is not null then
			select jsonb_build_object(
				'own', b.org_id = p_org_id,
				'kind', case when b.status = 'blocked' then 'block'
					when e.id is not null then 'event' else 'booking' end,
				'title_zh', case when b.org_id = p_org_id
					then coalesce(e.title_zh, nullif(b.purpose, ''), b.reason) end,
				'title_en', case when b.org_id = p_org_id
					then coalesce(nullif(e.title_en, ''), e.title_zh, nullif(b.purpose, ''), b.reason) end,
				'venue_name_zh', v_venue.name_zh,
				'venue_name_en', v_venue.name_en,
				'starts_at', b.starts_at,
				'ends_at', b.ends_at)
			into v_clash
			from public.venue_bookings b
			left join lateral (
				select o.id, o.title_zh, o.title_en from public.events o
				where o.venue_booking_id = b.id and o.status <> 'cancelled'
				order by o.starts_at limit 1
			) e on true
			where b.venue_id = v_venue_id and b.status in ('approved', 'blocked')
				and b.occupied && private.booking_occupied(v_s, v_f, v_venue.buffer_minutes)
			order by b.starts_at
			limit 1;
		end if;
		v_reason := case
			when v_s < now() then 'starts_in_past'
			when v_venue_id is not null and not private.within_opening_hours(v_venue_id, v_s, v_f)
				then 'outside_opening_hours'
			when v_clash is not null then 'venue_conflict'
		end;
		if v_reason is not null then
			v_conflicts := v_conflicts + 1;
		end if;
		v_occurrences := v_occurrences || jsonb_build_array(jsonb_build_object(
			'week', i + 1,
			'date', to_char(v_s at time zone 'Asia/Shanghai', 'YYYY-MM-DD'),
			'starts_at', v_s,
			'ends_at', v_f,
			'conflict', v_reason,
			'clash', case when v_reason = 'venue_conflict' then v_clash end
		));
	end loop;

	if p_dry_run then
		return jsonb_build_object('series_id', null, 'occurrences', v_occurrences,
			'conflicts', v_conflicts, 'created', 0, 'published', 0, 'event_ids', '[]'::jsonb);
	end if;
	if v_conflicts > 0 and not coalesce(p_skip_conflicts, false) then
		perform private.fail('series_conflict', (
			select string_agg(o ->> 'date', ', ' order by (o ->> 'week')::integer)
			from jsonb_array_elements(v_occurrences) o where o ->> 'conflict' is not null
		));
	end if;
	if v_conflicts = p_weeks then
		perform private.fail('series_conflict', 'Every week conflicts.');
	end if;

	for v_item in select value from jsonb_array_elements(v_occurrences) loop
		continue when v_item ->> 'conflict' is not null;
		v_saved := private.staff_save_event(p_org_id,
			v_e || jsonb_build_object('starts_at', v_item -> 'starts_at', 'ends_at', v_item -> 'ends_at'),
			null, v_series);
		v_ids := v_ids || (v_saved ->> 'event_id')::uuid;
	end loop;
	if coalesce(p_publish, false) then
		-- The occurrences share their texts: the first says what all lack.
		select private.event_missing_fields(e) into v_missing
		from public.events e where e.id = v_ids[1];
		if cardinality(v_missing) > 0 then
			perform private.fail('event_incomplete', array_to_string(v_missing, ','));
		end if;
		update public.events e set status = 'published' where e.id = any (v_ids);
		get diagnostics v_published = row_count;
	end if;
	return jsonb_build_object('series_id', v_series, 'occurrences', v_occurrences,
		'conflicts', v_conflicts, 'created', cardinality(v_ids), 'published', v_published,
		'event_ids', to_jsonb(v_ids));
end;
$$;

revoke all on function public.create_event_series(uuid, jsonb, integer, boolean, boolean, boolean)
	from public, anon, authenticated;
grant execute on function public.create_event_series(uuid, jsonb, integer, boolean, boolean, boolean)
	to authenticated;
