-- The town or street (乡镇/街道) an organisation serves, so the district can see where participation
-- is thin. Free text, as the district names its towns; blank for none.

alter table public.organisations
	add column town text check (town is null or char_length(btrim(town)) between 1 and 50);
comment on column public.organisations.town is
	'The town or street (乡镇/街道) the organisation serves, e.g. 八里店镇; the dashboard groups by it.';
