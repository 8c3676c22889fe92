/**
 * 签到表 — the printable sign-in sheet of an event: A4, the CJK fonts embedded (subset), the
 * event's title, time and place and a QR code back to the check-in page at the top of every page,
 * then a numbered table of the families coming (guardian, how many, who, masked phone) with a
 * column for each family's signature, and page numbers. The words come from the caller (the
 * staff member's language), so this file draws only.
 */
import { createPdf, drawQr, mm, pdfBytes, type Pdf } from '../pdf';

export interface SheetRow {
	guardian: string;
	seats: number;
	/** Who comes, as one line of text (names and ages). */
	members: string;
	/** Masked (138****1234): the sheet lies on a table at the door. */
	phone: string | null;
	/** Checked in already: said in the signature cell, which stays free to sign. */
	attended: boolean;
}

export interface SheetLabels {
	title: string;
	time: string;
	place: string;
	organiser: string;
	total: string;
	no: string;
	guardian: string;
	seats: string;
	members: string;
	phone: string;
	signature: string;
	scan: string;
	attended: string;
	empty: string;
	/** "Page {page} of {pages}". */
	page: (page: number, pages: number) => string;
}

export interface SheetInput {
	eventTitle: string;
	when: string;
	place: string;
	organiser: string;
	checkInUrl: string;
	rows: SheetRow[];
	labels: SheetLabels;
	lang?: string;
}

const MARGIN = mm(12);
const QR_SIZE = mm(24);
const ROW_MIN = 24;
const PAD = 4;
const TEXT_SIZE = 10;
// Column widths as parts of the table's width: 序号, 监护人, 人数, 参加成员, 电话, 签名.
const PARTS = [0.06, 0.15, 0.06, 0.33, 0.15, 0.25];
// The columns whose text may wrap: 监护人 and 参加成员.
const WRAPPING = [1, 3];

function columns(doc: Pdf) {
	const width = doc.page.width - MARGIN * 2;
	let x = MARGIN;
	return PARTS.map((part) => {
		const column = { x, width: width * part };
		x += column.width;
		return column;
	});
}

/** The page's header; returns the y where the table's rows start. */
function header(doc: Pdf, input: SheetInput, total: string): number {
	const { labels } = input;
	const textWidth = doc.page.width - MARGIN * 2 - QR_SIZE - mm(6);
	doc.font('bold').fontSize(16).fillColor('#000000');
	doc.text(`${labels.title} · ${input.eventTitle}`, MARGIN, MARGIN, { width: textWidth });
	doc.font('regular').fontSize(10).moveDown(0.3);
	for (const [label, value] of [
		[labels.time, input.when],
		[labels.place, input.place],
		[labels.organiser, input.organiser]
	]) {
		doc.text(`${label}：${value}`, { width: textWidth });
	}
	doc.text(total, { width: textWidth });
	const qrX = doc.page.width - MARGIN - QR_SIZE;
	drawQr(doc, input.checkInUrl, qrX, MARGIN, QR_SIZE);
	doc.fontSize(7).fillColor('#444444');
	doc.text(labels.scan, qrX - mm(4), MARGIN + QR_SIZE + 1, {
		width: QR_SIZE + mm(8),
		align: 'center'
	});
	const top = Math.max(doc.y, MARGIN + QR_SIZE + 12) + 8;

	// The table's heading row, on every page.
	const cols = columns(doc);
	const names = [
		labels.no,
		labels.guardian,
		labels.seats,
		labels.members,
		labels.phone,
		labels.signature
	];
	doc.rect(MARGIN, top, doc.page.width - MARGIN * 2, ROW_MIN).fill('#e7e5e4');
	doc.font('bold').fontSize(TEXT_SIZE).fillColor('#000000');
	names.forEach((name, i) => {
		doc.text(name, cols[i].x + PAD, top + 7, { width: cols[i].width - PAD * 2, lineBreak: false });
	});
	gridLines(doc, top, ROW_MIN);
	return top + ROW_MIN;
}

function gridLines(doc: Pdf, y: number, height: number) {
	const cols = columns(doc);
	doc.lineWidth(0.5).strokeColor('#57534e');
	doc.rect(MARGIN, y, doc.page.width - MARGIN * 2, height).stroke();
	for (const col of cols.slice(1)) {
		doc
			.moveTo(col.x, y)
			.lineTo(col.x, y + height)
			.stroke();
	}
}

export async function signInSheetPdf(input: SheetInput): Promise<Buffer> {
	const doc = createPdf({
		title: `${input.labels.title} · ${input.eventTitle}`,
		author: input.organiser,
		margin: MARGIN,
		lang: input.lang
	});
	const total = input.labels.total;
	const bottom = () => doc.page.height - MARGIN - 14;
	let y = header(doc, input, total);
	const cols = columns(doc);
	doc.font('regular').fontSize(TEXT_SIZE);

	if (input.rows.length === 0) {
		doc.fillColor('#000000').text(input.labels.empty, MARGIN, y + 10);
	}
	input.rows.forEach((row, index) => {
		const cells = [
			String(index + 1),
			row.guardian,
			String(row.seats),
			row.members,
			row.phone ?? '',
			row.attended ? input.labels.attended : ''
		];
		// Only the names and the people can need a second line; the other cells are short.
		const height = Math.max(
			ROW_MIN,
			...WRAPPING.map(
				(i) => doc.heightOfString(cells[i], { width: cols[i].width - PAD * 2 }) + PAD * 2
			)
		);
		if (y + height > bottom()) {
			doc.addPage();
			y = header(doc, input, total);
			doc.font('regular').fontSize(TEXT_SIZE);
		}
		cells.forEach((cell, i) => {
			if (!cell) return;
			doc.fillColor(i === 5 ? '#57534e' : '#000000');
			doc.text(cell, cols[i].x + PAD, y + PAD + 2, {
				width: cols[i].width - PAD * 2,
				lineBreak: WRAPPING.includes(i)
			});
		});
		gridLines(doc, y, height);
		y += height;
	});

	// Page numbers, once the number of pages is known. Writing below the bottom margin would make
	// pdfkit start a new page, so the margin is lifted for the footer.
	const range = doc.bufferedPageRange();
	for (let i = range.start; i < range.start + range.count; i++) {
		doc.switchToPage(i);
		const margin = doc.page.margins.bottom;
		doc.page.margins.bottom = 0;
		doc.font('regular').fontSize(8).fillColor('#444444');
		doc.text(input.labels.page(i + 1, range.count), MARGIN, doc.page.height - MARGIN - 8, {
			width: doc.page.width - MARGIN * 2,
			align: 'center',
			lineBreak: false
		});
		doc.page.margins.bottom = margin;
	}
	return pdfBytes(doc);
}
