-- Certificate verification (证书查验) through the app only, with a limit per client address kept in
-- the database (private.client_attempts), so nobody can walk the serial space however many app
-- servers answer.

/*
 * verify_certificate for the public verification page: counts the lookup of p_client (the visitor's
 * address, as the app saw it) and answers {valid: false, limited: true} without looking the serial
 * up once the address made more than 30 lookups in the current ten-minute window. Only the app's
 * service role calls it (an anonymous client could name any address); verify_certificate itself is
 * no longer open to anon or authenticated clients.
 */
create function public.verify_certificate_from(p_serial text, p_client text)
returns jsonb
language plpgsql
volatile
security definer
set search_path = ''
as $$
begin
	-- Counted as the other anonymous repeats are (20261205000600_count_attempts_per_client.sql).
	if public.count_client_attempt('certificate_lookup', p_client, 600) > 30 then
		return jsonb_build_object('valid', false, 'limited', true);
	end if;
	return public.verify_certificate(p_serial);
end;
$$;

revoke all on function public.verify_certificate_from(text, text) from public, anon, authenticated;
revoke execute on function public.verify_certificate(text) from anon, authenticated;
grant execute on function public.verify_certificate_from(text, text) to service_role;
grant execute on function public.verify_certificate(text) to service_role;
