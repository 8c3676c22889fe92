/**
 * Charts drawn on the server as SVG with Apache ECharts' server-side rendering (`ssr: true`,
 * SVG renderer): the page shows them without any JavaScript, and the monthly report draws the same
 * SVG into its PDF as vectors. Only the chart types and components used here are registered.
 *
 * A bar can be a link (the drill-down): ECharts marks each bar with `ecmeta_data_index`, and the
 * bar's path is wrapped in an `<a>`. Those links are for the mouse; the table beside every chart
 * has the same links for the keyboard and screen readers, so the chart itself is hidden from them.
 */
import { BarChart, LineChart } from 'echarts/charts';
import { GridComponent, LegendComponent } from 'echarts/components';
import * as echarts from 'echarts/core';
import { SVGRenderer } from 'echarts/renderers';

echarts.use([BarChart, LineChart, GridComponent, LegendComponent, SVGRenderer]);

export interface ChartSeries {
	name: string;
	values: number[];
}

export interface ChartSpec {
	kind: 'bar' | 'line';
	categories: string[];
	series: ChartSeries[];
	/** Bars drawn left to right (long category names: organisations). */
	horizontal?: boolean;
	/** Per category: where its bar leads (first series only), or null. */
	links?: (string | null)[];
	/** Per category: a label printed on the bar instead of its value (e.g. "<5"). */
	labels?: (string | null)[];
}

const COLOURS = ['#15803d', '#c2410c', '#1d4ed8', '#7c3aed'];
// Unquoted: ECharts writes the family into a double-quoted style attribute as it is.
const FONT = 'Noto Sans SC, Noto Sans CJK SC, PingFang SC, Microsoft YaHei, sans-serif';

const escapeAttr = (text: string) =>
	text.replace(/&/g, '&amp;').replace(/"/g, '&quot;').replace(/</g, '&lt;');

/** Shortens a label for an axis (the table beside the chart has it whole). */
function shorten(label: string, max: number): string {
	return [...label].length > max ? `${[...label].slice(0, max - 1).join('')}…` : label;
}

/**
 * The chart as an SVG document. For a page it scales to its container (viewBox, width 100%); for
 * print (`fixed`) it keeps its size in pixels.
 */
export function renderChart(
	spec: ChartSpec,
	size: { width: number; height: number },
	options: { fixed?: boolean } = {}
): string {
	const chart = echarts.init(null, null, {
		renderer: 'svg',
		ssr: true,
		width: size.width,
		height: size.height
	});
	try {
		const category = {
			type: 'category' as const,
			data: spec.categories.map((c) => shorten(c, spec.horizontal ? 12 : 10)),
			inverse: spec.horizontal,
			axisLabel: { fontSize: 14, color: '#44403c', interval: 0, hideOverlap: !spec.horizontal },
			axisTick: { alignWithLabel: true }
		};
		const value = {
			type: 'value' as const,
			minInterval: 1,
			axisLabel: { fontSize: 13, color: '#57534e', hideOverlap: true },
			splitLine: { lineStyle: { color: '#e7e5e4' } }
		};
		chart.setOption({
			animation: false,
			color: COLOURS,
			textStyle: { fontFamily: FONT },
			legend: spec.series.length > 1 ? { top: 0, textStyle: { fontSize: 14 } } : { show: false },
			grid: {
				left: 8,
				right: 24,
				top: spec.series.length > 1 ? 36 : 24,
				bottom: 8
			},
			xAxis: spec.horizontal ? value : category,
			yAxis: spec.horizontal ? category : value,
			series: spec.series.map((s, i) => ({
				type: spec.kind,
				name: s.name,
				data: s.values,
				barMaxWidth: 28,
				emphasis: { disabled: true },
				symbolSize: 6,
				label:
					spec.kind === 'bar'
						? {
								show: true,
								position: spec.horizontal ? 'right' : 'top',
								fontSize: 13,
								color: '#292524',
								formatter: (p: { dataIndex: number; value: unknown }) =>
									(i === 0 ? spec.labels?.[p.dataIndex] : null) ?? String(p.value)
							}
						: { show: false }
			}))
		});
		let svg = chart.renderToSVGString();
		if (options.fixed) return svg;
		svg = svg.replace(
			/^<svg([^>]*?) width="(\d+)" height="(\d+)"/,
			(_, rest: string, w: string, h: string) =>
				`<svg${rest} viewBox="0 0 ${w} ${h}" width="100%" aria-hidden="true" focusable="false" preserveAspectRatio="xMinYMin meet"`
		);
		if (spec.links) {
			svg = svg.replace(
				/<path([^>]*?) ecmeta_series_index="0" ecmeta_data_index="(\d+)"([^>]*)><\/path>/g,
				(whole, before: string, index: string) => {
					const href = spec.links?.[Number(index)];
					if (!href) return whole;
					return `<a href="${escapeAttr(href)}" tabindex="-1"><title>${escapeAttr(spec.categories[Number(index)] ?? '')}</title>${whole}</a>`;
				}
			);
		}
		return svg;
	} finally {
		chart.dispose();
	}
}
