/**
 * The readable export: the family's own export_my_family, drawn as a PDF (Noto Sans SC embedded)
 * with the answers to questions, the note, the phone reveals and the email preferences; the text is
 * read back with pdftotext and the first page rendered with pdftoppm (kept in test-results to be
 * looked at). Another family's export holds none of it.
 */
import { execFileSync } from 'node:child_process';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { PNG } from 'pngjs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
	readableExport,
	readableExportPdf,
	type FamilyExport
} from '../../src/lib/server/families/readable-export';
import {
	backendUnderTest,
	createWorld,
	insertEvent,
	row,
	startDomain,
	type Domain,
	type World
} from '../support/personas';

const out = resolve(import.meta.dirname, '../../test-results/family-export');

describe(`the readable family export on ${backendUnderTest}`, () => {
	let domain: Domain;
	let w: World;

	beforeAll(async () => {
		domain = await startDomain(backendUnderTest);
		w = await createWorld(domain);
		mkdirSync(out, { recursive: true });
	});

	afterAll(async () => {
		await domain?.close();
	});

	async function pdfText(data: FamilyExport, name: string) {
		const bytes = await readableExportPdf(readableExport(data, 'zh-CN'));
		expect(bytes.subarray(0, 5).toString()).toBe('%PDF-');
		const file = join(out, `${name}.pdf`);
		writeFileSync(file, bytes);
		return {
			file,
			text: execFileSync('pdftotext', ['-enc', 'UTF-8', file, '-'], { encoding: 'utf8' })
		};
	}

	it('the PDF holds the answers, the note, the reveals and the preferences, readable', async () => {
		const eventId = await insertEvent(domain, w, { startsInHours: 30 });
		const allergies = await row<{ id: string }>(
			domain,
			`insert into public.event_questions (event_id, position, kind, scope, required, sensitive, preset, label_zh, label_en)
			values ($1::uuid, 0, 'long_text', 'attendee', true, true, 'allergies', '过敏与饮食', 'Allergies and diet')
			returning id::text`,
			[eventId]
		);
		const grade = await row<{ id: string }>(
			domain,
			`insert into public.event_questions (event_id, position, kind, scope, children_only, label_zh, label_en, choices)
			values ($1::uuid, 1, 'single_choice', 'attendee', true, '年级', 'Grade',
				'[{"value":"g1","zh":"一年级","en":"Year 1"},{"value":"g2","zh":"二年级","en":"Year 2"}]')
			returning id::text`,
			[eventId]
		);
		const registered = await w.client.guardianA.rpc('register_family', {
			p_event_id: eventId,
			p_member_ids: [w.parentA, w.childA],
			p_answers: [
				{ question_id: allergies.id, member_id: w.childA, value: '花生过敏，随身带药' },
				{ question_id: allergies.id, member_id: w.parentA, value: '无' },
				{ question_id: grade.id, member_id: w.childA, value: 'g2' }
			],
			p_note: '乐乐第一次来，请多关照'
		});
		expect(registered.error).toBeNull();
		const reveal = await w.client.staffA.rpc('reveal_family_phone', {
			p_registration_id: registered.data.registration_id
		});
		expect(reveal.error).toBeNull();

		const { data, error } = await w.client.guardianA.rpc('export_my_family');
		expect(error).toBeNull();
		const { file, text } = await pdfText(data as FamilyExport, 'family-a');
		const flat = text.replace(/\s+/g, '');
		for (const expected of [
			'我的家庭数据',
			'家长甲',
			'13800001111',
			'过敏与饮食（敏感信息）：乐乐花生过敏，随身带药；妈妈无',
			'年级：乐乐二年级',
			'给主办方的留言：乐乐第一次来，请多关照',
			'手机号被查看的记录',
			'测试活动中心（测试活动）',
			'邮件设置',
			'活动提醒：开启',
			'知情同意',
			'版本2026-12'
		])
			expect(flat).toContain(expected.replace(/\s+/g, ''));

		execFileSync('pdftoppm', [
			'-r',
			'60',
			'-png',
			'-f',
			'1',
			'-l',
			'1',
			file,
			join(out, 'family-a')
		]);
		const png = PNG.sync.read(readFileSync(join(out, 'family-a-1.png')));
		let dark = 0;
		for (let i = 0; i < png.data.length; i += 4) if (png.data[i] < 128) dark++;
		// Text on a white page: some ink, mostly paper.
		expect(dark / (png.width * png.height)).toBeGreaterThan(0.01);
		expect(dark / (png.width * png.height)).toBeLessThan(0.3);

		const other = await w.client.guardianB.rpc('export_my_family');
		const theirs = await pdfText(other.data as FamilyExport, 'family-b');
		expect(theirs.text).not.toContain('花生');
		expect(theirs.text).not.toContain('13800001111');
		expect(theirs.text).toContain('Parent B');
	});
});
