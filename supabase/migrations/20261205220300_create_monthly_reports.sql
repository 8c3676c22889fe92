-- The monthly report (月报) to the district's administrators: queued through the outbox on the 1st of
-- each month for the month before, once per month per administrator.

/*
 * Queues last month's report for every district administrator (auth.users whose app_metadata role
 * is district_admin) when p_now falls on the 1st–3rd of a month in Asia/Shanghai (the later days
 * catch a server that was down on the 1st). The payload is the month's figures for the whole
 * district (private.dashboard_figures, by week), so the email and its PDF render the same bytes
 * on every retry. The idempotency key is the month and the administrator: running it twice, or on
 * the 2nd again, queues nothing twice. Returns how many reports were queued. For the scheduled
 * job only (service role).
 */
create function public.enqueue_monthly_reports(p_now timestamptz default now())
returns integer
language plpgsql
volatile
security definer
set search_path = ''
as $$
declare
	v_today date := (p_now at time zone 'Asia/Shanghai')::date;
	v_first date := (date_trunc('month', v_today) - interval '1 month')::date;
	v_last date := (date_trunc('month', v_today) - interval '1 day')::date;
	v_figures jsonb;
	v_count integer;
begin
	if extract(day from v_today) > 3 then
		return 0;
	end if;
	if not exists (
		select 1 from auth.users u
		where u.raw_app_meta_data ->> 'role' = 'district_admin' and u.email is not null
			and not exists (select 1 from public.email_outbox o
				where o.idempotency_key = 'monthly_report:' || to_char(v_first, 'YYYY-MM') || ':' || u.id)
	) then
		return 0;
	end if;
	v_figures := private.dashboard_figures(v_first, v_last, null, 'week');
	with queued as (
		insert into public.email_outbox (kind, to_email, locale, payload, idempotency_key)
		select 'monthly_report', u.email,
			case when u.raw_user_meta_data ->> 'locale' = 'en' then 'en' else 'zh-CN' end::public.app_locale,
			jsonb_build_object('month', to_char(v_first, 'YYYY-MM'), 'generated_at', p_now,
				'figures', v_figures),
			'monthly_report:' || to_char(v_first, 'YYYY-MM') || ':' || u.id
		from auth.users u
		where u.raw_app_meta_data ->> 'role' = 'district_admin' and u.email is not null
		on conflict (idempotency_key) do nothing
		returning 1
	)
	select count(*)::integer into v_count from queued;
	return v_count;
end;
$$;

revoke all on function public.enqueue_monthly_reports(timestamptz) from public, anon, authenticated;
grant execute on function public.enqueue_monthly_reports(timestamptz) to service_role;
