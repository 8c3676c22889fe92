-- Phone numbers a person in the district can call back: a mainland mobile (1[3-9] and nine
-- digits) or a landline with its area code (0572-1234567, 057212345678), optionally after +86;
-- spaces, hyphens and brackets are ignored. The family form checks the same rule
-- (isChinesePhone in src/lib/schemas/family.ts). Not validated against rows already stored: they
-- keep working, and the rule applies the next time the number is saved.
alter table public.families
	add constraint families_phone_callable check (
		phone is null
		or regexp_replace(phone, '[\s()-]', '', 'g')
			~ '^((\+?86)?1[3-9][0-9]{9}|0[0-9]{9,11}|\+?86[1-9][0-9]{8,10})$'
	) not valid;
