-- Demo data a Wuxing district user would recognise. Runs once, as the owner, after the migrations.
-- Every date is relative to the day the database is created (Asia/Shanghai): events fill the
-- coming eight weeks, and one is tonight. Demo accounts sign in with the password `gongyu-demo`
-- (or an email code):
--   parent1@demo.gongyu.local        a mother with a grandmother and two children
--   parent2@demo.gongyu.local        a father with one child
--   staff@youth.demo.gongyu.local    manager, Wuxing Youth Activity Centre
--   staff@school4.demo.gongyu.local  staff, Huzhou No. 4 Middle School Education Group parent school
--   admin@district.demo.gongyu.local district administrator (app_metadata.role = district_admin)
-- familyNN@demo.gongyu.local are passwordless households that fill the events.

-- The local time of ISO weekday p_dow (1 Monday … 7 Sunday) in week p_week, week 0 being the
-- seven days from tomorrow; p_dow 0 is today, whatever the week.
create function pg_temp.at(p_week integer, p_dow integer, p_time time)
returns timestamptz
language sql
stable
as $$
	select ((case when p_dow = 0 then d - 1
			else d + ((p_dow - extract(isodow from d)::integer + 7) % 7) + 7 * p_week end) + p_time)
		at time zone 'Asia/Shanghai'
	from (select (now() at time zone 'Asia/Shanghai')::date + 1 as d) t
$$;

-- A birth month p_months months before this month.
create function pg_temp.born(p_months integer)
returns date
language sql
stable
as $$
	select (date_trunc('month', now() at time zone 'Asia/Shanghai') - make_interval(months => p_months))::date
$$;

-- Accounts ---------------------------------------------------------------------------------------
create temporary table seed_users (id uuid primary key, email text, app_role text, with_password boolean);
insert into seed_users values
	('d0000000-0000-4000-8000-000000000001', 'parent1@demo.gongyu.local', null, true),
	('d0000000-0000-4000-8000-000000000002', 'parent2@demo.gongyu.local', null, true),
	('d0000000-0000-4000-8000-000000000003', 'staff@youth.demo.gongyu.local', null, true),
	('d0000000-0000-4000-8000-000000000004', 'staff@school4.demo.gongyu.local', null, true),
	('d0000000-0000-4000-8000-000000000005', 'admin@district.demo.gongyu.local', 'district_admin', true);
insert into seed_users
select ('d0000000-0000-4000-8000-0000000001' || lpad(n::text, 2, '0'))::uuid,
	'family' || lpad(n::text, 2, '0') || '@demo.gongyu.local', null, false
from generate_series(1, 60) n;

with pw as (select extensions.crypt('gongyu-demo', extensions.gen_salt('bf', 10)) as hash)
insert into auth.users (instance_id, id, aud, role, email, encrypted_password, email_confirmed_at,
	confirmation_token, recovery_token, email_change_token_new, email_change, raw_app_meta_data,
	raw_user_meta_data, is_super_admin, created_at, updated_at)
select '00000000-0000-0000-0000-000000000000', u.id, 'authenticated', 'authenticated', u.email,
	case when u.with_password then pw.hash end, now(), '', '', '', '',
	jsonb_build_object('provider', 'email', 'providers', jsonb_build_array('email'))
		|| case when u.app_role is not null then jsonb_build_object('role', u.app_role) else '{}' end,
	'{}'::jsonb, false, now(), now()
from seed_users u cross join pw;

insert into auth.identities (id, provider_id, user_id, identity_data, provider, created_at, updated_at)
select gen_random_uuid(), u.id::text, u.id,
	jsonb_build_object('sub', u.id::text, 'email', u.email, 'email_verified', true,
		'phone_verified', false),
	'email', now(), now()
from seed_users u;

-- Organisations and rooms --------------------------------------------------------------------------
insert into public.organisations (id, kind, slug, name_zh, name_en, description_zh, description_en,
	address_zh, address_en, contact_name, contact_phone, contact_email)
values
	('a0000000-0000-4000-8000-000000000001', 'youth_centre', 'wuxing-youth-centre',
		'吴兴区青少年活动中心', 'Wuxing District Youth Activity Centre',
		'位于西山漾丝绸小镇，与校外心理辅导中心、妇儿活动中心共同构成“三位一体”校外育人阵地，常年开展亲子阅读、研学、趣味运动和传统文化活动。',
		'At Xishanyang Silk Town, together with the off-campus counselling centre and the women and children''s centre it forms the district''s three-in-one out-of-school education base: parent-child reading, study trips, sports days and traditional culture all year round.',
		'湖州市吴兴区西山漾丝绸小镇', 'Xishanyang Silk Town, Wuxing District, Huzhou',
		'活动部', '0572-2000001', 'youth@demo.gongyu.local'),
	('a0000000-0000-4000-8000-000000000002', 'counselling_centre', 'wuxing-counselling-centre',
		'吴兴区校外心理辅导中心', 'Wuxing Off-campus Psychological Counselling Centre',
		'为青少年和家长提供心理辅导、家庭教育指导和心理健康教育沙龙等公益服务。',
		'Free counselling, family-education guidance and mental-health salons for young people and their parents.',
		'湖州市吴兴区西山漾丝绸小镇', 'Xishanyang Silk Town, Wuxing District, Huzhou',
		'心理辅导中心', '0572-2000002', 'counselling@demo.gongyu.local'),
	('a0000000-0000-4000-8000-000000000003', 'women_children_centre', 'wuxing-women-children-centre',
		'吴兴区妇儿活动中心', 'Wuxing Women and Children''s Activity Centre',
		'联合区妇联开展家庭教育大讲堂、亲子活动营和隔代教育课堂。',
		'With the district women''s federation: family education lectures, parent-child camps and classes for grandparents.',
		'湖州市吴兴区西山漾丝绸小镇', 'Xishanyang Silk Town, Wuxing District, Huzhou',
		'妇儿活动中心', '0572-2000003', 'women-children@demo.gongyu.local'),
	('a0000000-0000-4000-8000-000000000004', 'school_parent_school', 'huzhou-no4-middle-school',
		'湖州四中教育集团家长学校', 'Huzhou No. 4 Middle School Education Group Parent School',
		'国家级示范家长学校。面向集团各校区家长开设家长课堂和家庭教育大讲堂。',
		'A national model parent school: parent classes and family education lectures for the group''s families.',
		'湖州市吴兴区 湖州四中', 'Huzhou No. 4 Middle School, Wuxing District, Huzhou',
		'德育处', '0572-2000004', 'school4@demo.gongyu.local'),
	('a0000000-0000-4000-8000-000000000005', 'school_parent_school', 'huzhou-no12-middle-school',
		'湖州市第十二中学家长学校', 'Huzhou No. 12 Middle School Parent School',
		'省级示范性家长学校。', 'A provincial model parent school.',
		'湖州市吴兴区 湖州十二中', 'Huzhou No. 12 Middle School, Wuxing District, Huzhou',
		'德育处', '0572-2000005', 'school12@demo.gongyu.local'),
	('a0000000-0000-4000-8000-000000000006', 'school_parent_school', 'aishan-primary-school',
		'爱山小学教育集团家长学校', 'Aishan Primary School Education Group Parent School',
		'省级示范性家长学校，重视亲子共读和隔代教育。',
		'A provincial model parent school, with shared reading and classes for grandparents.',
		'湖州市吴兴区 爱山小学', 'Aishan Primary School, Wuxing District, Huzhou',
		'家长学校办公室', '0572-2000006', 'aishan@demo.gongyu.local'),
	('a0000000-0000-4000-8000-000000000007', 'school_parent_school', 'zhili-experimental-primary',
		'织里实验小学教育集团家长学校', 'Zhili Experimental Primary School Education Group Parent School',
		'省级示范性家长学校。', 'A provincial model parent school.',
		'湖州市吴兴区织里镇 织里实验小学', 'Zhili Experimental Primary School, Zhili, Wuxing District',
		'家长学校办公室', '0572-2000007', 'zhili-school@demo.gongyu.local'),
	('a0000000-0000-4000-8000-000000000008', 'community_parent_school', 'yuehe-community',
		'月河街道社区家长学校', 'Yuehe Subdistrict Community Parent School',
		'社区家长课堂和心理健康教育沙龙，就在家门口。',
		'Parent classes and mental-health salons on your doorstep.',
		'湖州市吴兴区月河街道社区服务中心', 'Yuehe Subdistrict Community Service Centre, Wuxing District',
		'社区工作站', '0572-2000008', 'yuehe@demo.gongyu.local'),
	('a0000000-0000-4000-8000-000000000009', 'community_parent_school', 'zhili-town-community',
		'织里镇社区家长学校', 'Zhili Town Community Parent School',
		'面向新老织里人家庭的亲子活动营和读书分享会。',
		'Parent-child camps and reading sessions for Zhili''s families, old and new.',
		'湖州市吴兴区织里镇邻里中心', 'Zhili Town Neighbourhood Centre, Wuxing District',
		'邻里中心', '0572-2000009', 'zhili-community@demo.gongyu.local'),
	('a0000000-0000-4000-8000-000000000010', 'community_parent_school', 'feiying-community',
		'飞英街道社区家长学校', 'Feiying Subdistrict Community Parent School',
		'祖辈家长课堂和社区趣味运动会。', 'Classes for grandparents and community sports days.',
		'湖州市吴兴区飞英街道社区服务中心', 'Feiying Subdistrict Community Service Centre, Wuxing District',
		'社区工作站', '0572-2000010', 'feiying@demo.gongyu.local');

insert into public.org_members (org_id, user_id, role) values
	('a0000000-0000-4000-8000-000000000001', 'd0000000-0000-4000-8000-000000000003', 'manager'),
	('a0000000-0000-4000-8000-000000000004', 'd0000000-0000-4000-8000-000000000004', 'staff');

insert into public.venues (id, org_id, name_zh, name_en, description_zh, description_en, capacity,
	buffer_minutes)
values
	('b0000000-0000-4000-8000-000000000001', 'a0000000-0000-4000-8000-000000000001', '多功能厅',
		'Multi-purpose Hall', '可容纳120人，配投影和音响。', 'Seats 120, with projector and sound.', 120, 30),
	('b0000000-0000-4000-8000-000000000002', 'a0000000-0000-4000-8000-000000000001', '阅读室',
		'Reading Room', '绘本和少儿读物三千余册。', 'Over three thousand picture and children''s books.', 40, 15),
	('b0000000-0000-4000-8000-000000000003', 'a0000000-0000-4000-8000-000000000001', '手工坊',
		'Craft Workshop', '湖笔、扎染、剪纸等手作体验。', 'Hu brushes, tie-dye, paper-cutting.', 30, 30),
	('b0000000-0000-4000-8000-000000000004', 'a0000000-0000-4000-8000-000000000001', '室内运动馆',
		'Indoor Sports Hall', '篮球场两片，可开展趣味运动会。', 'Two basketball courts; fun sports days.', 200, 30),
	('b0000000-0000-4000-8000-000000000005', 'a0000000-0000-4000-8000-000000000002', '团体辅导室',
		'Group Counselling Room', '围圈而坐的安静房间。', 'A quiet room for sitting in a circle.', 24, 15),
	('b0000000-0000-4000-8000-000000000006', 'a0000000-0000-4000-8000-000000000003', '亲子活动室',
		'Parent-Child Room', '地垫、烘焙台和手工桌。', 'Floor mats, a baking counter and craft tables.', 50, 30),
	('b0000000-0000-4000-8000-000000000007', 'a0000000-0000-4000-8000-000000000003', '家长课堂',
		'Parent Classroom', '课桌式布置，80座。', 'Classroom layout, 80 seats.', 80, 15),
	('b0000000-0000-4000-8000-000000000008', 'a0000000-0000-4000-8000-000000000004', '报告厅',
		'Lecture Hall', '湖州四中报告厅。', 'Huzhou No. 4 Middle School lecture hall.', 300, 30),
	('b0000000-0000-4000-8000-000000000009', 'a0000000-0000-4000-8000-000000000005', '阶梯教室',
		'Lecture Theatre', '', '', 150, 15),
	('b0000000-0000-4000-8000-000000000010', 'a0000000-0000-4000-8000-000000000006', '多功能教室',
		'Multi-purpose Classroom', '', '', 80, 15),
	('b0000000-0000-4000-8000-000000000011', 'a0000000-0000-4000-8000-000000000007', '礼堂',
		'Auditorium', '', '', 400, 30),
	('b0000000-0000-4000-8000-000000000012', 'a0000000-0000-4000-8000-000000000008', '社区活动室',
		'Community Room', '', '', 40, 15),
	('b0000000-0000-4000-8000-000000000013', 'a0000000-0000-4000-8000-000000000009', '邻里中心活动室',
		'Neighbourhood Centre Room', '', '', 60, 15),
	('b0000000-0000-4000-8000-000000000014', 'a0000000-0000-4000-8000-000000000010', '社区家长学校教室',
		'Community Parent School Room', '', '', 40, 15);

-- The towns and streets (乡镇/街道) the organisations serve, for the dashboard's map of where
-- participation is thin.
update public.organisations o set town = t.town
from (values
	('a0000000-0000-4000-8000-000000000001'::uuid, '八里店镇'),
	('a0000000-0000-4000-8000-000000000002'::uuid, '八里店镇'),
	('a0000000-0000-4000-8000-000000000003'::uuid, '八里店镇'),
	('a0000000-0000-4000-8000-000000000004'::uuid, '爱山街道'),
	('a0000000-0000-4000-8000-000000000005'::uuid, '龙泉街道'),
	('a0000000-0000-4000-8000-000000000006'::uuid, '爱山街道'),
	('a0000000-0000-4000-8000-000000000007'::uuid, '织里镇'),
	('a0000000-0000-4000-8000-000000000008'::uuid, '月河街道'),
	('a0000000-0000-4000-8000-000000000009'::uuid, '织里镇'),
	('a0000000-0000-4000-8000-000000000010'::uuid, '飞英街道')
) as t (id, town)
where o.id = t.id;

-- Centres: Tuesday to Sunday 09:00–17:00, and Friday evenings for salons. Schools: weekday
-- evenings and Saturday. Communities: every day 08:30–21:00.
insert into public.venue_opening_hours (venue_id, weekday, opens_at, closes_at)
select v.id, d, time '09:00', time '17:00'
from public.venues v cross join generate_series(2, 7) d
where v.org_id in ('a0000000-0000-4000-8000-000000000001', 'a0000000-0000-4000-8000-000000000002',
	'a0000000-0000-4000-8000-000000000003')
union all
select v.id, d, time '18:30', time '21:00'
from public.venues v cross join generate_series(2, 5) d
where v.org_id in ('a0000000-0000-4000-8000-000000000002', 'a0000000-0000-4000-8000-000000000003',
	'a0000000-0000-4000-8000-000000000001')
union all
select v.id, d, time '15:30', time '21:00'
from public.venues v cross join generate_series(1, 5) d
join public.organisations o on o.id = v.org_id and o.kind = 'school_parent_school'
union all
select v.id, 6, time '08:30', time '17:00'
from public.venues v join public.organisations o on o.id = v.org_id and o.kind = 'school_parent_school'
union all
select v.id, d, time '08:30', time '21:00'
from public.venues v cross join generate_series(1, 7) d
join public.organisations o on o.id = v.org_id and o.kind = 'community_parent_school';

-- Families ---------------------------------------------------------------------------------------
insert into public.families (id, guardian_id, guardian_name, phone, email, locale)
values
	('f0000000-0000-4000-8000-000000000001', 'd0000000-0000-4000-8000-000000000001', '王芳',
		'13800000001', 'parent1@demo.gongyu.local', 'zh-CN'),
	('f0000000-0000-4000-8000-000000000002', 'd0000000-0000-4000-8000-000000000002', 'Li Qiang 李强',
		'13800000002', 'parent2@demo.gongyu.local', 'en');
insert into public.families (id, guardian_id, guardian_name, phone, email)
select ('f0000000-0000-4000-8000-0000000001' || lpad(n::text, 2, '0'))::uuid,
	('d0000000-0000-4000-8000-0000000001' || lpad(n::text, 2, '0'))::uuid,
	(array['张', '刘', '陈', '杨', '黄', '赵', '吴', '周', '徐', '孙', '沈', '钱'])[1 + n % 12]
		|| (array['丽', '伟', '静', '敏', '强', '燕', '军', '霞', '磊', '娟'])[1 + n % 10],
	'139' || lpad((57200000 + n)::text, 8, '0'),
	'family' || lpad(n::text, 2, '0') || '@demo.gongyu.local'
from generate_series(1, 60) n;

insert into public.consents (family_id, user_id, version, agreed_at)
select f.id, f.guardian_id, public.current_privacy_version(), now() - interval '20 days'
from public.families f;

insert into public.family_members (id, family_id, kind, nickname, birth_year_month, grade) values
	('c0000000-0000-4000-8000-000000000001', 'f0000000-0000-4000-8000-000000000001', 'parent', '妈妈', null, null),
	('c0000000-0000-4000-8000-000000000002', 'f0000000-0000-4000-8000-000000000001', 'grandparent', '外婆', null, null),
	('c0000000-0000-4000-8000-000000000003', 'f0000000-0000-4000-8000-000000000001', 'child', '乐乐', pg_temp.born(8 * 12 + 4), '二年级'),
	('c0000000-0000-4000-8000-000000000004', 'f0000000-0000-4000-8000-000000000001', 'child', '朵朵', pg_temp.born(5 * 12 + 2), '幼儿园大班'),
	('c0000000-0000-4000-8000-000000000005', 'f0000000-0000-4000-8000-000000000002', 'parent', 'Dad 爸爸', null, null),
	('c0000000-0000-4000-8000-000000000006', 'f0000000-0000-4000-8000-000000000002', 'child', 'Xiaoyu 小宇', pg_temp.born(10 * 12 + 7), '四年级');

-- Each filler household: one parent and one child, children aged 3 to 14 in turn.
insert into public.family_members (family_id, kind, nickname)
select f.id, 'parent', case when n % 3 = 0 then '爸爸' else '妈妈' end
from generate_series(1, 60) n
join public.families f on f.id = ('f0000000-0000-4000-8000-0000000001' || lpad(n::text, 2, '0'))::uuid;
insert into public.family_members (family_id, kind, nickname, birth_year_month)
select f.id, 'child',
	(array['豆豆', '果果', '贝贝', '天天', '可可', '糖糖', '米粒', '小满', '安安', '阳阳', '多多', '悠悠'])[1 + n % 12],
	pg_temp.born((3 + n % 12) * 12 + n % 11)
from generate_series(1, 60) n
join public.families f on f.id = ('f0000000-0000-4000-8000-0000000001' || lpad(n::text, 2, '0'))::uuid;

-- Events -----------------------------------------------------------------------------------------
-- org and venue are the last digits of the ids above; fill: how full the demo makes the event.
create temporary table seed_events (
	slug text primary key,
	org integer,
	venue integer,
	category public.event_category,
	week integer,
	dow integer,
	start_time time,
	minutes integer,
	capacity integer,
	min_age integer,
	max_age integer,
	max_seats integer,
	waitlist boolean,
	second_reminder boolean,
	fill text,
	status public.event_status,
	title_zh text,
	title_en text,
	summary_zh text,
	summary_en text,
	description_zh text,
	description_en text,
	address_zh text,
	address_en text,
	booking_id uuid default gen_random_uuid()
);

insert into seed_events (slug, org, venue, category, week, dow, start_time, minutes, capacity,
	min_age, max_age, max_seats, waitlist, second_reminder, fill, status, title_zh, title_en,
	summary_zh, summary_en, description_zh, description_en, address_zh, address_en)
values
-- Wuxing Youth Activity Centre
('little-prince-reading', 1, 2, 'parent_child_reading', 0, 6, '09:30', 90, 30, 6, 10, 3, true, true, 'waitlist', 'published',
	'亲子阅读分享会：《小王子》', 'Parent-child reading session: The Little Prince',
	'和孩子一起读《小王子》，聊聊“驯养”和责任。', 'Read The Little Prince together and talk about friendship and responsibility.',
	'由阅读推广人带领，亲子共读选段、角色朗读，最后每个家庭制作一张“我的星球”卡片。请带上孩子喜欢的一本书交换阅读。',
	'Led by a reading mentor: shared reading, reading aloud in roles, and each family makes a "my planet" card. Bring a favourite book to swap.',
	null, null),
('hu-brush-making', 1, 3, 'traditional_culture', 0, 7, '14:00', 120, 24, 8, 14, 2, true, false, 'nearly', 'published',
	'传统文化体验日：湖笔制作', 'Traditional culture day: making a Hu brush',
	'跟着湖笔匠人做一支属于自己的毛笔。', 'Make your own writing brush with a Hu brush craftsman.',
	'湖笔是“文房四宝”之首。匠人现场演示择毫、扎头、装套，亲子合作完成一支毛笔并试写“福”字。每个家庭限两人。',
	'The Hu brush is the first of the Four Treasures of the Study. A craftsman shows each step; parent and child make a brush together and write their first character. Two people per family.',
	null, null),
('autumn-fun-sports-day', 1, 4, 'sports_day', 1, 6, '09:00', 180, 160, 4, 12, 4, true, true, 'half', 'published',
	'趣味运动会：亲子接力嘉年华', 'Fun sports day: parent-child relay carnival',
	'袋鼠跳、两人三足、亲子接力，全家一起动起来。', 'Sack races, three-legged races and relays for the whole family.',
	'按年龄分组进行，每个项目都需要家长和孩子配合完成。请穿运动鞋，现场提供饮用水。',
	'Grouped by age; every game needs parent and child together. Wear trainers; water is provided.',
	null, null),
('seasons-picture-books', 1, 2, 'parent_child_reading', 1, 7, '10:00', 90, 30, 3, 6, 3, true, false, 'some', 'published',
	'亲子阅读分享会：绘本里的四季', 'Parent-child reading session: seasons in picture books',
	'适合3-6岁，和孩子一起在绘本里找四季。', 'For ages 3 to 6: find the four seasons in picture books.',
	'老师讲读三本四季主题绘本，家长和孩子一起完成拼贴画。', 'A teacher reads three picture books about the seasons; families make a collage together.',
	null, null),
('adolescence-lecture', 1, 1, 'parenting_lecture', 2, 6, '14:00', 120, 120, null, null, 2, true, false, 'some', 'published',
	'家庭教育大讲堂：陪伴孩子走过青春期', 'Family education lecture: walking with your child through adolescence',
	'青春期的变化、冲突和沟通，给家长的实用建议。', 'Changes, conflicts and conversations in adolescence: practical advice for parents.',
	'主讲：区家庭教育指导中心讲师。内容包括青春期身心发展特点、常见亲子冲突的化解、与孩子谈手机和学业。现场答疑。',
	'Speaker: a lecturer from the district family-education guidance centre. Development in adolescence, defusing common conflicts, talking about phones and school. Questions welcome.',
	null, null),
-- Today's, so the door (check-in opens on the event's day) can be tried in the demo.
('tonight-parent-class', 1, null, 'parent_class', 0, 0, '19:00', 90, 40, null, null, 2, true, false, 'some', 'published',
	'家长课堂：今晚聊聊亲子沟通', 'Parent class tonight: talking with your child',
	'今晚七点，活动中心一楼多功能厅。', 'Tonight at seven, in the centre''s ground-floor hall.',
	'讲师分享和孩子好好说话的小方法，现场答疑。', 'A speaker shares simple ways to talk with your child; questions welcome.',
	'湖州市吴兴区青少年活动中心一楼多功能厅', 'Ground-floor hall, Wuxing Youth Activity Centre'),
('silk-tie-dye', 1, 3, 'traditional_culture', 2, 7, '09:30', 120, 24, 7, 12, 2, false, false, 'full', 'published',
	'传统文化体验日：丝绸扎染', 'Traditional culture day: silk tie-dye',
	'用植物染料在真丝方巾上扎染，带走一件作品。', 'Tie-dye a silk scarf with plant dyes and take it home.',
	'了解湖州丝绸的历史，学习扎、捆、染的基本技法。材料由中心提供。本场不设候补。',
	'Learn about Huzhou silk and the basics of tying, binding and dyeing. Materials provided. No waitlist for this session.',
	null, null),
('silk-museum-study-trip', 1, null, 'study_trip', 3, 6, '08:30', 240, 40, 8, 14, 3, true, true, 'waitlist', 'published',
	'亲子研学：走进湖州丝绸文化', 'Parent-child study trip: Huzhou''s silk heritage',
	'从桑蚕到丝绸，一次半天的亲子研学。', 'From silkworm to silk: a half-day study trip.',
	'集合后步行参观丝绸小镇的缫丝车间和丝绸文化展陈，完成研学任务单。请家长全程陪同，自备水杯。',
	'A walking visit to the silk town''s reeling workshop and silk heritage exhibition, with a worksheet to complete. Parents stay throughout; bring a water bottle.',
	'湖州市吴兴区西山漾丝绸小镇游客中心集合', 'Meet at the Xishanyang Silk Town visitor centre, Wuxing District'),
('journey-to-the-west-stories', 1, 2, 'parent_child_reading', 3, 7, '10:00', 90, 30, 6, 10, 3, true, false, 'half', 'published',
	'亲子阅读分享会：《西游记》故事会', 'Parent-child reading session: Journey to the West stories',
	'孩子讲故事，家长当听众，一起认识取经路上的伙伴。', 'Children tell the stories, parents listen: meet the pilgrims'' companions.',
	'每个家庭准备一个最喜欢的《西游记》片段，现场分享并进行角色扮演。', 'Each family prepares a favourite episode to share and act out.',
	null, null),
('parent-child-basketball', 1, 4, 'sports_day', 4, 6, '09:00', 150, 80, 7, 12, 3, true, false, 'some', 'published',
	'趣味运动会：亲子篮球嘉年华', 'Fun sports day: parent-child basketball',
	'运球接力、定点投篮，和孩子组队比赛。', 'Dribbling relays and shooting games in parent-child teams.',
	'由青少年活动中心篮球教练带领，按年龄分组。请穿运动服和运动鞋。', 'Led by the centre''s basketball coaches, grouped by age. Wear sports clothes and trainers.',
	null, null),
('winter-solstice-tangyuan', 1, 1, 'traditional_culture', 4, 7, '14:00', 120, 60, 4, 12, 4, true, false, 'nearly', 'published',
	'传统文化体验日：冬至包汤圆', 'Traditional culture day: rice dumplings for the winter solstice',
	'听冬至习俗，亲手包汤圆。', 'Hear about winter-solstice customs and make tangyuan.',
	'了解二十四节气中的冬至，全家一起包汤圆、煮汤圆。请提前告知过敏情况。', 'Learn about the winter solstice among the 24 solar terms and make dumplings together. Tell us about allergies in advance.',
	null, null),
('science-picture-books', 1, 2, 'parent_child_reading', 5, 6, '10:00', 90, 30, 5, 8, 3, true, false, 'few', 'published',
	'亲子阅读分享会：科普绘本里的小实验', 'Parent-child reading session: little experiments from science picture books',
	'读科普绘本，做一个小实验。', 'Read a science picture book and try a small experiment.',
	'围绕“水”和“光”两个主题，亲子共读并完成安全的小实验。', 'Shared reading on water and light, with safe small experiments.',
	null, null),
('nanxun-study-trip', 1, null, 'study_trip', 6, 6, '08:00', 360, 45, 8, 14, 3, true, true, 'half', 'published',
	'亲子研学：南浔古镇里的江南', 'Parent-child study trip: the south of the Yangtze in Nanxun',
	'走进南浔古镇，看园林、听丝商故事。', 'Gardens and silk merchants'' stories in the old town of Nanxun.',
	'统一乘车前往，上午参观小莲庄和嘉业堂藏书楼，午餐自理，下午完成研学手册。',
	'A coach takes us there: Xiaolianzhuang garden and the Jiaye Library in the morning, lunch on your own, the study booklet in the afternoon.',
	'湖州市吴兴区青少年活动中心门口上车', 'Coach from the Wuxing Youth Activity Centre entrance'),
('new-year-paper-cutting', 1, 3, 'traditional_culture', 6, 7, '14:00', 120, 24, 6, 12, 2, true, false, 'some', 'published',
	'传统文化体验日：剪纸迎新年', 'Traditional culture day: paper-cutting for the New Year',
	'剪窗花、写福字，迎接新年。', 'Cut window flowers and write the character for luck.',
	'非遗剪纸老师教授对折剪和团花剪法，作品可带回家布置。', 'An intangible-heritage paper-cutting teacher shows folded cuts and round patterns; take your work home.',
	null, null),
('winter-family-run', 1, 4, 'sports_day', 7, 6, '08:30', 180, 200, 5, 14, 4, true, true, 'few', 'published',
	'趣味运动会：冬季亲子趣味跑', 'Fun sports day: winter family fun run',
	'室内场馆内的亲子趣味跑和游戏。', 'A family fun run and games in the indoor hall.',
	'设置亲子绕圈跑、障碍闯关和拔河比赛。', 'Family laps, an obstacle course and tug of war.',
	null, null),
('reading-club-last-month', 1, 2, 'parent_child_reading', -2, 6, '09:30', 90, 30, 5, 10, 3, true, false, 'past', 'published',
	'亲子阅读分享会：《猜猜我有多爱你》', 'Parent-child reading session: Guess How Much I Love You',
	'上一期亲子阅读分享会。', 'The previous parent-child reading session.',
	'已结束。', 'This event has ended.', null, null),
('draft-lantern-workshop', 1, null, 'traditional_culture', 7, 7, '14:00', 120, 30, 6, 12, 2, true, false, null, 'draft',
	'传统文化体验日：元宵花灯（筹备中）', 'Traditional culture day: Lantern Festival lanterns (in preparation)',
	'筹备中。', 'In preparation.', '', '', '湖州市吴兴区西山漾丝绸小镇', 'Xishanyang Silk Town, Wuxing District'),
-- Off-campus Psychological Counselling Centre
('exam-anxiety-salon', 2, 5, 'mental_health_salon', 0, 5, '19:00', 90, 20, null, null, 2, true, true, 'nearly', 'published',
	'心理健康教育沙龙：孩子考试焦虑怎么办', 'Mental-health salon: when your child is anxious about exams',
	'识别焦虑信号，学习陪伴方法。', 'Recognise the signs of anxiety and learn how to support your child.',
	'心理咨询师带领，小组分享与放松练习。内容保密，欢迎父母一同参加。', 'Led by a counsellor: sharing in small groups and relaxation exercises. Confidential; both parents welcome.',
	null, null),
('siblings-salon', 2, 5, 'mental_health_salon', 2, 3, '19:00', 90, 20, null, null, 2, true, false, 'half', 'published',
	'心理健康教育沙龙：二孩家庭的相处之道', 'Mental-health salon: living with siblings',
	'减少手足之争，让每个孩子都被看见。', 'Fewer sibling quarrels, every child seen.',
	'通过案例讨论和情景演练，帮助家长处理兄弟姐妹之间的冲突。', 'Case discussions and role play on handling conflicts between siblings.',
	null, null),
('screens-and-children-salon', 2, 5, 'mental_health_salon', 3, 5, '19:00', 90, 20, null, null, 2, true, true, 'waitlist', 'published',
	'心理健康教育沙龙：手机、游戏与孩子', 'Mental-health salon: phones, games and children',
	'和孩子一起制定屏幕时间约定。', 'Agree on screen time together with your child.',
	'了解游戏吸引孩子的原因，学习如何与孩子协商规则。', 'Why games attract children, and how to negotiate rules with them.',
	null, null),
('teen-emotions-salon', 2, 5, 'mental_health_salon', 5, 5, '19:00', 90, 20, null, null, 2, true, false, 'few', 'published',
	'心理健康教育沙龙：读懂青春期的情绪', 'Mental-health salon: understanding teenage emotions',
	'情绪不是问题，是信号。', 'Emotions are signals, not problems.',
	'面向初中生家长，学习倾听和情绪命名。', 'For parents of middle-school students: listening and naming emotions.',
	null, null),
('family-play-workshop', 2, 5, 'mental_health_salon', 6, 6, '14:00', 120, 16, 6, 10, 2, true, false, 'some', 'published',
	'亲子心理游戏工作坊', 'Parent-child psychology games workshop',
	'在游戏中练习合作与表达。', 'Practise cooperation and expression through play.',
	'以团体心理游戏为主，亲子共同参与，每个家庭限两人。', 'Group psychology games for parent and child together; two people per family.',
	null, null),
('stress-salon-last-month', 2, 5, 'mental_health_salon', -2, 5, '19:00', 90, 20, null, null, 2, true, false, 'past', 'published',
	'心理健康教育沙龙：开学季的压力', 'Mental-health salon: stress at the start of term',
	'上一期沙龙。', 'The previous salon.', '已结束。', 'This event has ended.', null, null),
-- Women and Children's Activity Centre
('family-baking-camp', 3, 6, 'other', 1, 6, '14:00', 120, 30, 5, 10, 3, true, false, 'nearly', 'published',
	'亲子活动营：家庭烘焙', 'Parent-child camp: family baking',
	'一起做饼干，学会分工与合作。', 'Bake biscuits together and learn to share the work.',
	'烘焙老师示范，亲子合作完成饼干制作。请告知过敏情况。', 'A baking teacher demonstrates; families make biscuits together. Please tell us about allergies.',
	null, null),
('grandparents-science-care', 3, 7, 'grandparent_class', 1, 2, '09:30', 90, 60, null, null, 2, true, false, 'half', 'published',
	'隔代教育课堂：祖辈如何科学带娃', 'Class for grandparents: raising grandchildren today',
	'给爷爷奶奶、外公外婆的家庭教育课。', 'A family-education class for grandparents.',
	'讲解饮食、作息、用眼卫生和表扬方式，字大、节奏慢，欢迎祖辈参加。', 'Food, sleep, eyesight and praise: large print and an unhurried pace. Grandparents welcome.',
	null, null),
('family-education-law-class', 3, 7, 'parent_class', 2, 4, '19:00', 90, 80, null, null, 2, true, false, 'some', 'published',
	'家长课堂：《家庭教育促进法》解读', 'Parent class: the Family Education Promotion Law explained',
	'家长的责任与可以获得的支持。', 'What the law asks of parents, and the support they can get.',
	'由区妇联和法院家事法官共同讲解，附常见问题解答。', 'Explained by the district women''s federation and a family-court judge, with common questions answered.',
	null, null),
('mums-story-time', 3, 6, 'parent_child_reading', 3, 6, '10:00', 90, 30, 3, 6, 3, true, false, 'half', 'published',
	'亲子阅读：妈妈故事会', 'Parent-child reading: mothers'' story time',
	'家长轮流讲绘本，孩子当小听众。', 'Parents take turns reading picture books to the children.',
	'欢迎家长报名当故事妈妈/爸爸，现场提供绘本。', 'Sign up to be a storyteller; books are provided.',
	null, null),
('grandparents-communication', 3, 7, 'grandparent_class', 4, 2, '09:30', 90, 60, null, null, 2, true, false, 'some', 'published',
	'隔代教育课堂：祖孙沟通小技巧', 'Class for grandparents: talking with grandchildren',
	'和孙辈说话，也有方法。', 'There is an art to talking with grandchildren.',
	'通过情景演练学习倾听、回应和与子女协调教育方式。', 'Role play on listening, responding and agreeing with the parents on how to bring up the child.',
	null, null),
('fabric-craft-camp', 3, 6, 'other', 5, 7, '14:00', 120, 30, 5, 10, 3, true, false, 'few', 'published',
	'亲子活动营：布艺小手工', 'Parent-child camp: fabric crafts',
	'缝一个小布偶。', 'Sew a little fabric doll.',
	'安全针线和布料由中心提供。', 'Safe needles and fabric are provided.',
	null, null),
('child-safety-class', 3, 7, 'parent_class', 6, 4, '19:00', 90, 80, null, null, 2, true, false, 'few', 'published',
	'家长课堂：儿童安全与自我保护', 'Parent class: child safety and self-protection',
	'如何和孩子谈身体边界与安全。', 'How to talk with your child about body boundaries and safety.',
	'由妇联儿童保护讲师主讲，附家长手册。', 'By a child-protection trainer of the women''s federation, with a parents'' handbook.',
	null, null),
-- Huzhou No. 4 Middle School Education Group
('grade7-parents-class', 4, 8, 'parent_class', 0, 3, '18:30', 90, 250, null, null, 2, true, false, 'some', 'published',
	'家长学校：初一新生家长第一课', 'Parent school: first class for parents of Year 7',
	'从小学到初中，家长需要知道的事。', 'From primary to middle school: what parents need to know.',
	'德育处和年级组介绍初中学习节奏、作业要求和家校沟通方式。', 'The school explains the pace of middle school, homework and how to keep in touch.',
	null, null),
('zhongkao-family-support', 4, 8, 'parenting_lecture', 2, 2, '18:30', 90, 250, null, null, 2, true, false, 'few', 'published',
	'家庭教育大讲堂：中考前的家庭支持', 'Family education lecture: supporting your child before the zhongkao',
	'作息、饮食、情绪：备考家庭的三件事。', 'Sleep, food and feelings: three things for families before exams.',
	'面向初三家长，心理教师与优秀家长代表分享经验。', 'For parents of Year 9: a school psychologist and parents share experience.',
	null, null),
('listening-to-teens-salon', 4, 8, 'mental_health_salon', 4, 4, '18:30', 90, 100, null, null, 2, true, false, 'few', 'published',
	'心理健康教育沙龙：学会倾听青春期的孩子', 'Mental-health salon: learning to listen to teenagers',
	'少说教，多倾听。', 'Less lecturing, more listening.',
	'学校心理教师带领，分组讨论真实案例。', 'Led by the school psychologist, with group discussion of real cases.',
	null, null),
('school4-family-sports-day', 4, 4, 'sports_day', 5, 7, '09:00', 180, 150, 11, 15, 3, true, true, 'some', 'published',
	'趣味运动会：四中教育集团亲子运动会', 'Fun sports day: Huzhou No. 4 Middle School family games',
	'借用青少年活动中心运动馆举办的集团亲子运动会。', 'The group''s family games, held in the Youth Activity Centre''s sports hall.',
	'以班级为单位组队，设置亲子跳绳、接力和拔河。', 'Teams by class: skipping, relays and tug of war.',
	null, null),
-- Huzhou No. 12 Middle School
('time-planning-class', 5, 9, 'parent_class', 1, 3, '18:30', 90, 150, null, null, 2, true, false, 'some', 'published',
	'家长课堂：帮孩子学会规划时间', 'Parent class: helping your child plan their time',
	'从作业拖延到自主安排。', 'From putting off homework to planning on their own.',
	'班主任分享时间管理工具和家庭实践案例。', 'Form teachers share time-management tools and family examples.',
	null, null),
('parent-child-talk-lecture', 5, 9, 'parenting_lecture', 5, 3, '18:30', 90, 150, null, null, 2, true, false, 'few', 'published',
	'家庭教育大讲堂：好好说话的亲子关系', 'Family education lecture: talking well with your child',
	'非暴力沟通在家庭中的运用。', 'Non-violent communication at home.',
	'讲座加互动练习。', 'A lecture with exercises.',
	null, null),
('cancelled-open-day', 5, null, 'parent_class', 3, 6, '09:00', 120, 100, null, null, 2, true, false, null, 'cancelled',
	'家长开放日（已取消）', 'Parents'' open day (cancelled)',
	'因场地检修取消，改期另行通知。', 'Cancelled for building works; a new date will follow.',
	'', '', '湖州市吴兴区 湖州十二中', 'Huzhou No. 12 Middle School, Wuxing District'),
-- Aishan Primary School Education Group
('grade1-shared-reading', 6, 10, 'parent_child_reading', 1, 5, '16:30', 60, 40, 6, 8, 2, true, false, 'nearly', 'published',
	'亲子阅读分享会：一年级亲子共读', 'Parent-child reading session: shared reading in Year 1',
	'每天十五分钟，养成共读习惯。', 'Fifteen minutes a day: building a shared-reading habit.',
	'语文老师示范亲子共读方法，推荐一年级书单。', 'A Chinese teacher shows how to read together and recommends books for Year 1.',
	null, null),
('grandparents-parent-class', 6, 10, 'grandparent_class', 3, 2, '16:00', 90, 60, null, null, 2, true, false, 'half', 'published',
	'隔代教育课程：爷爷奶奶的家长课', 'Grandparent parenting: a parent class for grandparents',
	'接送路上，也能好好教育。', 'Good parenting on the school run, too.',
	'针对祖辈接送多的特点，讲解作业陪伴和习惯养成。', 'Many grandparents do the school run: homework support and good habits.',
	null, null),
('calligraphy-taster', 6, 10, 'traditional_culture', 6, 5, '16:30', 90, 30, 7, 12, 2, true, false, 'some', 'published',
	'传统文化体验日：书法入门', 'Traditional culture day: a first taste of calligraphy',
	'用湖笔写下第一个字。', 'Write your first character with a Hu brush.',
	'书法老师讲解握笔和基本笔画，亲子共写。', 'A calligraphy teacher explains how to hold the brush and the basic strokes.',
	null, null),
-- Zhili Experimental Primary School Education Group
('zhili-first-lesson', 7, 11, 'parent_class', 0, 4, '18:30', 90, 350, null, null, 2, true, false, 'few', 'published',
	'家长学校：开学第一课', 'Parent school: the first lesson of term',
	'新学期家校合作的约定。', 'How school and families will work together this term.',
	'校长讲话、家长委员会介绍和家校沟通渠道说明。', 'The head teacher, the parents'' committee and how to keep in touch.',
	null, null),
('childrenswear-study-trip', 7, null, 'study_trip', 4, 6, '09:00', 180, 40, 8, 12, 3, true, true, 'half', 'published',
	'亲子研学：走进织里童装产业', 'Parent-child study trip: Zhili''s children''s-wear industry',
	'看一件童装如何诞生。', 'See how a piece of children''s clothing is made.',
	'参观童装设计工作室和生产车间，完成研学记录。', 'Visit a design studio and a workshop and complete a study record.',
	'湖州市吴兴区织里镇童装产业园', 'Zhili Children''s Wear Industrial Park, Wuxing District'),
-- Community parent schools
('homework-habits-class', 8, 12, 'parent_class', 1, 4, '19:00', 90, 40, null, null, 2, true, false, 'half', 'published',
	'社区家长课堂：小学生作业好习惯', 'Community parent class: good homework habits',
	'少催促，多方法。', 'Less nagging, more method.',
	'社区邀请小学老师分享作业陪伴方法。', 'A primary-school teacher shares ways to support homework.',
	null, null),
('community-mental-health-salon', 8, 12, 'mental_health_salon', 4, 6, '15:00', 90, 30, null, null, 2, true, false, 'some', 'published',
	'心理健康教育沙龙（社区场）', 'Mental-health salon (community session)',
	'家门口的心理沙龙。', 'A mental-health salon on your doorstep.',
	'校外心理辅导中心走进社区，主题为亲子沟通。', 'The off-campus counselling centre comes to the community: talking with your child.',
	null, null),
('zongzi-camp', 9, 13, 'traditional_culture', 2, 6, '09:30', 120, 50, 4, 12, 3, true, false, 'nearly', 'published',
	'亲子活动营：包粽子，话端午', 'Parent-child camp: zongzi and the Dragon Boat story',
	'包粽子、讲屈原的故事。', 'Wrap zongzi and hear the story of Qu Yuan.',
	'邻里中心志愿者带领，材料免费提供。', 'Led by neighbourhood volunteers; materials are free.',
	null, null),
('zhili-reading-club', 9, 13, 'parent_child_reading', 5, 6, '15:00', 90, 40, 5, 10, 3, true, false, 'waitlist', 'published',
	'社区读书分享会：我的家乡织里', 'Community reading session: my home town Zhili',
	'读家乡的故事，画家乡的样子。', 'Read stories of home and draw what it looks like.',
	'新老织里人家庭一起共读、绘画和分享。', 'Families old and new to Zhili read, draw and share together.',
	null, null),
('community-sports-day', 10, 14, 'sports_day', 3, 7, '09:00', 120, 40, 4, 10, 3, true, false, 'some', 'published',
	'趣味运动会：社区亲子小运动会', 'Fun sports day: community family games',
	'小空间，大欢乐。', 'A small room, a lot of fun.',
	'套圈、夹弹珠、亲子跳绳。', 'Hoop throwing, marble picking and family skipping.',
	null, null),
('feiying-grandparents-class', 10, 14, 'grandparent_class', 7, 3, '09:30', 90, 40, null, null, 2, true, false, null, 'published',
	'隔代教育课堂：祖辈家长的智慧', 'Class for grandparents: the wisdom of grandparents',
	'分享带娃经验，学习新方法。', 'Share experience and learn new ways.',
	'社区祖辈家长座谈与专家点评。', 'A conversation among grandparents with comments from an expert.',
	null, null);

-- Rooms: each event in a room holds an approved booking half an hour either side.
insert into public.venue_bookings (id, venue_id, org_id, requested_by, status, starts_at, ends_at,
	buffer_minutes, purpose, decided_at)
select s.booking_id, ('b0000000-0000-4000-8000-0000000000' || lpad(s.venue::text, 2, '0'))::uuid,
	('a0000000-0000-4000-8000-0000000000' || lpad(s.org::text, 2, '0'))::uuid,
	case s.org when 1 then 'd0000000-0000-4000-8000-000000000003'::uuid
		when 4 then 'd0000000-0000-4000-8000-000000000004'::uuid end,
	'approved',
	pg_temp.at(s.week, s.dow, s.start_time) - interval '30 minutes',
	pg_temp.at(s.week, s.dow, s.start_time) + make_interval(mins => s.minutes + 30),
	v.buffer_minutes, s.title_zh, now() - interval '14 days'
from seed_events s
join public.venues v on v.id = ('b0000000-0000-4000-8000-0000000000' || lpad(s.venue::text, 2, '0'))::uuid
where s.venue is not null;

insert into public.events (org_id, slug, category, status, title_zh, title_en, summary_zh, summary_en,
	description_zh, description_en, starts_at, ends_at, venue_booking_id, address_zh, address_en,
	capacity, min_child_age, max_child_age, registration_opens_at, max_seats_per_family,
	waitlist_enabled, second_reminder, created_by, created_at)
select ('a0000000-0000-4000-8000-0000000000' || lpad(s.org::text, 2, '0'))::uuid, s.slug, s.category,
	s.status, s.title_zh, s.title_en, s.summary_zh, s.summary_en, s.description_zh, s.description_en,
	pg_temp.at(s.week, s.dow, s.start_time),
	pg_temp.at(s.week, s.dow, s.start_time) + make_interval(mins => s.minutes),
	case when s.venue is not null then s.booking_id end, s.address_zh, s.address_en,
	s.capacity, s.min_age, s.max_age,
	-- Open for registration now, except one that opens a month before it starts.
	case when s.slug = 'feiying-grandparents-class'
		then pg_temp.at(s.week, s.dow, s.start_time) - interval '30 days'
		else now() - interval '14 days' end,
	s.max_seats, s.waitlist, s.second_reminder,
	case s.org when 1 then 'd0000000-0000-4000-8000-000000000003'::uuid
		when 4 then 'd0000000-0000-4000-8000-000000000004'::uuid end,
	now() - interval '14 days'
from seed_events s;
update public.events set cancelled_reason = '场地检修 / Building works' where slug = 'cancelled-open-day';

-- Room requests waiting for a decision, and a maintenance block, for the staff calendar.
insert into public.venue_bookings (venue_id, org_id, requested_by, status, starts_at, ends_at,
	buffer_minutes, purpose, reason)
values
	('b0000000-0000-4000-8000-000000000001', 'a0000000-0000-4000-8000-000000000004',
		'd0000000-0000-4000-8000-000000000004', 'requested', pg_temp.at(3, 6, '14:00'),
		pg_temp.at(3, 6, '16:30'), 30, '四中家长委员会交流会 / No. 4 parents'' committee meeting', null),
	('b0000000-0000-4000-8000-000000000002', 'a0000000-0000-4000-8000-000000000004',
		'd0000000-0000-4000-8000-000000000004', 'requested', pg_temp.at(4, 3, '09:30'),
		pg_temp.at(4, 3, '11:30'), 15, '数字家长学校线下分享 / Digital parent school meet-up', null),
	('b0000000-0000-4000-8000-000000000001', 'a0000000-0000-4000-8000-000000000001',
		'd0000000-0000-4000-8000-000000000003', 'blocked', pg_temp.at(5, 2, '00:00'),
		pg_temp.at(5, 4, '00:00'), 0, '', '音响设备检修 / Sound system maintenance');


-- Registrations ----------------------------------------------------------------------------------
-- Filler households register in a stable pseudo-random order; children's events take a parent and
-- a child whose age fits, talks for parents take one adult. Past events are marked attended or
-- no-show.
do $$
declare
	v_event record;
	v_family record;
	v_child_event boolean;
	v_seats integer;
	v_target integer;
	v_taken integer;
	v_waiting integer;
	v_status public.registration_status;
	v_id uuid;
begin
	for v_event in
		select e.id, e.slug, e.capacity, e.min_child_age, e.max_child_age, e.starts_at, e.category,
			s.fill
		from public.events e join seed_events s on s.slug = e.slug
		where s.fill is not null
		order by e.starts_at
	loop
		v_child_event := v_event.min_child_age is not null;
		v_seats := case when v_child_event then 2 else 1 end;
		v_target := case v_event.fill
			when 'waitlist' then v_event.capacity
			when 'full' then v_event.capacity
			when 'nearly' then v_event.capacity - 3
			when 'half' then v_event.capacity / 2
			when 'some' then v_event.capacity / 3
			when 'few' then greatest(v_event.capacity / 8, 3)
			when 'past' then v_event.capacity - 6
		end;
		v_taken := 0;
		v_waiting := 0;
		for v_family in
			select f.id as family_id, p.id as parent_id, c.id as child_id, f.created_at
			from public.families f
			join public.family_members p on p.family_id = f.id and p.kind = 'parent'
			join public.family_members c on c.family_id = f.id and c.kind = 'child'
			where f.email like 'family%'
				and (not v_child_event or private.age_at(c.birth_year_month, v_event.starts_at)
					between coalesce(v_event.min_child_age, 0) and coalesce(v_event.max_child_age, 18))
			order by md5(f.id::text || v_event.slug)
		loop
			if v_taken + v_seats <= v_target then
				v_status := case
					when v_event.fill <> 'past' then 'confirmed'
					when get_byte(decode(md5(v_family.family_id::text || v_event.slug), 'hex'), 0) < 220
						then 'attended'
					else 'no_show'
				end;
				v_taken := v_taken + v_seats;
			elsif v_event.fill = 'waitlist' and v_waiting < 4 then
				v_status := 'waitlisted';
				v_waiting := v_waiting + 1;
			else
				exit;
			end if;
			insert into public.registrations (event_id, family_id, status, seats, waitlist_position,
				waitlist_joined_at, check_in_code, source, created_at, confirmed_at, checked_in_at)
			values (v_event.id, v_family.family_id, v_status, v_seats,
				case when v_status = 'waitlisted' then v_waiting end,
				case when v_status = 'waitlisted' then now() - interval '2 days' end,
				private.new_check_in_code(),
				(array['poster', 'wechat', 'school-site', null, null])
					[1 + get_byte(decode(md5(v_family.family_id::text || v_event.slug), 'hex'), 1) % 5],
				now() - interval '5 days',
				case when v_status <> 'waitlisted' then now() - interval '5 days' end,
				case when v_status = 'attended' then v_event.starts_at + interval '5 minutes' end)
			returning id into v_id;
			insert into public.registration_attendees (registration_id, member_id)
			select v_id, m from unnest(case when v_child_event
				then array[v_family.parent_id, v_family.child_id] else array[v_family.parent_id] end) m;
		end loop;
	end loop;
end;
$$;

-- The demo parents' own registrations: one waitlisted (5th in line), the others confirmed.
do $$
declare
	v_reg record;
	v_id uuid;
	v_position integer;
begin
	for v_reg in
		select * from (values
			('f0000000-0000-4000-8000-000000000001'::uuid, 'little-prince-reading',
				array['c0000000-0000-4000-8000-000000000001', 'c0000000-0000-4000-8000-000000000003']::uuid[], 'waitlisted', 'wechat'),
			('f0000000-0000-4000-8000-000000000001'::uuid, 'seasons-picture-books',
				array['c0000000-0000-4000-8000-000000000001', 'c0000000-0000-4000-8000-000000000004']::uuid[], 'confirmed', null),
			('f0000000-0000-4000-8000-000000000001'::uuid, 'grandparents-science-care',
				array['c0000000-0000-4000-8000-000000000002']::uuid[], 'confirmed', 'poster'),
			('f0000000-0000-4000-8000-000000000001'::uuid, 'tonight-parent-class',
				array['c0000000-0000-4000-8000-000000000001']::uuid[], 'confirmed', null),
			('f0000000-0000-4000-8000-000000000002'::uuid, 'autumn-fun-sports-day',
				array['c0000000-0000-4000-8000-000000000005', 'c0000000-0000-4000-8000-000000000006']::uuid[], 'confirmed', 'school-site'),
			('f0000000-0000-4000-8000-000000000002'::uuid, 'exam-anxiety-salon',
				array['c0000000-0000-4000-8000-000000000005']::uuid[], 'confirmed', null)
		) r (family_id, slug, members, status, source)
	loop
		v_position := null;
		if v_reg.status = 'waitlisted' then
			select e.waitlist_count + 1 into v_position from public.events e where e.slug = v_reg.slug;
		end if;
		insert into public.registrations (event_id, family_id, status, seats, waitlist_position,
			waitlist_joined_at, check_in_code, source, created_at, confirmed_at)
		select e.id, v_reg.family_id, v_reg.status::public.registration_status,
			cardinality(v_reg.members), v_position,
			case when v_position is not null then now() - interval '1 day' end,
			private.new_check_in_code(), v_reg.source, now() - interval '1 day',
			case when v_position is null then now() - interval '1 day' end
		from public.events e where e.slug = v_reg.slug
		returning id into v_id;
		insert into public.registration_attendees (registration_id, member_id)
		select v_id, m from unnest(v_reg.members) m;
	end loop;
end;
$$;

drop table seed_events;
drop table seed_users;
-- Counselling ------------------------------------------------------------------------------------
-- Two counsellors of the off-campus counselling centre (sign in with the demo password or a code):
--   wang@counselling.demo.gongyu.local  王老师, accepts each booking herself; also the centre's manager
--   li@counselling.demo.gongyu.local    李老师, bookings confirmed at once
-- with a week of hours, the centre's crisis hotline, and parent1's appointment for 乐乐.
with pw as (select extensions.crypt('gongyu-demo', extensions.gen_salt('bf', 10)) as hash),
u (id, email) as (values
	('d0000000-0000-4000-8000-000000000201'::uuid, 'wang@counselling.demo.gongyu.local'),
	('d0000000-0000-4000-8000-000000000202'::uuid, 'li@counselling.demo.gongyu.local'))
insert into auth.users (instance_id, id, aud, role, email, encrypted_password, email_confirmed_at,
	confirmation_token, recovery_token, email_change_token_new, email_change, raw_app_meta_data,
	raw_user_meta_data, is_super_admin, created_at, updated_at)
select '00000000-0000-0000-0000-000000000000', u.id, 'authenticated', 'authenticated', u.email,
	pw.hash, now(), '', '', '', '', jsonb_build_object('provider', 'email', 'providers',
	jsonb_build_array('email')), '{}'::jsonb, false, now(), now()
from u cross join pw;

insert into auth.identities (id, provider_id, user_id, identity_data, provider, created_at, updated_at)
select gen_random_uuid(), u.id::text, u.id,
	jsonb_build_object('sub', u.id::text, 'email', u.email, 'email_verified', true, 'phone_verified', false),
	'email', now(), now()
from auth.users u
where u.id in ('d0000000-0000-4000-8000-000000000201', 'd0000000-0000-4000-8000-000000000202');

insert into public.org_members (org_id, user_id, role) values
	('a0000000-0000-4000-8000-000000000002', 'd0000000-0000-4000-8000-000000000201', 'manager'),
	('a0000000-0000-4000-8000-000000000002', 'd0000000-0000-4000-8000-000000000202', 'staff');

insert into public.counselling_centres (org_id, crisis_hotline, hotline_hours_zh, hotline_hours_en)
values ('a0000000-0000-4000-8000-000000000002', '0572-12355', '24 小时', '24 hours');

insert into public.venues (id, org_id, name_zh, name_en, description_zh, description_en, capacity,
	buffer_minutes)
values
	('b0000000-0000-4000-8000-000000000015', 'a0000000-0000-4000-8000-000000000002', '个体咨询室一',
		'Counselling Room 1', '安静、隔音的一对一咨询室。', 'A quiet, soundproofed room for one-to-one sessions.', 4, 0),
	('b0000000-0000-4000-8000-000000000016', 'a0000000-0000-4000-8000-000000000002', '个体咨询室二',
		'Counselling Room 2', '安静、隔音的一对一咨询室。', 'A quiet, soundproofed room for one-to-one sessions.', 4, 0);

insert into public.counsellors (user_id, org_id, display_name_zh, display_name_en, intro_zh, intro_en,
	venue_id, modes, requires_acceptance, min_notice_minutes, horizon_days, daily_max)
values
	('d0000000-0000-4000-8000-000000000201', 'a0000000-0000-4000-8000-000000000002', '王老师', 'Ms Wang',
		'国家二级心理咨询师，擅长亲子关系与学习压力。', 'Counsellor for parent-child relationships and study pressure.',
		'b0000000-0000-4000-8000-000000000015', '{in_person,phone}', true, 720, 28, 5),
	('d0000000-0000-4000-8000-000000000202', 'a0000000-0000-4000-8000-000000000002', '李老师', 'Mr Li',
		'关注青少年情绪、睡眠与升学适应。', 'Works with teenagers on emotions, sleep and moving to a new school.',
		'b0000000-0000-4000-8000-000000000016', '{in_person,phone,video}', false, 720, 28, 6);

-- Tuesday to Saturday 09:00–12:00 and 14:00–17:00; 王老师 also on Thursday evenings.
insert into public.counsellor_hours (counsellor_id, weekday, starts_at, ends_at)
select c.id, d, h.s, h.e
from (values ('d0000000-0000-4000-8000-000000000201'::uuid), ('d0000000-0000-4000-8000-000000000202'::uuid)) c (id)
cross join generate_series(2, 6) d
cross join (values (time '09:00', time '12:00'), (time '14:00', time '17:00')) h (s, e)
union all
select 'd0000000-0000-4000-8000-000000000201', 4, time '18:30', time '20:30';

-- 李老师 is on leave the Wednesday of the second week.
insert into public.counsellor_exceptions (counsellor_id, on_date, kind)
values ('d0000000-0000-4000-8000-000000000202', (pg_temp.at(1, 3, '00:00') at time zone 'Asia/Shanghai')::date, 'off');

insert into public.venue_bookings (id, venue_id, org_id, requested_by, status, starts_at, ends_at,
	buffer_minutes, purpose, decided_by, decided_at)
values ('e1000000-0000-4000-8000-000000000001', 'b0000000-0000-4000-8000-000000000016',
	'a0000000-0000-4000-8000-000000000002', 'd0000000-0000-4000-8000-000000000202', 'approved',
	pg_temp.at(0, 3, '10:00'), pg_temp.at(0, 3, '10:50'), 0, '',
	'd0000000-0000-4000-8000-000000000202', now());
insert into public.appointments (id, org_id, counsellor_id, family_id, starts_at, ends_at,
	buffer_minutes, mode, venue_booking_id, status, decided_at)
values ('e2000000-0000-4000-8000-000000000001', 'a0000000-0000-4000-8000-000000000002',
	'd0000000-0000-4000-8000-000000000202', 'f0000000-0000-4000-8000-000000000001',
	pg_temp.at(0, 3, '10:00'), pg_temp.at(0, 3, '10:50'), 10, 'in_person',
	'e1000000-0000-4000-8000-000000000001', 'confirmed', now());
insert into public.appointment_details (appointment_id, subject, member_id, topic, note, contact)
values ('e2000000-0000-4000-8000-000000000001', 'child', 'c0000000-0000-4000-8000-000000000003',
	'study_pressure', '最近写作业时容易哭，想聊聊怎么陪伴。', 'phone');

-- A parent-school course -------------------------------------------------------------------------
-- The No. 4 Middle School parent school's eight evenings on talking with teenagers (与青春期孩子沟通):
-- one enrolment for all eight Wednesday sessions from this week, a certificate for six attended, one
-- excused absence counting towards them. Families enrol on /courses/no4-talking-with-teenagers.
insert into public.events (id, org_id, slug, category, status, title_zh, title_en, summary_zh, summary_en,
	description_zh, description_en, starts_at, ends_at, address_zh, address_en, capacity,
	registration_opens_at, max_seats_per_family, waitlist_enabled, created_by, created_at)
select ('e5000000-0000-4000-8000-00000000000' || n)::uuid, 'a0000000-0000-4000-8000-000000000004',
	'no4-teen-communication-' || n, 'parent_class', 'published',
	format('与青春期孩子沟通（第%s讲）', n), format('Talking with teenagers (%s of 8)', n),
	t.zh, t.en, '湖州四中家长学校系列课程，共八讲，报名一次参加全部课次。',
	'A series of eight evenings by the No. 4 Middle School parent school: enrol once for all of them.',
	pg_temp.at(n - 1, 3, '19:00'), pg_temp.at(n - 1, 3, '19:00') + interval '90 minutes',
	'湖州市吴兴区 湖州四中 报告厅', 'Lecture hall, Huzhou No. 4 Middle School, Wuxing District',
	60, now() - interval '7 days', 2, false, 'd0000000-0000-4000-8000-000000000004',
	now() - interval '7 days'
from (values
	(1, '青春期的大脑与情绪', 'The teenage brain and feelings'),
	(2, '少说教，多倾听', 'Less lecturing, more listening'),
	(3, '手机与游戏：一起定规则', 'Phones and games: making the rules together'),
	(4, '学习压力与考试焦虑', 'Study pressure and exam nerves'),
	(5, '同伴关系与早恋话题', 'Friends, and talking about first love'),
	(6, '冲突之后怎么修复', 'Repairing after a quarrel'),
	(7, '父母的情绪管理', 'Parents'' own feelings'),
	(8, '结业分享会', 'Closing evening: sharing what changed')
) t (n, zh, en);
insert into public.courses (id, org_id, slug, kind, status, title_zh, title_en, summary_zh,
	summary_en, capacity, max_seats_per_family, waitlist_enabled, drop_in_enabled, sessions_required,
	excused_allowed)
values ('e5100000-0000-4000-8000-000000000001', 'a0000000-0000-4000-8000-000000000004',
	'no4-talking-with-teenagers', 'teenagers', 'published', '与青春期孩子沟通',
	'Talking with teenagers', '八个晚上，学会和青春期的孩子好好说话。出席六讲即可获得结业证书。',
	'Eight evenings on talking with your teenager. Attend six to receive the certificate.',
	40, 2, true, false, 6, 1);
insert into public.course_sessions (course_id, event_id)
select 'e5100000-0000-4000-8000-000000000001', e.id from public.events e
where e.slug like 'no4-teen-communication-%';

drop function pg_temp.at(integer, integer, time);
drop function pg_temp.born(integer);

-- A community's staff ------------------------------------------------------------------------------
-- staff@community.demo.gongyu.local: manager of the Feiying Subdistrict Community Parent School, with
-- the demo password like the other staff, to try a community's side (its page, links and QR codes).
insert into auth.users (instance_id, id, aud, role, email, encrypted_password, email_confirmed_at,
	confirmation_token, recovery_token, email_change_token_new, email_change, raw_app_meta_data,
	raw_user_meta_data, is_super_admin, created_at, updated_at)
values ('00000000-0000-0000-0000-000000000000', 'd0000000-0000-4000-8000-000000000006',
	'authenticated', 'authenticated', 'staff@community.demo.gongyu.local',
	extensions.crypt('gongyu-demo', extensions.gen_salt('bf', 10)), now(), '', '', '', '',
	'{"provider": "email", "providers": ["email"]}'::jsonb, '{}'::jsonb, false, now(), now());
insert into auth.identities (id, provider_id, user_id, identity_data, provider, created_at, updated_at)
values (gen_random_uuid(), 'd0000000-0000-4000-8000-000000000006',
	'd0000000-0000-4000-8000-000000000006',
	'{"sub": "d0000000-0000-4000-8000-000000000006", "email": "staff@community.demo.gongyu.local", "email_verified": true, "phone_verified": false}'::jsonb,
	'email', now(), now());
insert into public.org_members (org_id, user_id, role) values
	('a0000000-0000-4000-8000-000000000010', 'd0000000-0000-4000-8000-000000000006', 'manager');

-- Registration questions --------------------------------------------------------------------------
-- Two of the youth centre's picture-book mornings ask about allergies and each child's grade, and
-- one asks whether a family needs help getting in; parent1 has answered for the seasons morning.
insert into public.event_questions (id, event_id, position, kind, scope, children_only, required,
	sensitive, preset, label_zh, label_en, choices)
select q.id, e.id, q.position, q.kind::public.question_kind, q.scope::public.question_scope,
	q.children_only, q.required, q.sensitive, q.preset, q.label_zh, q.label_en, q.choices::jsonb
from (values
	('e1000000-0000-4000-8000-000000000001'::uuid, 'seasons-picture-books', 0, 'short_text',
		'attendee', false, true, true, 'allergies', '过敏与饮食', 'Allergies and diet', '[]'),
	('e1000000-0000-4000-8000-000000000002'::uuid, 'seasons-picture-books', 1, 'single_choice',
		'attendee', true, false, false, 'grade', '年级', 'Grade',
		'[{"value": "g0", "zh": "幼儿园", "en": "Kindergarten"}, {"value": "g1", "zh": "一年级", "en": "Year 1"}, {"value": "g2", "zh": "二年级", "en": "Year 2"}]'),
	('e1000000-0000-4000-8000-000000000003'::uuid, 'journey-to-the-west-stories', 0, 'short_text',
		'attendee', false, false, true, 'allergies', '过敏与饮食', 'Allergies and diet', '[]'),
	('e1000000-0000-4000-8000-000000000004'::uuid, 'journey-to-the-west-stories', 1, 'long_text',
		'family', false, false, true, 'access_needs', '需要的协助', 'Access needs', '[]')
) q (id, slug, position, kind, scope, children_only, required, sensitive, preset, label_zh,
	label_en, choices)
join public.events e on e.slug = q.slug;

insert into public.registration_answers (registration_id, event_id, question_id, member_id, value)
select r.id, r.event_id, a.question_id, a.member_id, a.value::jsonb
from (values
	('e1000000-0000-4000-8000-000000000001'::uuid, 'c0000000-0000-4000-8000-000000000001'::uuid, '"无"'),
	('e1000000-0000-4000-8000-000000000001'::uuid, 'c0000000-0000-4000-8000-000000000004'::uuid, '"对芒果过敏"'),
	('e1000000-0000-4000-8000-000000000002'::uuid, 'c0000000-0000-4000-8000-000000000004'::uuid, '"g0"')
) a (question_id, member_id, value)
join public.registrations r on r.family_id = 'f0000000-0000-4000-8000-000000000001'
join public.events e on e.id = r.event_id and e.slug = 'seasons-picture-books';
update public.registrations r set note = '朵朵第一次参加，可能会有点害羞。'
from public.events e
where e.id = r.event_id and e.slug = 'seasons-picture-books'
	and r.family_id = 'f0000000-0000-4000-8000-000000000001';

-- Priority care (关爱名额) ---------------------------------------------------------------------
-- staff@school4 refers families for the No. 4 Middle School parent school; Li Qiang's family
-- (parent2) is referred (left-behind) with two care contacts recorded; the youth centre's
-- adolescence lecture holds 4 places until 48 hours before it starts, so parent2 sees
-- "为您保留的名额" there; the district administrator is also the district's care staff.
update auth.users set raw_app_meta_data = raw_app_meta_data || '{"care_staff": true}'::jsonb
where id = 'd0000000-0000-4000-8000-000000000005';
insert into public.referrers (org_id, user_id) values
	('a0000000-0000-4000-8000-000000000004', 'd0000000-0000-4000-8000-000000000004');
insert into public.referrals (id, org_id, referred_by, family_id, reason, starts_on, ends_on,
	redeemed_at, created_at)
values ('e2000000-0000-4000-8000-000000000001', 'a0000000-0000-4000-8000-000000000004',
	'd0000000-0000-4000-8000-000000000004', 'f0000000-0000-4000-8000-000000000002', 'left_behind',
	(now() at time zone 'Asia/Shanghai')::date - 30, (now() at time zone 'Asia/Shanghai')::date + 150,
	now() - interval '30 days', now() - interval '30 days');
insert into public.care_contacts (referral_id, contact_on, kind, note, created_by) values
	('e2000000-0000-4000-8000-000000000001', (now() at time zone 'Asia/Shanghai')::date - 21,
		'home_visit', '家访：孩子和爷爷奶奶在家，学习情况稳定。', 'd0000000-0000-4000-8000-000000000004'),
	('e2000000-0000-4000-8000-000000000001', (now() at time zone 'Asia/Shanghai')::date - 6,
		'phone_call', '电话回访，邀请参加周末活动。', 'd0000000-0000-4000-8000-000000000004');
insert into public.event_holds (event_id, seats, release_at)
select e.id, 4, e.starts_at - interval '48 hours' from public.events e
where e.slug = 'adolescence-lecture';
