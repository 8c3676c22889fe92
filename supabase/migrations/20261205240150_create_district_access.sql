-- What /admin asks before it shows a single organisation's dashboard: the same refusals as
-- district_participation (not a district administrator; the district requires a second factor
-- and this session has none) without computing the district's participation tables.

/*
 * Returns true for a district administrator who may read the district's figures now.
 * Fails: not_authorised, second_factor_required.
 */
create function public.district_access()
returns boolean
language plpgsql
stable
security definer
set search_path = ''
as $$
begin
	if not coalesce(private.is_district_admin(), false) then
		perform private.fail('not_authorised');
	end if;
	if private.second_factor_missing() then
		perform private.fail('second_factor_required');
	end if;
	return true;
end;
$$;
revoke all on function public.district_access() from public, anon, authenticated;
grant execute on function public.district_access() to authenticated;
