-- Search that finds what parents type: the organiser's name, the room and the address match as
-- well as the title and summary; traditional characters find events written in simplified ones;
-- a few everyday words find their synonyms (阅读 finds 读书).

-- Traditional characters common in the district's vocabulary, each to its simplified form. A
-- character-for-character table is enough for search: every pair here is one-to-one in this
-- vocabulary, and both the query and the text are folded the same way.
create function private.to_simplified(p_text text)
returns text
language sql
immutable
parallel safe
set search_path = ''
as $$
	select translate(p_text,
		'閱讀親講運動傳統學體長會課園藝術樂書畫館區興鄉鎮們兒婦幫節慶遊戲聽說話語寫詩詞經歷歲齡陽陰開關門問題習練訓導師輔諮詢機構場廳樓號橋灣東車氣環綠愛國際華與時間報預約滿額聯繫電網點腦數據營隊團發現實驗觀圖嬰護衛醫療藥飲養壓溫戶風箏龍燈謎餃歡賽籃組織義務員給紅線綫貓鳥魚馬雞寶貝媽爺孫屬對幾個這麼為來還過進邊後從將當應該讓見覺壞錯難雙鄰裡裏廣莊劇鋼韻圍紙禮儀曆漢筆硯絲綢繡編製協調溝緒癒適慮憂鬱業績創設計碼類壇論談議專週鐘頭隨選擇參擴遠縣總結舉辦態勢紀獎證優質認識聖蘭臺憶傷煩惱懷麗豐測評試較權視頻聲賞鑑鑒覽劃籌備費價錢單張級嗎靜讚熱鬧燒飯麵湯鍋廚種樹蟲葉農簡雲軟',
		'阅读亲讲运动传统学体长会课园艺术乐书画馆区兴乡镇们儿妇帮节庆游戏听说话语写诗词经历岁龄阳阴开关门问题习练训导师辅咨询机构场厅楼号桥湾东车气环绿爱国际华与时间报预约满额联系电网点脑数据营队团发现实验观图婴护卫医疗药饮养压温户风筝龙灯谜饺欢赛篮组织义务员给红线线猫鸟鱼马鸡宝贝妈爷孙属对几个这么为来还过进边后从将当应该让见觉坏错难双邻里里广庄剧钢韵围纸礼仪历汉笔砚丝绸绣编制协调沟绪愈适虑忧郁业绩创设计码类坛论谈议专周钟头随选择参扩远县总结举办态势纪奖证优质认识圣兰台忆伤烦恼怀丽丰测评试较权视频声赏鉴鉴览划筹备费价钱单张级吗静赞热闹烧饭面汤锅厨种树虫叶农简云软')
$$;

-- The word a parent typed, and the words that mean the same here. Each group lists words that
-- find one another; a term containing one of them also matches with it replaced by the others.
create function private.search_alternatives(p_term text)
returns text[]
language sql
immutable
parallel safe
set search_path = ''
as $$
	select array[p_term] || coalesce(array_agg(distinct replace(p_term, s.word, s.other)), '{}')
	from (values
		('阅读', '读书'), ('读书', '阅读'), ('阅读', '绘本'), ('绘本', '阅读'),
		('运动', '体育'), ('体育', '运动'), ('运动会', '体育节'),
		('讲座', '讲堂'), ('讲堂', '讲座'), ('讲座', '课堂'),
		('心理', '情绪'), ('情绪', '心理'),
		('家长', '父母'), ('父母', '家长'),
		('爷爷', '祖辈'), ('奶奶', '祖辈'), ('老人', '祖辈'), ('隔代', '祖辈'), ('祖辈', '隔代'),
		('研学', '游学'), ('游学', '研学'),
		('传统', '非遗'), ('非遗', '传统')
	) as s(word, other)
	where strpos(p_term, s.word) > 0
$$;

-- Everything an event is found by, folded to simplified characters: both languages' title and
-- summary, the organiser, the outside address, and the room and its address (event_place is
-- security definer: bookings are private, a room's public name and address are not).
create function private.event_search_text(p_event public.events)
returns text
language sql
stable
set search_path = ''
as $$
	select private.to_simplified(lower(concat_ws(' ',
		p_event.title_zh, p_event.title_en, p_event.summary_zh, p_event.summary_en,
		p_event.address_zh, p_event.address_en, o.name_zh, o.name_en,
		place->>'venue_zh', place->>'venue_en', place->>'address_zh', place->>'address_en')))
	from public.organisations o
	cross join lateral (select private.event_place(p_event.id) as place) p
	where o.id = p_event.org_id
$$;

create or replace function public.find_events(
	p_query text default null,
	p_category public.event_category default null,
	p_org_id uuid default null,
	p_age integer default null,
	p_from timestamptz default null,
	p_to timestamptz default null,
	p_limit integer default 12,
	p_offset integer default 0,
	p_compact boolean default false
)
returns jsonb
language sql
stable
set search_path = ''
as $$
	-- One row per word typed, with the LIKE patterns any of which it may match.
	with terms as (
		select array_agg(
			'%' || replace(replace(replace(a, '\', '\\'), '%', '\%'), '_', '\_') || '%'
		) as patterns
		from unnest(regexp_split_to_array(
			private.to_simplified(lower(btrim(left(coalesce(p_query, ''), 100)))), '\s+')
		) with ordinality as t(term, n)
		cross join lateral unnest(private.search_alternatives(t.term)) a
		where t.term <> ''
		group by t.n
	),
	-- Narrow rows only (id, start): counting and paging never carry descriptions around.
	matches as (
		select e.id, e.starts_at
		from public.events e
		where e.status = 'published'
			and e.ends_at > now()
			and (p_from is null or e.starts_at >= p_from)
			and (p_to is null or e.starts_at < p_to)
			and (p_category is null or e.category = p_category)
			and (p_org_id is null or e.org_id = p_org_id)
			and (p_age is null or (coalesce(e.min_child_age, 0) <= p_age
				and coalesce(e.max_child_age, 18) >= p_age))
			-- The text is only made when there is something to find.
			and case when not exists (select 1 from terms) then true
				else not exists (
					select 1 from terms,
						lateral (select private.event_search_text(e) as hay) h
					where not (h.hay ilike any (terms.patterns)))
				end
	),
	page as (
		select m.id, m.starts_at from matches m
		order by m.starts_at, m.id
		limit least(greatest(coalesce(p_limit, 12), 1), 500)
		offset greatest(coalesce(p_offset, 0), 0)
	)
	select jsonb_build_object(
		'total', (select count(*) from matches),
		'items', coalesce((
			select jsonb_agg(
				case when p_compact then jsonb_build_object('id', e.id, 'slug', e.slug,
					'title_zh', e.title_zh, 'title_en', e.title_en, 'starts_at', e.starts_at,
					'ends_at', e.ends_at)
				else private.event_card(e) end
				order by p.starts_at, p.id)
			from page p
			join public.events e on e.id = p.id
		), '[]'::jsonb)
	)
$$;

revoke all on function
	private.to_simplified(text),
	private.search_alternatives(text),
	private.event_search_text(public.events)
	from public;
grant execute on function
	private.to_simplified(text),
	private.search_alternatives(text),
	private.event_search_text(public.events)
	to anon, authenticated, service_role;
