-- Households, their members, and the guardian's consent to store children's data (PIPL).

create type public.app_locale as enum ('zh-CN', 'en');
create type public.member_kind as enum ('child', 'parent', 'grandparent');

/*
 * The privacy text a guardian agrees to before any child's data is stored. The current version is
 * the most recently published one; a new version requires fresh consent.
 */
create table public.privacy_texts (
	version text primary key check (version ~ '^[0-9A-Za-z._-]{1,40}$'),
	kind text not null default 'children_data' check (kind = 'children_data'),
	title_zh text not null,
	title_en text not null,
	body_zh text not null,
	body_en text not null,
	published_at timestamptz not null default now(),
	created_at timestamptz not null default now()
);

/* One household per guardian account: who to contact, in which language, and whether to remind. */
create table public.families (
	id uuid primary key default gen_random_uuid(),
	guardian_id uuid not null unique default auth.uid() references auth.users (id) on delete cascade,
	guardian_name text not null check (char_length(btrim(guardian_name)) between 1 and 50),
	phone text check (phone ~ '^[0-9+() -]{5,20}$'),
	email text not null check (email ~ '^[^@\s]+@[^@\s]+$' and char_length(email) <= 254),
	locale public.app_locale not null default 'zh-CN',
	reminders_enabled boolean not null default true,
	unsubscribe_token uuid not null unique default gen_random_uuid(),
	created_at timestamptz not null default now(),
	updated_at timestamptz not null default now()
);
comment on column public.families.email is 'Where confirmations and reminders go.';
comment on column public.families.unsubscribe_token is
	'Carried in reminder emails: unsubscribe_reminders(token) turns reminders off without signing in.';

/*
 * The people of a household who come to events. Children: a nickname and birth year and month
 * (stored as the first of the month) — never a full name, birth date or ID number — and only after
 * the guardian's consent to the current privacy text (enforced by a trigger).
 */
create table public.family_members (
	id uuid primary key default gen_random_uuid(),
	family_id uuid not null references public.families (id) on delete cascade,
	kind public.member_kind not null,
	nickname text not null check (char_length(btrim(nickname)) between 1 and 30),
	birth_year_month date check (extract(day from birth_year_month) = 1),
	grade text check (char_length(grade) <= 30),
	notes text check (char_length(notes) <= 500),
	created_at timestamptz not null default now(),
	updated_at timestamptz not null default now(),
	check (kind <> 'child' or birth_year_month is not null)
);
create index family_members_family_id_idx on public.family_members (family_id);
comment on column public.family_members.birth_year_month is
	'First day of the birth month: enough to check an event''s age range.';
comment on column public.family_members.notes is
	'For the guardian (e.g. allergies); not shown to staff.';

/* A guardian's recorded consent to a version of a privacy text, with time. Never edited. */
create table public.consents (
	id uuid primary key default gen_random_uuid(),
	family_id uuid not null references public.families (id) on delete cascade,
	user_id uuid not null references auth.users (id) on delete cascade,
	kind text not null default 'children_data' check (kind = 'children_data'),
	version text not null references public.privacy_texts (version),
	agreed_at timestamptz not null default now(),
	unique (family_id, kind, version)
);

create function private.current_privacy_version()
returns text
language sql
stable
security definer
set search_path = ''
as $$
	select t.version from public.privacy_texts t
	where t.kind = 'children_data' and t.published_at <= now()
	order by t.published_at desc
	limit 1
$$;

create function private.my_family_id()
returns uuid
language sql
stable
security definer
set search_path = ''
as $$
	select f.id from public.families f where f.guardian_id = (select auth.uid())
$$;

create function private.has_current_consent(p_family_id uuid)
returns boolean
language sql
stable
security definer
set search_path = ''
as $$
	select exists (
		select 1 from public.consents c
		where c.family_id = p_family_id
			and c.kind = 'children_data'
			and c.version = private.current_privacy_version()
	)
$$;

-- Children's data only with consent to the current text; a child's birth month is plausible.
create function private.check_family_member()
returns trigger
language plpgsql
security definer
set search_path = ''
as $$
begin
	if new.kind = 'child' then
		if not private.has_current_consent(new.family_id) then
			perform private.fail('consent_required', 'The guardian must agree to the current privacy text first.');
		end if;
		if new.birth_year_month > (now() at time zone 'Asia/Shanghai')::date
			or new.birth_year_month < (now() at time zone 'Asia/Shanghai')::date - interval '19 years' then
			perform private.fail('invalid_member', 'A child''s birth month must be within the last 18 years.');
		end if;
	end if;
	return new;
end;
$$;

create trigger family_members_check before insert or update on public.family_members
	for each row execute function private.check_family_member();
create trigger families_touch_updated_at before update on public.families
	for each row execute function private.touch_updated_at();
create trigger family_members_touch_updated_at before update on public.family_members
	for each row execute function private.touch_updated_at();

revoke all on all functions in schema private from public;
grant execute on function private.my_family_id(), private.current_privacy_version()
	to anon, authenticated, service_role;

revoke all on table public.privacy_texts, public.families, public.family_members, public.consents
	from anon, authenticated;
grant select on table public.privacy_texts to anon, authenticated;
grant insert, update, delete on table public.privacy_texts to authenticated;
grant select, delete on table public.families to authenticated;
grant insert (guardian_id, guardian_name, phone, email, locale, reminders_enabled)
	on table public.families to authenticated;
grant update (guardian_name, phone, email, locale, reminders_enabled)
	on table public.families to authenticated;
grant select, delete on table public.family_members to authenticated;
grant insert (family_id, kind, nickname, birth_year_month, grade, notes)
	on table public.family_members to authenticated;
grant update (kind, nickname, birth_year_month, grade, notes)
	on table public.family_members to authenticated;
grant select on table public.consents to authenticated;

alter table public.privacy_texts enable row level security;
alter table public.families enable row level security;
alter table public.family_members enable row level security;
alter table public.consents enable row level security;

create policy "Anyone can read privacy texts"
	on public.privacy_texts for select to anon, authenticated
	using (true);

create policy "District administrators can publish privacy texts"
	on public.privacy_texts for insert to authenticated
	with check ((select private.is_district_admin()));

create policy "District administrators can correct privacy texts"
	on public.privacy_texts for update to authenticated
	using ((select private.is_district_admin()))
	with check ((select private.is_district_admin()));

create policy "District administrators can withdraw privacy texts"
	on public.privacy_texts for delete to authenticated
	using ((select private.is_district_admin()));

create policy "Guardians can read their own family"
	on public.families for select to authenticated
	using (guardian_id = (select auth.uid()) or (select private.is_district_admin()));

create policy "Guardians can create their own family"
	on public.families for insert to authenticated
	with check (guardian_id = (select auth.uid()));

create policy "Guardians can update their own family"
	on public.families for update to authenticated
	using (guardian_id = (select auth.uid()))
	with check (guardian_id = (select auth.uid()));

create policy "Guardians can delete their own family"
	on public.families for delete to authenticated
	using (guardian_id = (select auth.uid()));

create policy "Guardians can read their own family members"
	on public.family_members for select to authenticated
	using (family_id = (select private.my_family_id()) or (select private.is_district_admin()));

create policy "Guardians can add members to their own family"
	on public.family_members for insert to authenticated
	with check (family_id = (select private.my_family_id()));

create policy "Guardians can update their own family members"
	on public.family_members for update to authenticated
	using (family_id = (select private.my_family_id()))
	with check (family_id = (select private.my_family_id()));

create policy "Guardians can remove their own family members"
	on public.family_members for delete to authenticated
	using (family_id = (select private.my_family_id()));

-- Consents are written by give_consent() only, so the version and time are the server's.
create policy "Guardians can read their own consents"
	on public.consents for select to authenticated
	using (family_id = (select private.my_family_id()) or (select private.is_district_admin()));

create index consents_family_id_idx on public.consents (family_id);

insert into public.privacy_texts (version, title_zh, title_en, body_zh, body_en, published_at)
values (
	'2026-11',
	'儿童个人信息处理知情同意书',
	'Consent to the processing of children''s personal information',
	$zh$为了给您的孩子报名参加家校社协同育人活动，我们需要记录孩子的昵称、出生年月和年级（选填）。我们不会收集姓名全称、身份证号或照片。
这些信息仅用于：核对活动的年龄要求、统计报名人数、在活动现场签到。主办单位工作人员只能看到孩子的昵称和年龄。
信息保存在本区的服务器上，不会提供给第三方，也不会用于营销。您可以随时查看、导出或删除家庭信息；删除后我们将同时取消您尚未开始的报名。
根据《中华人民共和国个人信息保护法》，不满十四周岁未成年人的个人信息属于敏感个人信息，需取得监护人的单独同意。点击“同意”即表示您作为监护人单独同意上述处理。$zh$,
	$en$To register your child for home–school–community co-education events we record the child's nickname, birth year and month, and (optionally) school grade. We do not collect full names, ID numbers or photos.
This information is used only to check an event's age range, count registrations and check families in at the door. Organisers' staff see only the child's nickname and age.
It is kept on the district's server, never given to third parties and never used for marketing. You can view, export or delete your family's data at any time; deleting it also cancels your registrations for events that have not started.
Under China's Personal Information Protection Law, the personal information of children under fourteen is sensitive personal information and requires a guardian's separate consent. By choosing "I agree" you, as guardian, give that separate consent.$en$,
	'2026-11-01T00:00:00+08:00'
);
