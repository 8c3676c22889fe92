-- Certificates of completion (结业证书) and their public verification.

/*
 * A certificate issued to a member who completed a course. serial is 80 random bits (from
 * gen_random_uuid, a strong random source) written GYyy-XXXX-XXXX-XXXX-XXXX-XXXX: it cannot be
 * guessed, and one that is not stored here is not a certificate, so a changed character fails
 * verification. holder_name and holder_initials are copied at issue; the public verification
 * (verify_certificate) shows only validity, the course and the initials. Deleting the family deletes
 * its certificates (they then no longer verify).
 */
create table public.course_certificates (
	id uuid primary key default gen_random_uuid(),
	course_id uuid not null references public.courses (id) on delete cascade,
	member_id uuid not null references public.family_members (id) on delete cascade,
	family_id uuid not null references public.families (id) on delete cascade,
	serial text not null unique check (serial ~ '^GY[0-9]{2}(-[0-9A-F]{4}){5}$'),
	holder_name text not null check (char_length(holder_name) between 1 and 30),
	holder_initials text not null check (char_length(holder_initials) between 1 and 20),
	sessions_attended integer not null check (sessions_attended >= 0),
	hours numeric(6, 1) not null check (hours >= 0),
	issued_at timestamptz not null default now(),
	revoked_at timestamptz,
	constraint course_certificates_one_per_member unique (course_id, member_id)
);
create index course_certificates_family_id_idx on public.course_certificates (family_id);
create index course_certificates_member_id_idx on public.course_certificates (member_id);

revoke all on table public.course_certificates from anon, authenticated;
grant select on table public.course_certificates to authenticated;
alter table public.course_certificates enable row level security;

create policy "Guardians read their family's certificates, staff those of their courses"
	on public.course_certificates for select to authenticated
	using (
		family_id = (select private.my_family_id())
		or course_id in (select private.my_course_ids())
		or (select private.is_district_admin())
	);

create function private.new_certificate_serial()
returns text
language sql
volatile
set search_path = ''
as $$
	with h as (
		select upper(replace(gen_random_uuid()::text, '-', '')) as x
	),
	r as (
		-- Nibbles 13 (the version) and 17 (the variant) of a v4 UUID are not random: left out.
		select substr(x, 1, 12) || substr(x, 14, 3) || substr(x, 18, 5) as b from h
	)
	select 'GY' || to_char(now() at time zone 'Asia/Shanghai', 'YY') || '-'
		|| substr(b, 1, 4) || '-' || substr(b, 5, 4) || '-' || substr(b, 9, 4) || '-'
		|| substr(b, 13, 4) || '-' || substr(b, 17, 4)
	from r
$$;

-- "Grandma Li" → "G. L."; "王小明" → "王**": first letters of Latin words, else the first character.
create function private.initials(p_name text)
returns text
language sql
immutable
set search_path = ''
as $$
	select case
		when btrim(p_name) ~ '^[A-Za-z]' then (
			select string_agg(upper(left(w, 1)) || '.', ' ')
			from regexp_split_to_table(btrim(p_name), '\s+') w
		)
		else left(btrim(p_name), 1) || repeat('*', greatest(char_length(btrim(p_name)) - 1, 1))
	end
$$;

/*
 * Issues certificates to every member who has completed the course and has none yet (the course's
 * staff), and emails each family once per certificate. Returns {issued: int}.
 * Fails: course_not_found, not_authorised.
 */
create function public.issue_course_certificates(p_course_id uuid)
returns jsonb
language plpgsql
security definer
set search_path = ''
as $$
declare
	v_org uuid;
	v_row record;
	v_count integer := 0;
begin
	select c.org_id into v_org from public.courses c where c.id = p_course_id for update;
	if v_org is null then
		perform private.fail('course_not_found');
	end if;
	if not private.is_org_member(v_org) then
		perform private.fail('not_authorised');
	end if;
	for v_row in
		insert into public.course_certificates (course_id, member_id, family_id, serial, holder_name,
			holder_initials, sessions_attended, hours)
		select p_course_id, p.member_id, p.family_id, private.new_certificate_serial(), m.nickname,
			private.initials(m.nickname), p.attended, p.hours
		from private.course_progress(p_course_id) p
		join public.family_members m on m.id = p.member_id
		where p.completed
		on conflict (course_id, member_id) do nothing
		returning id, family_id, serial, holder_name, hours, sessions_attended
	loop
		perform private.enqueue_email('course_certificate', f.email, f.locale,
			jsonb_build_object(
				'course', jsonb_build_object('id', c.id, 'slug', c.slug, 'title_zh', c.title_zh,
					'title_en', c.title_en),
				'organisation', jsonb_build_object('name_zh', o.name_zh, 'name_en', o.name_en,
					'phone', o.contact_phone),
				'certificate', jsonb_build_object('serial', v_row.serial, 'holder_name', v_row.holder_name,
					'hours', v_row.hours, 'sessions_attended', v_row.sessions_attended),
				'guardian_name', f.guardian_name),
			'course_certificate:' || v_row.id)
		from public.families f, public.courses c
		join public.organisations o on o.id = c.org_id
		where f.id = v_row.family_id and c.id = p_course_id;
		v_count := v_count + 1;
	end loop;
	return jsonb_build_object('issued', v_count);
end;
$$;

/*
 * Public verification of a certificate (证书查验), for anyone holding its serial or QR code:
 * {valid: true, course_zh, course_en, organisation_zh, organisation_en, initials} for a certificate
 * issued and not revoked, else {valid: false}. Nothing else about the holder. A serial not in the
 * certificate format is refused before any lookup; a lookup is one unique-index probe.
 */
create function public.verify_certificate(p_serial text)
returns jsonb
language plpgsql
stable
security definer
set search_path = ''
as $$
declare
	v_serial text := upper(regexp_replace(coalesce(p_serial, ''), '\s', '', 'g'));
	v_result jsonb;
begin
	if char_length(v_serial) <> 29 or v_serial !~ '^GY[0-9]{2}(-[0-9A-F]{4}){5}$' then
		return jsonb_build_object('valid', false);
	end if;
	select jsonb_build_object('valid', true, 'course_zh', c.title_zh, 'course_en', c.title_en,
		'organisation_zh', o.name_zh, 'organisation_en', o.name_en, 'initials', cc.holder_initials)
	into v_result
	from public.course_certificates cc
	join public.courses c on c.id = cc.course_id
	join public.organisations o on o.id = c.org_id
	where cc.serial = v_serial and cc.revoked_at is null;
	return coalesce(v_result, jsonb_build_object('valid', false));
end;
$$;

revoke all on all functions in schema private from public;
revoke all on function
	public.issue_course_certificates(uuid),
	public.verify_certificate(text)
	from public, anon, authenticated;
grant execute on function public.issue_course_certificates(uuid) to authenticated;
grant execute on function public.verify_certificate(text) to anon, authenticated;
