-- Certificate verification (证书查验) through the app only, with a limit per client address kept in
-- the database, so nobody can walk the serial space however many app servers answer.

/* Lookups per client address and ten-minute window; rows older than a day are dropped as it goes. */
create table private.certificate_lookups (
	client text not null check (char_length(client) between 1 and 64),
	window_start timestamptz not null,
	lookups integer not null default 1 check (lookups > 0),
	primary key (client, window_start)
);

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
declare
	v_client text := left(coalesce(nullif(btrim(p_client), ''), 'unknown'), 64);
	v_window timestamptz := to_timestamp(floor(extract(epoch from now()) / 600) * 600);
	v_lookups integer;
begin
	insert into private.certificate_lookups as l (client, window_start)
	values (v_client, v_window)
	on conflict (client, window_start) do update set lookups = l.lookups + 1
	returning l.lookups into v_lookups;
	if v_lookups = 1 then
		delete from private.certificate_lookups l where l.window_start < now() - interval '1 day';
	end if;
	if v_lookups > 30 then
		return jsonb_build_object('valid', false, 'limited', true);
	end if;
	return public.verify_certificate(p_serial);
end;
$$;

revoke all on table private.certificate_lookups from public, anon, authenticated;
revoke all on function public.verify_certificate_from(text, text) from public, anon, authenticated;
revoke execute on function public.verify_certificate(text) from anon, authenticated;
grant execute on function public.verify_certificate_from(text, text) to service_role;
grant execute on function public.verify_certificate(text) to service_role;
