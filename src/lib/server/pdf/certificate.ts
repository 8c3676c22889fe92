/**
 * The certificate of completion (结业证书) of a parent-school course: A4 landscape, Chinese and
 * English, with the organisation, the course, the holder, the sessions and hours, the serial and a
 * vector QR code that opens the public verification page (/certificates/<serial>).
 */
import { createPdf, drawQr, mm, pdfBytes } from './index';

export interface CertificateData {
	serial: string;
	holderName: string;
	courseZh: string;
	courseEn: string;
	organisationZh: string;
	organisationEn: string;
	sessionsAttended: number;
	hours: number;
	issuedAt: string;
	/** The verification page's full address (the QR code's text). */
	verifyUrl: string;
}

const day = (iso: string) => {
	const parts = new Intl.DateTimeFormat('en-CA', {
		timeZone: 'Asia/Shanghai',
		year: 'numeric',
		month: '2-digit',
		day: '2-digit'
	}).formatToParts(new Date(iso));
	const get = (type: string) => parts.find((p) => p.type === type)?.value ?? '';
	return {
		zh: `${get('year')}年${Number(get('month'))}月${Number(get('day'))}日`,
		iso: `${get('year')}-${get('month')}-${get('day')}`
	};
};

export function certificatePdf(data: CertificateData): Promise<Buffer> {
	const doc = createPdf({
		title: `结业证书 Certificate ${data.serial}`,
		author: data.organisationZh,
		layout: 'landscape',
		margin: 0
	});
	const width = doc.page.width;
	const height = doc.page.height;
	const inner = mm(24);
	const box = width - inner * 2;
	// A double frame in the brand's green.
	doc
		.lineWidth(3)
		.strokeColor('#166534')
		.rect(mm(10), mm(10), width - mm(20), height - mm(20))
		.stroke();
	doc
		.lineWidth(0.8)
		.rect(mm(13), mm(13), width - mm(26), height - mm(26))
		.stroke();

	doc.fillColor('#166534').font('bold').fontSize(40);
	doc.text('结业证书', inner, mm(28), { width: box, align: 'center', characterSpacing: 8 });
	doc.font('regular').fontSize(14).fillColor('#44403c');
	doc.text('Certificate of Completion', inner, doc.y + 2, { width: box, align: 'center' });

	doc.moveDown(1.6).fillColor('#1c1917').font('bold').fontSize(30);
	doc.text(data.holderName, inner, doc.y, { width: box, align: 'center' });
	doc.font('regular').fontSize(15).moveDown(0.6);
	const issued = day(data.issuedAt);
	doc.text(
		`参加${data.organisationZh}举办的“${data.courseZh}”，出席 ${data.sessionsAttended} 次，共 ${data.hours} 学时，成绩合格，准予结业。`,
		inner + mm(10),
		doc.y,
		{ width: box - mm(20), align: 'center', lineGap: 4 }
	);
	doc.fontSize(12).fillColor('#44403c').moveDown(0.5);
	doc.text(
		`has completed “${data.courseEn || data.courseZh}” held by ${data.organisationEn || data.organisationZh}: ${data.sessionsAttended} sessions attended, ${data.hours} hours.`,
		inner + mm(10),
		doc.y,
		{ width: box - mm(20), align: 'center' }
	);

	// Bottom: the issuer and date on the left, the QR code and serial on the right.
	const qrSize = mm(32);
	const bottom = height - mm(22);
	doc.fillColor('#1c1917').font('bold').fontSize(15);
	doc.text(data.organisationZh, inner + mm(6), bottom - mm(22), { width: box / 2 });
	doc
		.font('regular')
		.fontSize(12)
		.text(`${issued.zh}  ·  ${issued.iso}`, { width: box / 2 });
	drawQr(doc, data.verifyUrl, width - inner - qrSize, bottom - qrSize - mm(6), qrSize);
	doc.fontSize(9).fillColor('#44403c');
	doc.text(`证书编号 Serial ${data.serial}`, width - inner - mm(90), bottom - mm(5), {
		width: mm(90),
		align: 'right'
	});
	doc.text('扫码查验 Scan to verify', width - inner - mm(90), bottom - qrSize - mm(11), {
		width: mm(90),
		align: 'right'
	});
	return pdfBytes(doc);
}
