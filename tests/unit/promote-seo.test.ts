import { describe, expect, it } from 'vitest';
import {
	eventJsonLd,
	jsonForScript,
	jsonLdScript,
	shanghaiIso,
	socialMeta,
	toSeoEvent
} from '../../src/lib/components/promote-seo';

const row = {
	id: 'e1',
	slug: '2025-06-14-parent-child-reading-ab3k',
	status: 'published',
	title_zh: '亲子阅读分享会</script><script>alert(1)</script>',
	title_en: 'Parent-child reading',
	summary_zh: '一起读《小王子》',
	summary_en: '',
	starts_at: '2025-06-14T01:30:00+00:00',
	ends_at: '2025-06-14T03:00:00+00:00',
	min_child_age: 4,
	max_child_age: 8,
	organisation: {
		name_zh: '青少年活动中心',
		name_en: 'Youth Activity Centre',
		slug: 'youth-centre'
	},
	place_zh: '阅读室 · 西山漾丝绸小镇'
};
const options = { origin: 'https://gongyu.example', locale: 'zh-CN' as const, siteName: '共育' };

describe('event SEO', () => {
	it('reads an events row into a schema.org Event with Beijing times', () => {
		const ld = eventJsonLd(toSeoEvent(row, options));
		expect(ld).toMatchObject({
			'@context': 'https://schema.org',
			'@type': 'Event',
			url: 'https://gongyu.example/events/2025-06-14-parent-child-reading-ab3k',
			startDate: '2025-06-14T09:30:00+08:00',
			endDate: '2025-06-14T11:00:00+08:00',
			eventStatus: 'https://schema.org/EventScheduled',
			typicalAgeRange: '4-8',
			description: '一起读《小王子》',
			location: { '@type': 'Place', name: '阅读室 · 西山漾丝绸小镇' },
			organizer: {
				'@type': 'Organization',
				name: '青少年活动中心',
				url: 'https://gongyu.example/orgs/youth-centre'
			}
		});
	});

	it('reads the camelCase shape too, and marks a cancelled event', () => {
		const seo = toSeoEvent(
			{
				slug: 'x',
				status: 'cancelled',
				title: { zh: '运动会', en: 'Sports day' },
				summary: { zh: '', en: '' },
				startsAt: '2025-06-14T01:30:00Z',
				endsAt: '2025-06-14T03:00:00Z',
				place: { zh: '滨湖公园', en: 'Lakeside Park' },
				org: { name: { zh: '社区', en: 'Community' }, slug: 'c' }
			},
			{ ...options, locale: 'en' }
		);
		expect(seo.title).toBe('Sports day');
		expect(seo.place).toBe('Lakeside Park');
		expect(seo.organiser?.name).toBe('Community');
		// No summary: the preview still says when and where.
		expect(seo.description).toContain('Lakeside Park');
		expect(eventJsonLd(seo).eventStatus).toBe('https://schema.org/EventCancelled');
		expect(socialMeta(seo).find((t) => t.name === 'og:title')?.content).toBe(
			'[Cancelled] Sports day'
		);
	});

	it('writes JSON-LD that cannot close its script element and is still the same JSON', () => {
		const ld = eventJsonLd(toSeoEvent(row, options));
		const script = jsonLdScript(ld);
		const inner = script.slice('<script type="application/ld+json">'.length, -'</script>'.length);
		expect(inner).not.toMatch(/<|>|&/);
		expect(JSON.parse(inner)).toEqual(ld);
		expect(jsonForScript({ a: '\u2028<!--' })).toBe('{"a":"\\u2028\\u003c!--"}');
	});

	it('gives OpenGraph and Twitter card tags', () => {
		const tags = socialMeta(toSeoEvent(row, options));
		const get = (name: string) => tags.find((t) => t.name === name)?.content;
		expect(get('og:url')).toBe(
			'https://gongyu.example/events/2025-06-14-parent-child-reading-ab3k'
		);
		expect(get('og:title')).toBe(row.title_zh);
		expect(get('og:description')).toBe('一起读《小王子》');
		expect(get('og:locale')).toBe('zh_CN');
		expect(get('twitter:card')).toBe('summary');
	});

	it('writes Shanghai time across midnight', () => {
		expect(shanghaiIso('2025-12-31T16:30:00Z')).toBe('2026-01-01T00:30:00+08:00');
	});
});

describe('event SEO from the event page’s own data', () => {
	it('joins the room and the address into the place', () => {
		const seo = toSeoEvent(
			{
				slug: 's',
				status: 'published',
				title: { zh: '讲座', en: 'Lecture' },
				summary: { zh: '', en: '' },
				startsAt: '2025-06-14T01:30:00Z',
				endsAt: '2025-06-14T03:00:00Z',
				organiser: {
					id: 'o',
					slug: 'youth-centre',
					name: { zh: '中心', en: 'Centre' },
					phone: null
				},
				venue: { zh: '报告厅', en: 'Hall' },
				address: { zh: '西山漾', en: 'Xishanyang' }
			},
			options
		);
		expect(seo.place).toBe('报告厅 · 西山漾');
		expect(seo.organiser).toEqual({
			name: '中心',
			url: 'https://gongyu.example/orgs/youth-centre'
		});
	});
});
