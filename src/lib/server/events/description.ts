/**
 * An event's description as organisers type it — plain text with blank lines between paragraphs,
 * line breaks, and simple lists ("- ", "* ", "• ", "1. ", "1、") — turned into blocks that the page
 * renders as text. Nothing is ever interpreted as HTML: the page interpolates strings, which
 * Svelte escapes.
 */
export type DescriptionBlock =
	| { kind: 'paragraph'; lines: string[] }
	| { kind: 'bullets'; items: string[] }
	| { kind: 'numbers'; items: string[] };

const BULLET = /^\s*[-*•·]\s+(.*)$/;
const NUMBER = /^\s*\d{1,3}\s*[.、)）]\s*(.*)$/;

export function parseDescription(text: string): DescriptionBlock[] {
	const blocks: DescriptionBlock[] = [];
	let current = null as DescriptionBlock | null;
	const flush = () => {
		if (current) blocks.push(current);
		current = null;
	};
	for (const raw of text.replace(/\r\n?/g, '\n').split('\n')) {
		const line = raw.replace(/\s+$/, '');
		if (line.trim() === '') {
			flush();
			continue;
		}
		const bullet = BULLET.exec(line);
		const number = bullet ? null : NUMBER.exec(line);
		if (bullet || number) {
			const kind = bullet ? 'bullets' : 'numbers';
			const item = (bullet ?? number)![1].trim();
			if (current?.kind !== kind) {
				flush();
				current = { kind, items: [] };
			}
			(current as { items: string[] }).items.push(item);
			continue;
		}
		if (current?.kind !== 'paragraph') {
			flush();
			current = { kind: 'paragraph', lines: [] };
		}
		(current as { lines: string[] }).lines.push(line.trim());
	}
	flush();
	return blocks;
}
