/** The dashboard's server-rendered charts: SVG without a script, bars that lead somewhere. */
import { describe, expect, it } from 'vitest';
import { renderChart } from '../../src/lib/server/dashboard/charts';

describe('server-rendered charts', () => {
	it('a bar chart is an SVG that scales, with its labels as text and no script', () => {
		const svg = renderChart(
			{
				kind: 'bar',
				categories: ['吴兴区青少年活动中心', '妇儿活动中心'],
				series: [{ name: '人次', values: [120, 4] }],
				labels: [null, '<5']
			},
			{ width: 640, height: 300 }
		);
		expect(svg.startsWith('<svg')).toBe(true);
		expect(svg).toContain('viewBox="0 0 640 300"');
		expect(svg).toContain('width="100%"');
		expect(svg).toContain('妇儿活动中心');
		expect(svg).toContain('&lt;5');
		expect(svg).not.toMatch(/<script/i);
	});

	it('each bar of a drill-down chart is a link to its own page, the others are not', () => {
		const svg = renderChart(
			{
				kind: 'bar',
				horizontal: true,
				categories: ['甲', '乙', '丙'],
				series: [{ name: '人次', values: [3, 2, 1] }],
				links: ['/admin?org=a', null, '/admin?org=c&x="y"']
			},
			{ width: 640, height: 300 }
		);
		const links = [...svg.matchAll(/<a href="([^"]*)"/g)].map((m) => m[1]);
		expect(links).toEqual(['/admin?org=a', '/admin?org=c&amp;x=&quot;y&quot;']);
		expect(svg).toContain('<title>甲</title>');
	});

	it('a line chart draws every series', () => {
		const svg = renderChart(
			{
				kind: 'line',
				categories: ['9月', '10月', '11月'],
				series: [
					{ name: '人次', values: [7, 6, 4] },
					{ name: '家庭', values: [4, 2, 2] }
				]
			},
			{ width: 640, height: 300 }
		);
		expect(svg).toContain('人次');
		expect(svg).toContain('家庭');
		expect(svg.match(/<path/g)?.length).toBeGreaterThan(4);
	});
});
