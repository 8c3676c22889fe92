-- Publishing checks that families will know what they sign up for.

/*
 * What a draft still lacks before families may see it, in a fixed order: summary, description,
 * age_range (neither youngest nor oldest age given), capacity, place (no room and no address).
 * Chinese texts count: English ones fall back to them.
 */
create function private.event_missing_fields(p_event public.events)
returns text[]
language sql
immutable
set search_path = ''
as $$
	select array_remove(array[
		case when btrim(p_event.summary_zh) = '' then 'summary' end,
		case when btrim(p_event.description_zh) = '' then 'description' end,
		case when p_event.min_child_age is null and p_event.max_child_age is null then 'age_range' end,
		case when p_event.capacity is null or p_event.capacity < 1 then 'capacity' end,
		case when p_event.venue_booking_id is null and coalesce(btrim(p_event.address_zh), '') = ''
			then 'place' end
	], null)
$$;

/*
 * Publishes a draft event (and, with p_whole_series, every draft of its series still ahead).
 * Every event to publish must be complete (private.event_missing_fields): otherwise nothing is
 * published and it fails event_incomplete, hint: the missing fields joined by commas
 * ("summary,age_range"), over all the events concerned.
 * Returns {published: n}. Fails: event_not_found, not_authorised, event_cancelled,
 * event_already_started, event_incomplete.
 */
create or replace function public.publish_event(p_event_id uuid, p_whole_series boolean default false)
returns jsonb
language plpgsql
security definer
set search_path = ''
as $$
declare
	v_event public.events;
	v_missing text[];
	v_count integer;
begin
	select * into v_event from public.events e where e.id = p_event_id for update;
	if not found then
		perform private.fail('event_not_found');
	end if;
	if not private.is_org_member(v_event.org_id) then
		perform private.fail('not_authorised');
	end if;
	if v_event.status = 'cancelled' then
		perform private.fail('event_cancelled');
	end if;
	if v_event.starts_at <= now() then
		perform private.fail('event_already_started');
	end if;
	select array_agg(f.field order by f.position) into v_missing
	from (
		select m.field, min(m.position) as position
		from public.events e
		cross join lateral unnest(private.event_missing_fields(e)) with ordinality as m(field, position)
		where e.status = 'draft' and e.starts_at > now()
			and (e.id = p_event_id
				or (p_whole_series and v_event.series_id is not null and e.series_id = v_event.series_id))
		group by m.field
	) f;
	if v_missing is not null then
		perform private.fail('event_incomplete', array_to_string(v_missing, ','));
	end if;
	update public.events e set status = 'published'
	where e.status = 'draft' and e.starts_at > now()
		and (e.id = p_event_id
			or (p_whole_series and v_event.series_id is not null and e.series_id = v_event.series_id));
	get diagnostics v_count = row_count;
	return jsonb_build_object('published', v_count);
end;
$$;

revoke all on function private.event_missing_fields(public.events) from public, anon, authenticated;
