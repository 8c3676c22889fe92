/*
 * Scheduled work without the app's process: where the pg_cron extension is available (a Supabase
 * project has it; enable it under Database → Extensions, or it is created here), held places are
 * released, due reminders and feedback requests queued and the dashboard's roll-up refreshed every
 * minute by the database itself, the same functions the email worker's tick and POST
 * /api/cron/tick call. They are idempotent (the refresh takes only the marks no other run holds),
 * so the app's worker or an external cron calling the route as well does no harm. Delivery of the
 * queued emails still needs the app (its worker, or the cron route). Where pg_cron is absent (the
 * embedded PGlite, a plain PostgreSQL server) this migration does nothing and does not fail.
 */
do $do$
begin
	if not exists (select 1 from pg_catalog.pg_available_extensions where name = 'pg_cron') then
		raise notice 'pg_cron is not available: scheduled work runs from the app (EMAIL_WORKER) or POST /api/cron/tick';
		return;
	end if;
	begin
		create extension if not exists pg_cron;
	exception when others then
		-- Available but not loadable (not in shared_preload_libraries, or not allowed here).
		raise notice 'pg_cron could not be created (%): scheduled work runs from the app or POST /api/cron/tick', sqlerrm;
		return;
	end;
	-- cron.schedule(name, …) replaces a job of the same name, so running this again changes nothing.
	perform cron.schedule('gongyu-release-held-places', '* * * * *',
		'select public.release_held_places()');
	perform cron.schedule('gongyu-enqueue-due-reminders', '* * * * *',
		'select public.enqueue_due_reminders(); select public.enqueue_due_counselling_reminders()');
	perform cron.schedule('gongyu-enqueue-feedback-requests', '*/5 * * * *',
		'select public.enqueue_feedback_requests()');
	perform cron.schedule('gongyu-refresh-dashboard-rollups', '* * * * *',
		'select public.refresh_dashboard_rollups(1000)');
end
$do$;
