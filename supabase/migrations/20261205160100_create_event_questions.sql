-- Questions an organiser asks at registration (allergies, grade, school, access needs …) and the
-- families' answers. register_family and change_registration_members validate answers through
-- private.checked_answers and store them with private.store_answers, in their own transaction.

create type public.question_kind as enum (
	'short_text',
	'long_text',
	'single_choice',
	'multiple_choice',
	'yes_no',
	'number'
);

create type public.question_scope as enum ('family', 'attendee');

/*
 * A question of one event, asked once per registration (scope family) or for each person who comes
 * (scope attendee; children_only: for each child). Choices are [{value, zh, en}], value being the
 * stable key an answer stores. Sensitive questions (a child's health: allergies, access needs) are
 * marked so the pages say so; every answer is visible only to the family and the organising
 * organisation's staff.
 */
create table public.event_questions (
	id uuid primary key default gen_random_uuid(),
	event_id uuid not null references public.events (id) on delete cascade,
	position smallint not null default 0 check (position between 0 and 100),
	kind public.question_kind not null,
	scope public.question_scope not null default 'family',
	children_only boolean not null default false,
	required boolean not null default false,
	sensitive boolean not null default false,
	preset text check (preset in ('allergies', 'grade', 'school', 'access_needs')),
	label_zh text not null check (char_length(btrim(label_zh)) between 1 and 100),
	label_en text not null default '' check (char_length(label_en) <= 150),
	choices jsonb not null default '[]'::jsonb check (jsonb_typeof(choices) = 'array'
		and jsonb_array_length(choices) <= 20),
	created_at timestamptz not null default now(),
	check ((kind in ('single_choice', 'multiple_choice')) = (jsonb_array_length(choices) > 0)),
	check (scope = 'attendee' or not children_only)
);
create index event_questions_event_id_idx on public.event_questions (event_id, position);
comment on column public.event_questions.choices is
	'Single and multiple choice only: [{"value": "o1", "zh": "…", "en": "…"}].';
comment on column public.event_questions.sensitive is
	'A child''s health or needs (PIPL sensitive data): shown with a notice, never to other organisations.';

/*
 * One answer: to a family question (member_id null) or about one person who comes. value is a
 * JSON string (texts, one choice), array of choice values, boolean or number, as checked by
 * private.checked_answers. Kept as long as the registration (and the family) exists.
 */
create table public.registration_answers (
	id uuid primary key default gen_random_uuid(),
	registration_id uuid not null references public.registrations (id) on delete cascade,
	event_id uuid not null references public.events (id) on delete cascade,
	question_id uuid not null references public.event_questions (id) on delete cascade,
	member_id uuid references public.family_members (id) on delete cascade,
	value jsonb not null,
	created_at timestamptz not null default now()
);
create unique index registration_answers_one_per_question
	on public.registration_answers (registration_id, question_id,
		coalesce(member_id, '00000000-0000-0000-0000-000000000000'::uuid));
create index registration_answers_event_id_idx on public.registration_answers (event_id);
create index registration_answers_question_id_idx on public.registration_answers (question_id);
create index registration_answers_member_id_idx on public.registration_answers (member_id);
comment on column public.registration_answers.event_id is
	'The registration''s event, so the staff policy reads one indexed column.';

-- Family notes to the organiser, next to the answers.
alter table public.registrations
	add column note text check (char_length(note) <= 500);
comment on column public.registrations.note is
	'What the family wants the organiser to know, for the event''s staff.';

/*
 * The answers of p_answers ([{question_id, member_id?, value}]) checked against the event's
 * questions for the members who come (p_members). Empty texts, empty choices and null count as
 * unanswered. Returns [{question_id, member_id, value}] ready to store.
 * Fails: answer_invalid (hint: the question's id), answer_required (hint: the question's id).
 */
create function private.checked_answers(p_event_id uuid, p_members uuid[], p_answers jsonb)
returns jsonb
language plpgsql
stable
security definer
set search_path = ''
as $$
declare
	v_question public.event_questions;
	v_given jsonb := case when jsonb_typeof(p_answers) = 'array' then p_answers else '[]'::jsonb end;
	v_item jsonb;
	v_value jsonb;
	v_out jsonb := '[]'::jsonb;
	v_member record;
	v_choices text[];
begin
	-- Anything that names no question of this event, or a member who does not come, is refused.
	for v_item in select * from jsonb_array_elements(v_given) loop
		if jsonb_typeof(v_item) <> 'object' or not exists (
			select 1 from public.event_questions q
			where q.event_id = p_event_id and q.id::text = v_item ->> 'question_id'
				and ((q.scope = 'family' and v_item ->> 'member_id' is null)
					or (q.scope = 'attendee' and (v_item ->> 'member_id')::uuid = any (p_members)))
		) then
			perform private.fail('answer_invalid', v_item ->> 'question_id');
		end if;
	end loop;

	for v_question in
		select * from public.event_questions q where q.event_id = p_event_id order by q.position, q.created_at
	loop
		select coalesce(array_agg(c ->> 'value'), '{}') into v_choices
		from jsonb_array_elements(v_question.choices) c;
		for v_member in
			select null::uuid as id where v_question.scope = 'family'
			union all
			select fm.id from public.family_members fm
			where v_question.scope = 'attendee' and fm.id = any (p_members)
				and (not v_question.children_only or fm.kind = 'child')
		loop
			select a -> 'value' into v_value from jsonb_array_elements(v_given) a
			where a ->> 'question_id' = v_question.id::text
				and (a ->> 'member_id') is not distinct from v_member.id::text
			limit 1;
			-- Unanswered: null, blank text, no choice.
			if v_value is null or jsonb_typeof(v_value) = 'null'
				or (jsonb_typeof(v_value) = 'string' and btrim(v_value #>> '{}') = '')
				or (jsonb_typeof(v_value) = 'array' and jsonb_array_length(v_value) = 0) then
				if v_question.required then
					perform private.fail('answer_required', v_question.id::text);
				end if;
				continue;
			end if;
			if not (case v_question.kind
				when 'short_text' then jsonb_typeof(v_value) = 'string'
					and char_length(v_value #>> '{}') <= 200
				when 'long_text' then jsonb_typeof(v_value) = 'string'
					and char_length(v_value #>> '{}') <= 2000
				when 'single_choice' then jsonb_typeof(v_value) = 'string'
					and (v_value #>> '{}') = any (v_choices)
				when 'multiple_choice' then jsonb_typeof(v_value) = 'array'
					and not exists (
						select 1 from jsonb_array_elements(v_value) x
						where jsonb_typeof(x) <> 'string' or (x #>> '{}') <> all (v_choices))
				when 'yes_no' then jsonb_typeof(v_value) = 'boolean'
				when 'number' then jsonb_typeof(v_value) = 'number'
					and abs((v_value #>> '{}')::numeric) < 1000000
			end) then
				perform private.fail('answer_invalid', v_question.id::text);
			end if;
			if jsonb_typeof(v_value) = 'string' then
				v_value := to_jsonb(btrim(v_value #>> '{}'));
			end if;
			v_out := v_out || jsonb_build_array(jsonb_build_object(
				'question_id', v_question.id, 'member_id', v_member.id, 'value', v_value));
		end loop;
	end loop;
	return v_out;
end;
$$;

-- Replaces a registration's answers with checked ones (from private.checked_answers).
create function private.store_answers(p_registration_id uuid, p_event_id uuid, p_checked jsonb)
returns void
language sql
security definer
set search_path = ''
as $$
	delete from public.registration_answers a where a.registration_id = p_registration_id;
	insert into public.registration_answers (registration_id, event_id, question_id, member_id, value)
	select p_registration_id, p_event_id, (x ->> 'question_id')::uuid, (x ->> 'member_id')::uuid,
		x -> 'value'
	from jsonb_array_elements(p_checked) x;
$$;

/*
 * The answers and notes of an event's registrations (cancelled ones left out), for the staff of
 * the organising organisation only — not district administrators: a child's health answers go to
 * the organiser and nobody else. Attendee answers carry the person's nickname (staff cannot read
 * family_members). Returns [{registration_id, note, answers: [{question_id, member_id, nickname,
 * value}]}]. Fails: event_not_found, not_authorised.
 */
create function public.event_answers(p_event_id uuid)
returns jsonb
language plpgsql
stable
security definer
set search_path = ''
as $$
declare
	v_org_id uuid;
begin
	select e.org_id into v_org_id from public.events e where e.id = p_event_id;
	if not found then
		perform private.fail('event_not_found');
	end if;
	if not private.is_org_member(v_org_id) then
		perform private.fail('not_authorised');
	end if;
	return coalesce((
		select jsonb_agg(jsonb_build_object(
			'registration_id', r.id,
			'note', r.note,
			'answers', coalesce((
				select jsonb_agg(jsonb_build_object('question_id', a.question_id, 'member_id', a.member_id,
					'nickname', m.nickname, 'value', a.value) order by a.created_at, m.nickname)
				from public.registration_answers a
				left join public.family_members m on m.id = a.member_id
				where a.registration_id = r.id
			), '[]'::jsonb)
		) order by r.created_at)
		from public.registrations r
		where r.event_id = p_event_id and r.status <> 'cancelled'
			and (r.note is not null or exists (
				select 1 from public.registration_answers a where a.registration_id = r.id))
	), '[]'::jsonb);
end;
$$;

revoke all on function
	private.checked_answers(uuid, uuid[], jsonb),
	private.store_answers(uuid, uuid, jsonb)
	from public, anon, authenticated;

revoke all on table public.event_questions, public.registration_answers from anon, authenticated;
grant select on table public.event_questions to anon, authenticated;
grant insert (event_id, position, kind, scope, children_only, required, sensitive, preset, label_zh,
	label_en, choices) on table public.event_questions to authenticated;
grant update (position, kind, scope, children_only, required, sensitive, label_zh, label_en, choices)
	on table public.event_questions to authenticated;
grant delete on table public.event_questions to authenticated;
grant select on table public.registration_answers to authenticated;

alter table public.event_questions enable row level security;
alter table public.registration_answers enable row level security;

create policy "Anyone can read the questions of published events"
	on public.event_questions for select to anon, authenticated
	using (event_id in (select e.id from public.events e where e.status = 'published'));

create policy "Staff can read their organisation's event questions"
	on public.event_questions for select to authenticated
	using (event_id in (select private.my_event_ids()));

create policy "Staff can add questions to their organisation's events"
	on public.event_questions for insert to authenticated
	with check (event_id in (select private.my_event_ids()));

create policy "Staff can change their organisation's event questions"
	on public.event_questions for update to authenticated
	using (event_id in (select private.my_event_ids()))
	with check (event_id in (select private.my_event_ids()));

create policy "Staff can remove their organisation's event questions"
	on public.event_questions for delete to authenticated
	using (event_id in (select private.my_event_ids()));

-- No district administrator here: a child's health answers are for the organiser of the event.
create policy "Guardians read their own answers, staff those of their organisation's events"
	on public.registration_answers for select to authenticated
	using (
		registration_id in (select private.my_registration_ids())
		or event_id in (select private.my_event_ids())
	);

revoke all on function public.event_answers(uuid) from public, anon, authenticated;
grant execute on function public.event_answers(uuid) to authenticated;
