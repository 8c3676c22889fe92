-- Guardians' own data: consent, family members, unsubscribing, deleting the family.

/* The version of the children's-data privacy text a guardian must agree to now. */
create function public.current_privacy_version()
returns text
language sql
stable
security definer
set search_path = ''
as $$
	select private.current_privacy_version()
$$;

/*
 * Records the guardian's separate consent to the current privacy text (知情同意). Idempotent.
 * Returns {consent_id, version, agreed_at}. Fails: not_authorised, family_required,
 * consent_version_outdated (the text changed: show the new one).
 */
create function public.give_consent(p_version text)
returns jsonb
language plpgsql
security definer
set search_path = ''
as $$
declare
	v_uid uuid := auth.uid();
	v_family_id uuid := private.my_family_id();
	v_current text := private.current_privacy_version();
	v_consent public.consents;
begin
	if v_uid is null then
		perform private.fail('not_authorised');
	end if;
	if v_family_id is null then
		perform private.fail('family_required', 'Save the family''s contact details first.');
	end if;
	if p_version is distinct from v_current then
		perform private.fail('consent_version_outdated', coalesce(v_current, ''));
	end if;
	insert into public.consents (family_id, user_id, kind, version)
	values (v_family_id, v_uid, 'children_data', v_current)
	on conflict (family_id, kind, version) do nothing;
	select * into v_consent from public.consents c
	where c.family_id = v_family_id and c.kind = 'children_data' and c.version = v_current;
	return jsonb_build_object('consent_id', v_consent.id, 'version', v_consent.version,
		'agreed_at', v_consent.agreed_at);
end;
$$;

/*
 * Adds a member to the caller's family, or updates one (p_id). Children need a birth month (any
 * day of it: stored as the first) and the guardian's current consent.
 * Returns the member: {id, family_id, kind, nickname, birth_year_month, grade, notes}.
 * Fails: not_authorised, family_required, invalid_member, consent_required, not_family_member.
 */
create function public.save_family_member(
	p_kind public.member_kind,
	p_nickname text,
	p_birth_year_month date default null,
	p_grade text default null,
	p_notes text default null,
	p_id uuid default null
)
returns jsonb
language plpgsql
security definer
set search_path = ''
as $$
declare
	v_family_id uuid := private.my_family_id();
	v_nickname text := btrim(p_nickname);
	v_month date := date_trunc('month', p_birth_year_month)::date;
	v_member public.family_members;
begin
	if auth.uid() is null then
		perform private.fail('not_authorised');
	end if;
	if v_family_id is null then
		perform private.fail('family_required', 'Save the family''s contact details first.');
	end if;
	if p_kind is null or v_nickname is null or char_length(v_nickname) not between 1 and 30 then
		perform private.fail('invalid_member', 'A nickname of 1 to 30 characters is needed.');
	end if;
	if p_kind = 'child' and v_month is null then
		perform private.fail('invalid_member', 'A child''s birth year and month are needed.');
	end if;
	if char_length(p_grade) > 30 or char_length(p_notes) > 500 then
		perform private.fail('invalid_member', 'Grade at most 30, notes at most 500 characters.');
	end if;
	if p_id is null then
		insert into public.family_members (family_id, kind, nickname, birth_year_month, grade, notes)
		values (v_family_id, p_kind, v_nickname, v_month, nullif(btrim(p_grade), ''),
			nullif(btrim(p_notes), ''))
		returning * into v_member;
	else
		update public.family_members m
		set kind = p_kind, nickname = v_nickname, birth_year_month = v_month,
			grade = nullif(btrim(p_grade), ''), notes = nullif(btrim(p_notes), '')
		where m.id = p_id and m.family_id = v_family_id
		returning * into v_member;
		if not found then
			perform private.fail('not_family_member');
		end if;
	end if;
	return jsonb_build_object('id', v_member.id, 'family_id', v_member.family_id,
		'kind', v_member.kind, 'nickname', v_member.nickname,
		'birth_year_month', v_member.birth_year_month, 'grade', v_member.grade,
		'notes', v_member.notes);
end;
$$;

/* Turns reminders off from the link in a reminder email, without signing in. Returns whether the
 * token was known. */
create function public.unsubscribe_reminders(p_token uuid)
returns boolean
language plpgsql
security definer
set search_path = ''
as $$
begin
	update public.families f set reminders_enabled = false where f.unsubscribe_token = p_token;
	return found;
end;
$$;

revoke all on all functions in schema private from public;
revoke all on function
	public.current_privacy_version(),
	public.give_consent(text),
	public.save_family_member(public.member_kind, text, date, text, text, uuid),
	public.unsubscribe_reminders(uuid)
	from public, anon, authenticated;
grant execute on function public.current_privacy_version() to anon, authenticated;
-- The link's token is the key: only the app calls it, after counting the unknown links tried from
-- the visitor's address (client_attempts, kind unsubscribe_link).
grant execute on function public.unsubscribe_reminders(uuid) to service_role;
grant execute on function
	public.give_consent(text),
	public.save_family_member(public.member_kind, text, date, text, text, uuid)
	to authenticated;
