/**
 * How long the server takes to draw what a shared link and a poster download need, in-process
 * (no HTTP, no Storage): a 4000 × 3000 photo made into a cover (16:9 around a focal point), the
 * 1200 × 630 share card, the A4 poster as PNG and as PDF, and the 9:16 phone picture, with their
 * sizes. Each is drawn RUNS times (10) after one warm-up; p50 and p95 are printed, and the load
 * average, since these figures mean something only on a quiet machine. A card or poster is drawn
 * once per version of what it shows and then served from Storage. Asserts nothing.
 *   npx tsx bench/pictures.ts
 */
import { loadavg } from 'node:os';
import sharp from 'sharp';
import { toPdf, toPng } from '../src/lib/server/pictures/drawing';
import { makeCover } from '../src/lib/server/pictures/image';
import { cardDrawing, posterDrawing, type PosterFacts } from '../src/lib/server/pictures/layouts';

const runs = Number(process.env.RUNS ?? 10);
const load = () =>
	loadavg()
		.map((n) => n.toFixed(2))
		.join(' ');

const facts: PosterFacts = {
	title: '亲子共读：和孩子一起读绘本《猜猜我有多爱你》',
	kicker: '亲子阅读',
	lines: ['12月12日 周六 09:30–11:00', '吴兴区青少年活动中心 3 楼阅读室', '适合年龄 4–8 岁'],
	organiser: '吴兴区青少年活动中心',
	qrUrl: 'https://gongyu.example.cn/events/2026-12-12-parent-child-reading?src=share',
	qrCaption: '扫码报名',
	brand: '共育 · 家校社协同育人',
	summary: '用一个小时陪孩子读一本好书，学会亲子共读的三个小方法。',
	facts: [
		{ label: '时间', value: '12月12日 周六 09:30–11:00' },
		{ label: '地点', value: '吴兴区青少年活动中心 3 楼阅读室' },
		{ label: '主办', value: '吴兴区青少年活动中心' },
		{ label: '适合年龄', value: '4–8 岁' }
	],
	shortUrl: 'gongyu.example.cn/events/2026-12-12-parent-child-reading',
	cancelled: null
};

async function measure(name: string, work: () => Promise<Buffer> | Buffer) {
	const first = await work();
	const times: number[] = [];
	for (let i = 0; i < runs; i++) {
		const start = performance.now();
		await work();
		times.push(performance.now() - start);
	}
	times.sort((a, b) => a - b);
	const at = (q: number) => times[Math.min(times.length - 1, Math.ceil(q * times.length) - 1)];
	console.log(
		`${name.padEnd(34)} p50 ${at(0.5).toFixed(0).padStart(5)} ms   p95 ${at(0.95).toFixed(0).padStart(5)} ms   ${Math.round(first.length / 1024)} KB`
	);
}

console.log(`load average before: ${load()}; ${runs} runs each`);
const photo = await sharp({
	create: {
		width: 4000,
		height: 3000,
		channels: 3,
		noise: { type: 'gaussian', mean: 128, sigma: 60 }
	}
})
	.blur(4)
	.jpeg({ quality: 90 })
	.toBuffer();
const cover = await makeCover(photo, 0.3, 0.6);
const picture = { data: cover.bytes, mime: 'image/jpeg' as const };
await measure('cover from a 4000×3000 photo', async () => (await makeCover(photo, 0.3, 0.6)).bytes);
await measure('share card 1200×630 PNG', () => toPng(cardDrawing(facts, picture, null)));
const a4 = posterDrawing(facts, { width: 1240, height: 1754 }, picture, null);
await measure('A4 poster 1240×1754 PNG', () => toPng(a4));
await measure('A4 poster PDF', () =>
	toPdf(a4, { width: 595.28, height: 841.89, title: facts.title })
);
await measure('phone picture 1080×1920 PNG', () =>
	toPng(posterDrawing(facts, { width: 1080, height: 1920 }, picture, null))
);
console.log(`load average after: ${load()}`);
