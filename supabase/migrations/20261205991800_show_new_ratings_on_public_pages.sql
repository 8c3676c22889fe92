-- (After 20261205250100, which creates the version and its trigger function.)
-- An organisation's public page shows the average rating of its past events and its public
-- replies (public.organisation_feedback): a new rating or reply must change
-- public.public_pages_version(), or a kept page would show the old average.
do $$
declare
	t text;
begin
	foreach t in array array['event_feedback', 'feedback_replies'] loop
		execute format(
			'create constraint trigger %I after insert or update or delete on public.%I
			deferrable initially deferred
			for each row execute function private.raise_public_page_version()',
			t || '_raise_public_page_version', t);
	end loop;
end;
$$;
