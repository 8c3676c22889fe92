-- Counts of the notification-and-feedback loop (通知反馈闭环) the district can trust: computed
-- here, from the rows themselves, for the district's dashboard.

/*
 * One row per organisation and event category for [p_from, p_to) (either end null for "no
 * limit"): notices by their sending time, feedback by the event's start. Notices sent to the
 * families of a period (no event) have category null.
 * - notices, notices_sent_to (family-notice pairs), notices_read (opened on the site or answered);
 * - receipts_asked (pairs of notices that ask for a receipt), receipts_answered;
 * - feedback_requested (checked-in registrations asked), feedback_given (by email or on the site),
 *   feedback_rate (of those asked, the share that answered), ratings_average (only
 *   from 5 ratings on: null below, like every small count the district sees).
 * Rates are answered / asked (0..1, 3 decimals), null when nothing was asked.
 * District administrators see every organisation; an organisation's staff see their own.
 */
create function public.closed_loop_counts(p_from timestamptz default null, p_to timestamptz default null)
returns table (
	org_id uuid,
	org_name_zh text,
	org_name_en text,
	category public.event_category,
	notices integer,
	notices_sent_to integer,
	notices_read integer,
	read_rate numeric,
	receipts_asked integer,
	receipts_answered integer,
	receipt_rate numeric,
	feedback_requested integer,
	feedback_given integer,
	feedback_rate numeric,
	ratings_average numeric
)
language plpgsql
stable
security definer
set search_path = ''
as $$
declare
	v_admin boolean := coalesce(private.is_district_admin(), false);
begin
	if auth.uid() is null then
		perform private.fail('not_authorised');
	end if;
	if p_from is not null and p_to is not null and p_to <= p_from then
		perform private.fail('invalid_period');
	end if;
	return query
	with orgs as (
		select o.id, o.name_zh, o.name_en from public.organisations o
		where v_admin or o.id in (select private.my_org_ids())
	),
	n as (
		select nt.org_id, e.category, count(distinct nt.id)::integer as notices,
			count(r.id)::integer as sent_to,
			count(r.read_at)::integer as read,
			count(r.id) filter (where nt.receipt_kind <> 'none')::integer as asked,
			count(r.answered_at) filter (where nt.receipt_kind <> 'none')::integer as answered
		from public.notices nt
		join orgs on orgs.id = nt.org_id
		left join public.events e on e.id = nt.event_id
		left join public.notice_recipients r on r.notice_id = nt.id
		where (p_from is null or nt.created_at >= p_from) and (p_to is null or nt.created_at < p_to)
		group by nt.org_id, e.category
	),
	fb as (
		select e.org_id, e.category,
			count(q.registration_id)::integer as requested,
			count(f.id)::integer as given,
			count(f.id) filter (where q.registration_id is not null)::integer as given_when_asked,
			case when count(f.id) >= 5 then round(avg(f.rating), 2) end as average
		from public.events e
		join orgs on orgs.id = e.org_id
		join public.registrations r on r.event_id = e.id
		left join public.feedback_requests q on q.registration_id = r.id
		left join public.event_feedback f on f.registration_id = r.id
		where (q.registration_id is not null or f.id is not null)
			and (p_from is null or e.starts_at >= p_from) and (p_to is null or e.starts_at < p_to)
		group by e.org_id, e.category
	),
	keys as (
		select n.org_id, n.category from n
		union
		select fb.org_id, fb.category from fb
	)
	select orgs.id, orgs.name_zh, orgs.name_en, k.category,
		coalesce(n.notices, 0), coalesce(n.sent_to, 0), coalesce(n.read, 0),
		case when n.sent_to > 0 then round(n.read::numeric / n.sent_to, 3) end,
		coalesce(n.asked, 0), coalesce(n.answered, 0),
		case when n.asked > 0 then round(n.answered::numeric / n.asked, 3) end,
		coalesce(fb.requested, 0), coalesce(fb.given, 0),
		case when fb.requested > 0 then round(fb.given_when_asked::numeric / fb.requested, 3) end,
		fb.average
	from keys k
	join orgs on orgs.id = k.org_id
	left join n on n.org_id = k.org_id and n.category is not distinct from k.category
	left join fb on fb.org_id = k.org_id and fb.category is not distinct from k.category
	order by orgs.name_zh, orgs.id, k.category nulls first;
end;
$$;

revoke all on function public.closed_loop_counts(timestamptz, timestamptz)
	from public, anon, authenticated;
grant execute on function public.closed_loop_counts(timestamptz, timestamptz) to authenticated;
