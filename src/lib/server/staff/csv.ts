/**
 * CSV that Excel opens correctly with Chinese text: UTF-8 with a byte-order mark (without it Excel
 * on Windows reads the file as GBK and shows mojibake), CRLF line ends, every field quoted, and
 * cells that a spreadsheet would run as a formula (=, +, -, @, tab, carriage return) prefixed with
 * an apostrophe, as OWASP's CSV-injection advice says.
 */
const BOM = '\uFEFF';

export function csvCell(value: unknown): string {
	let text = value == null ? '' : String(value);
	if (/^[=+\-@\t\r]/.test(text)) text = `'${text}`;
	return `"${text.replace(/"/g, '""')}"`;
}

export function toCsv(header: string[], rows: unknown[][]): string {
	return BOM + [header, ...rows].map((row) => row.map(csvCell).join(',')).join('\r\n') + '\r\n';
}

/** A file name safe in Content-Disposition: ASCII fallback plus the UTF-8 form (RFC 6266). */
export function attachmentHeader(asciiName: string, utf8Name: string): string {
	return `attachment; filename="${asciiName.replace(/[^A-Za-z0-9._-]/g, '_')}"; filename*=UTF-8''${encodeURIComponent(utf8Name)}`;
}
