-- The registration form's post in one call (报名): the page's slug and the event the form was drawn
-- for must be the same event, then register_family as before. The form's post no longer reads the
-- event page first to compare them (a round trip through the API and the pooler for every family
-- at 8 pm); it reads the event's questions only when the form carries answers, or to word a refusal.

/*
 * register_family(p_event_id, …) for the form on the page of p_slug: fails with event_not_found
 * when p_event_id is not the event of that slug as the caller sees it (RLS on events: a draft is
 * not found by a family), before anything is written. Security invoker; register_family, security
 * definer, decides everything else, with the same failures.
 */
create function public.register_on_page(
	p_slug text,
	p_event_id uuid,
	p_member_ids uuid[],
	p_source text default null,
	p_answers jsonb default null,
	p_note text default null
)
returns jsonb
language plpgsql
set search_path = ''
as $$
begin
	if not exists (select 1 from public.events e where e.id = p_event_id and e.slug = p_slug) then
		-- As private.fail raises it; that helper is not the caller's to execute (security invoker).
		raise exception using errcode = 'P0001', message = 'event_not_found',
			hint = 'event_not_found';
	end if;
	return public.register_family(p_event_id, p_member_ids, p_source, p_answers, p_note);
end;
$$;

revoke all on function public.register_on_page(text, uuid, uuid[], text, jsonb, text)
	from public, anon, authenticated;
grant execute on function public.register_on_page(text, uuid, uuid[], text, jsonb, text)
	to authenticated;
