/**
 * URL + headers → request tree, as PostgREST reads them. Pure: no SQL, no catalogue. Every
 * malformed input throws `ParseError` (400 `PGRST100`) and nothing else.
 */
import { ParseError } from './errors';

export interface JsonStep {
	arrow: '->' | '->>';
	key: string;
}

/** A column, possibly followed by a JSON path (`data->a->>b`). */
export interface Field {
	name: string;
	path: JsonStep[];
}

export type SelectItem =
	| { type: 'star' }
	| {
			type: 'column';
			/** `count()` has no field: its name is ''. */
			field: Field;
			alias?: string;
			/** A cast of the column (before an aggregate) or of the value. */
			cast?: string;
			/** `col.sum()`, `count()` … (PostgREST's aggregates, grouped by the other columns). */
			aggregate?: Aggregate;
			/** `col.sum()::int`: a cast of the aggregate's result. */
			aggregateCast?: string;
	  }
	| {
			type: 'embed';
			/** The table, view or foreign key named in the select. */
			name: string;
			alias?: string;
			/** `!hint`: a foreign key name, a column, or a junction table. */
			hint?: string;
			join: 'left' | 'inner';
			spread: boolean;
			select: SelectItem[];
	  };

export const aggregates = ['count', 'sum', 'avg', 'max', 'min'] as const;
export type Aggregate = (typeof aggregates)[number];
const aggregateSet = new Set<string>(aggregates);

export const filterOperators = [
	'eq',
	'neq',
	'gt',
	'gte',
	'lt',
	'lte',
	'like',
	'ilike',
	'match',
	'imatch',
	'is',
	'isdistinct',
	'in',
	'cs',
	'cd',
	'ov',
	'sl',
	'sr',
	'nxr',
	'nxl',
	'adj',
	'fts',
	'plfts',
	'phfts',
	'wfts'
] as const;
export type Operator = (typeof filterOperators)[number];
const operatorSet = new Set<string>(filterOperators);
const quantifiable = new Set<string>([
	'eq',
	'neq',
	'gt',
	'gte',
	'lt',
	'lte',
	'like',
	'ilike',
	'match',
	'imatch'
]);
const ftsOperators = new Set<string>(['fts', 'plfts', 'phfts', 'wfts']);

export interface Filter {
	type: 'filter';
	field: Field;
	negate: boolean;
	op: Operator;
	/** `eq(any).{a,b}` */
	quant?: 'any' | 'all';
	/** `fts(english).word` */
	language?: string;
	/** The raw value; a list for `in` and quantified operators; `null|true|false|unknown` for `is`. */
	value: string | string[];
}

export interface Logic {
	type: 'logic';
	op: 'and' | 'or';
	negate: boolean;
	children: Condition[];
}

export type Condition = Filter | Logic;

export interface OrderTerm {
	/** `rel(col)`: order by a column of an embedded to-one resource. */
	relation?: string;
	field: Field;
	direction?: 'asc' | 'desc';
	nulls?: 'first' | 'last';
}

/** Filters, order and paging that apply at one level of the request tree. */
export interface NodeParams {
	filters: Condition[];
	order?: OrderTerm[];
	limit?: number;
	offset?: number;
}

export interface Prefer {
	return?: 'representation' | 'minimal' | 'headers-only';
	count?: 'exact' | 'planned' | 'estimated';
	resolution?: 'merge-duplicates' | 'ignore-duplicates';
	missing?: 'default' | 'null';
	params?: 'single-object';
	tx?: 'commit' | 'rollback';
	handling?: 'strict' | 'lenient';
	/** `max-affected=n`: with `handling=strict`, a write touching more rows is refused. */
	maxAffected?: number;
	timezone?: string;
	/** Preferences not understood (refused under `handling=strict`, PGRST122). */
	invalid: string[];
}

export type HttpMethod = 'GET' | 'HEAD' | 'POST' | 'PATCH' | 'DELETE' | 'PUT';

export interface ParsedRequest {
	method: HttpMethod;
	target: { kind: 'table' | 'rpc'; name: string } | { kind: 'root' };
	/** `Accept-Profile` (reads) or `Content-Profile` (writes), when sent. */
	profile: string | null;
	/** `null` when no `select` was given (PostgREST's default `*`). */
	select: SelectItem[] | null;
	/** Keyed by embed path: `''` for the root, `'venue'`, `'venue.rooms'`… */
	nodes: Map<string, NodeParams>;
	/** RPC via GET/HEAD: root-level parameters that are not reserved (arguments or filters). */
	rpcParams: [string, string][];
	onConflict: string[] | null;
	columns: string[] | null;
	prefer: Prefer;
	accept: { kind: 'array' | 'object' | 'csv' | 'unsupported'; stripNulls: boolean; raw: string };
	/** `Accept: application/vnd.pgrst.plan+json|text; for="…"; options=…`: the plan, not the rows. */
	explain: { format: 'json' | 'text'; options: string[] } | null;
	/** From the `Range` header. */
	range: { offset: number; limit?: number } | null;
}

const methods = new Set(['GET', 'HEAD', 'POST', 'PATCH', 'DELETE', 'PUT']);

/** Parses a request's URL and headers. `pathname` must start with `/rest/v1`. */
export function parseRequest(method: string, url: URL, headers: Headers): ParsedRequest {
	const upper = method.toUpperCase();
	if (!methods.has(upper)) throw new ParseError(`Unsupported HTTP method: ${method}`);
	const target = parseTarget(url.pathname);
	const reads = upper === 'GET' || upper === 'HEAD';
	const profile = headers.get(reads ? 'accept-profile' : 'content-profile');
	const request: ParsedRequest = {
		method: upper as HttpMethod,
		target,
		profile: profile === null ? null : profile.trim(),
		select: null,
		nodes: new Map([['', { filters: [] }]]),
		rpcParams: [],
		onConflict: null,
		columns: null,
		prefer: parsePrefer(headers),
		accept: parseAccept(headers.get('accept')),
		explain: parseExplain(headers.get('accept')),
		range: parseRange(headers.get('range'))
	};
	const rpcArgsInQuery = target.kind === 'rpc' && reads;
	for (const [key, value] of url.searchParams) {
		if (key === 'select') {
			request.select = parseSelect(value);
			continue;
		}
		if (key === 'on_conflict') {
			request.onConflict = parseColumnList(value, 'on_conflict');
			continue;
		}
		if (key === 'columns') {
			request.columns = parseColumnList(value, 'columns');
			continue;
		}
		const segments = splitKey(key);
		const last = segments[segments.length - 1];
		const isLogicKey =
			(last === 'or' || last === 'and') &&
			!(rpcArgsInQuery && segments.length === 1 && !value.startsWith('('));
		const negatedLogic =
			segments.length >= 2 &&
			segments[segments.length - 2] === 'not' &&
			(last === 'or' || last === 'and');
		const reserved = last === 'order' || last === 'limit' || last === 'offset' || isLogicKey;
		if (rpcArgsInQuery && segments.length === 1 && !reserved) {
			request.rpcParams.push([key, value]);
			continue;
		}
		if (negatedLogic) {
			const path = segments.slice(0, -2).join('.');
			node(request, path).filters.push(parseLogicParam(last as 'and' | 'or', true, value));
			continue;
		}
		const path = segments.slice(0, -1).join('.');
		if (last === 'order') node(request, path).order = parseOrder(value);
		else if (last === 'limit') node(request, path).limit = parseNonNegative(value, 'limit');
		else if (last === 'offset') node(request, path).offset = parseNonNegative(value, 'offset');
		else if (isLogicKey) {
			node(request, path).filters.push(parseLogicParam(last as 'and' | 'or', false, value));
		} else {
			node(request, path).filters.push(parseFilter(parseField(last, key), value));
		}
	}
	return request;
}

function node(request: ParsedRequest, path: string): NodeParams {
	let found = request.nodes.get(path);
	if (!found) {
		found = { filters: [] };
		request.nodes.set(path, found);
	}
	return found;
}

function parseTarget(pathname: string): ParsedRequest['target'] {
	const rest = pathname.replace(/^\/rest\/v1\/?/, '');
	if (rest === '') return { kind: 'root' };
	const parts = rest.split('/').map(decodeSegment);
	if (parts.length === 1 && parts[0] !== '') return { kind: 'table', name: parts[0] };
	if (parts.length === 2 && parts[0] === 'rpc' && parts[1] !== '') {
		return { kind: 'rpc', name: parts[1] };
	}
	throw new ParseError(`Invalid path: ${pathname}`);
}

function decodeSegment(segment: string): string {
	try {
		return decodeURIComponent(segment);
	} catch {
		throw new ParseError(`Invalid path segment: ${segment}`);
	}
}

/** `a.b.c` → ['a','b','c'], keeping JSON arrows and quoted names together. */
function splitKey(key: string): string[] {
	const parts: string[] = [];
	let current = '';
	let quoted = false;
	for (let i = 0; i < key.length; i++) {
		const ch = key[i];
		if (ch === '"') quoted = !quoted;
		if (ch === '.' && !quoted && !current.includes('->')) {
			parts.push(current);
			current = '';
		} else current += ch;
	}
	parts.push(current);
	if (parts.some((p) => p === ''))
		throw new ParseError(`"failed to parse filter key" (${key})`, `Empty segment in ${key}`);
	return parts;
}

function parseNonNegative(value: string, what: string): number {
	if (!/^\d{1,15}$/.test(value.trim())) {
		throw new ParseError(
			`"failed to parse ${what} parameter (${value})"`,
			`${what} must be a non-negative integer`
		);
	}
	return Number(value.trim());
}

// ---------------------------------------------------------------------------------------------
// Headers

function parsePrefer(headers: Headers): Prefer {
	const prefer: Prefer = { invalid: [] };
	const raw = headers.get('prefer');
	if (!raw) return prefer;
	// The first value given for a preference wins, as in PostgREST.
	const first = <K extends keyof Prefer>(key: K, value: Prefer[K]) => {
		if (prefer[key] === undefined) prefer[key] = value;
	};
	for (const token of raw.split(',')) {
		const text = token.trim();
		if (text === '') continue;
		const eq = text.indexOf('=');
		const k = (eq < 0 ? text : text.slice(0, eq)).trim();
		const v = eq < 0 ? '' : text.slice(eq + 1).trim();
		let understood = true;
		switch (k) {
			case 'return':
				if (v === 'representation' || v === 'minimal' || v === 'headers-only') first('return', v);
				else understood = false;
				break;
			case 'count':
				if (v === 'exact' || v === 'planned' || v === 'estimated') first('count', v);
				else understood = false;
				break;
			case 'resolution':
				if (v === 'merge-duplicates' || v === 'ignore-duplicates') first('resolution', v);
				else understood = false;
				break;
			case 'missing':
				if (v === 'default' || v === 'null') first('missing', v);
				else understood = false;
				break;
			case 'params':
				if (v === 'single-object') first('params', v);
				else understood = false;
				break;
			case 'tx':
				if (v === 'commit' || v === 'rollback') first('tx', v);
				else understood = false;
				break;
			case 'handling':
				if (v === 'strict' || v === 'lenient') first('handling', v);
				else understood = false;
				break;
			case 'max-affected':
				if (/^\d{1,15}$/.test(v)) first('maxAffected', Number(v));
				break;
			case 'timezone':
				first('timezone', v);
				break;
			default:
				understood = false;
		}
		if (!understood) prefer.invalid.push(text);
	}
	return prefer;
}

const explainOptions = new Set(['analyze', 'verbose', 'settings', 'buffers', 'wal']);

function parseExplain(raw: string | null): ParsedRequest['explain'] {
	const match = /^\s*application\/vnd\.pgrst\.plan(?:\+(json|text))?\s*(;.*)?$/i.exec(raw ?? '');
	if (!match) return null;
	const options = /options=([a-z|]*)/i.exec(match[2] ?? '')?.[1] ?? '';
	return {
		format: match[1]?.toLowerCase() === 'json' ? 'json' : 'text',
		options: options
			.toLowerCase()
			.split('|')
			.filter((o) => explainOptions.has(o))
	};
}

function parseAccept(raw: string | null): ParsedRequest['accept'] {
	// A plan is asked for the rows of the media type in `for` (an array of JSON here).
	if (parseExplain(raw)) return { kind: 'array', stripNulls: false, raw: raw ?? '' };
	if (raw === null || raw.trim() === '') return { kind: 'array', stripNulls: false, raw: '' };
	for (const part of raw.split(',')) {
		const [type, ...params] = part.split(';').map((s) => s.trim().toLowerCase());
		const stripNulls = params.includes('nulls=stripped');
		if (type === 'application/vnd.pgrst.object+json' || type === 'application/vnd.pgrst.object') {
			return { kind: 'object', stripNulls, raw };
		}
		if (type === 'text/csv') return { kind: 'csv', stripNulls: false, raw };
		if (
			type === 'application/json' ||
			type === 'application/vnd.pgrst.array+json' ||
			type === 'application/*' ||
			type === '*/*'
		) {
			return { kind: 'array', stripNulls, raw };
		}
	}
	return { kind: 'unsupported', stripNulls: false, raw };
}

function parseRange(raw: string | null): ParsedRequest['range'] {
	if (!raw) return null;
	const match = raw.trim().match(/^(?:items=)?(\d{1,15})-(\d{0,15})$/);
	if (!match) return null;
	const from = Number(match[1]);
	if (match[2] === '') return { offset: from };
	const to = Number(match[2]);
	if (to < from) return null;
	return { offset: from, limit: to - from + 1 };
}

// ---------------------------------------------------------------------------------------------
// Select

class Cursor {
	pos = 0;
	constructor(
		readonly text: string,
		readonly what: string
	) {}
	get done(): boolean {
		return this.pos >= this.text.length;
	}
	peek(n = 1): string {
		return this.text.slice(this.pos, this.pos + n);
	}
	fail(expected: string): never {
		const found = this.done ? 'end of input' : `"${this.text[this.pos]}"`;
		throw new ParseError(
			`"failed to parse ${this.what} parameter (${this.text})" (line 1, column ${this.pos + 1})`,
			`unexpected ${found} expecting ${expected}`
		);
	}
	expect(token: string, expected = `"${token}"`): void {
		if (this.peek(token.length) !== token) this.fail(expected);
		this.pos += token.length;
	}
	skipSpaces(): void {
		while (!this.done && /\s/.test(this.text[this.pos])) this.pos++;
	}
}

const nameStop = new Set([',', '.', ':', '(', ')', '!', '"', ' ', '\t', '\n', '\r']);

/** An identifier (stops at reserved characters and at `->`) or a double-quoted name. */
function readName(c: Cursor, expected = 'field name'): string {
	c.skipSpaces();
	if (c.peek() === '"') return readQuoted(c);
	const start = c.pos;
	while (!c.done && !nameStop.has(c.text[c.pos]) && c.peek(2) !== '->') {
		if (c.text[c.pos] === '-' && c.peek(2) === '->') break;
		c.pos++;
	}
	if (c.pos === start) c.fail(expected);
	return c.text.slice(start, c.pos);
}

function readQuoted(c: Cursor): string {
	c.expect('"');
	let out = '';
	while (true) {
		if (c.done) c.fail('closing quote');
		const ch = c.text[c.pos++];
		if (ch === '\\' && !c.done) out += c.text[c.pos++];
		else if (ch === '"') return out;
		else out += ch;
	}
}

function readJsonPath(c: Cursor): JsonStep[] {
	const path: JsonStep[] = [];
	while (c.peek(2) === '->') {
		const arrow = c.peek(3) === '->>' ? '->>' : '->';
		c.pos += arrow.length;
		path.push({ arrow, key: readName(c, 'json key') });
	}
	return path;
}

export function parseSelect(text: string): SelectItem[] {
	const c = new Cursor(text, 'select');
	const items = parseSelectList(c, 0);
	c.skipSpaces();
	if (!c.done) c.fail('"," or end of input');
	return items;
}

function parseSelectList(c: Cursor, depth: number): SelectItem[] {
	if (depth > 16) c.fail('less nesting');
	const items: SelectItem[] = [];
	c.skipSpaces();
	// `rel()` selects no column of the embedded resource (used with !inner to filter only).
	if (depth > 0 && c.peek() === ')') return items;
	while (true) {
		items.push(parseSelectItem(c, depth));
		c.skipSpaces();
		if (c.peek() !== ',') break;
		c.pos++;
	}
	return items;
}

function parseSelectItem(c: Cursor, depth: number): SelectItem {
	c.skipSpaces();
	if (c.peek() === '*') {
		c.pos++;
		return { type: 'star' };
	}
	let spread = false;
	if (c.peek(3) === '...') {
		c.pos += 3;
		spread = true;
	}
	let alias: string | undefined;
	let name = readName(c);
	if (c.peek() === ':' && c.peek(2) !== '::') {
		c.pos++;
		alias = name;
		name = readName(c);
	}
	// `count()`: the number of rows (of the group), as PostgREST's aggregate.
	if (!spread && name === 'count' && c.peek(2) === '()') {
		c.pos += 2;
		const aggregateCast = readCast(c);
		return {
			type: 'column',
			field: { name: '', path: [] },
			alias,
			aggregate: 'count',
			aggregateCast
		};
	}
	const path = readJsonPath(c);
	if (path.length === 0 && (c.peek() === '!' || c.peek() === '(')) {
		let hint: string | undefined;
		let join: 'left' | 'inner' = 'left';
		while (c.peek() === '!') {
			c.pos++;
			const word = readName(c, 'hint or join type');
			if (word === 'inner' || word === 'left') join = word;
			else if (hint === undefined) hint = word;
			else c.fail('"inner" or "left"');
		}
		c.expect('(');
		const select = parseSelectList(c, depth + 1);
		c.skipSpaces();
		c.expect(')', '"," or ")"');
		return { type: 'embed', name, alias, hint, join, spread, select };
	}
	if (spread) c.fail('"(" after a spread relation');
	const cast = readCast(c);
	// `col.sum()`, `col::numeric.avg()::int`
	if (c.peek() === '.') {
		const start = c.pos;
		c.pos++;
		const fn = readName(c, 'an aggregate (count, sum, avg, max, min)');
		if (!aggregateSet.has(fn) || c.peek(2) !== '()') {
			c.pos = start;
			c.fail('"," or ")"');
		}
		c.pos += 2;
		const aggregateCast = readCast(c);
		return {
			type: 'column',
			field: { name, path },
			alias,
			cast,
			aggregate: fn as Aggregate,
			aggregateCast
		};
	}
	return { type: 'column', field: { name, path }, alias, cast };
}

function readCast(c: Cursor): string | undefined {
	if (c.peek(2) !== '::') return undefined;
	c.pos += 2;
	const start = c.pos;
	while (!c.done && /[A-Za-z0-9_ [\]]/.test(c.text[c.pos])) c.pos++;
	const cast = c.text.slice(start, c.pos).trim();
	if (!/^[A-Za-z_][A-Za-z0-9_ ]*(\[\])?$/.test(cast)) c.fail('a type name');
	return cast;
}

/** A column in a filter key or inside `or=(…)`: `name`, `"quoted"`, `data->a->>b`. */
export function parseField(text: string, context = text): Field {
	const c = new Cursor(text, `filter (${context})`);
	const name = readName(c);
	const path = readJsonPath(c);
	if (!c.done) c.fail('"->" or end of input');
	return { name, path };
}

function parseColumnList(text: string, what: string): string[] {
	const c = new Cursor(text, what);
	const columns: string[] = [];
	while (true) {
		columns.push(readName(c, 'column name'));
		c.skipSpaces();
		if (c.done) break;
		c.expect(',', '"," or end of input');
	}
	return columns;
}

// ---------------------------------------------------------------------------------------------
// Order

export function parseOrder(text: string): OrderTerm[] {
	const terms: OrderTerm[] = [];
	for (const raw of splitTopLevel(text, 'order')) {
		const part = raw.trim();
		const c = new Cursor(part, 'order');
		let relation: string | undefined;
		let name = readName(c);
		if (c.peek() === '(') {
			c.pos++;
			relation = name;
			name = readName(c);
			const path = readJsonPath(c);
			c.expect(')');
			terms.push(orderModifiers(c, { relation, field: { name, path } }));
			continue;
		}
		const path = readJsonPath(c);
		terms.push(orderModifiers(c, { field: { name, path } }));
	}
	return terms;
}

function orderModifiers(c: Cursor, term: OrderTerm): OrderTerm {
	while (!c.done) {
		c.expect('.', '"." or ","');
		const word = readName(c, 'asc, desc, nullsfirst or nullslast');
		if (word === 'asc' || word === 'desc') {
			if (term.direction || term.nulls) c.fail('nullsfirst or nullslast');
			term.direction = word;
		} else if (word === 'nullsfirst' || word === 'nullslast') {
			if (term.nulls) c.fail('end of order term');
			term.nulls = word === 'nullsfirst' ? 'first' : 'last';
		} else c.fail('asc, desc, nullsfirst or nullslast');
	}
	return term;
}

// ---------------------------------------------------------------------------------------------
// Filters

/** Splits on commas that are outside parentheses, braces and double-quoted strings. */
function splitTopLevel(text: string, what: string): string[] {
	const parts: string[] = [];
	let depth = 0;
	let quoted = false;
	let current = '';
	for (let i = 0; i < text.length; i++) {
		const ch = text[i];
		if (quoted) {
			current += ch;
			if (ch === '\\' && i + 1 < text.length) current += text[++i];
			else if (ch === '"') quoted = false;
			continue;
		}
		if (ch === '"') quoted = true;
		else if (ch === '(' || ch === '{') depth++;
		else if (ch === ')' || ch === '}') {
			depth--;
			if (depth < 0)
				throw new ParseError(`"failed to parse ${what} (${text})"`, 'unbalanced parentheses');
		} else if (ch === ',' && depth === 0) {
			parts.push(current);
			current = '';
			continue;
		}
		current += ch;
	}
	if (quoted)
		throw new ParseError(`"failed to parse ${what} (${text})"`, 'unterminated quoted value');
	if (depth !== 0)
		throw new ParseError(`"failed to parse ${what} (${text})"`, 'unbalanced parentheses');
	parts.push(current);
	return parts;
}

/** `value` of a filter query parameter: `[not.]op[(modifier)].value`. */
export function parseFilter(field: Field, text: string, inLogic = false): Filter {
	let rest = text;
	let negate = false;
	if (rest.startsWith('not.')) {
		negate = true;
		rest = rest.slice(4);
	}
	const match = rest.match(/^([a-z]+)(?:\(([^)]*)\))?\./);
	if (!match || !operatorSet.has(match[1])) {
		const op = rest.split('.')[0];
		throw new ParseError(
			`"failed to parse filter (${text})" (line 1, column ${negate ? 5 : 1})`,
			`unexpected "${op.slice(0, 20)}" expecting an operator (${filterOperators.join(', ')})`
		);
	}
	const op = match[1] as Operator;
	const modifier = match[2];
	let value = rest.slice(match[0].length);
	if (inLogic) value = unquote(value, text);
	const filter: Filter = { type: 'filter', field, negate, op, value };
	if (modifier !== undefined) {
		if (ftsOperators.has(op)) {
			if (!/^[A-Za-z_][A-Za-z0-9_]*$/.test(modifier)) {
				throw new ParseError(
					`"failed to parse filter (${text})"`,
					'invalid text search configuration'
				);
			}
			filter.language = modifier;
		} else if (quantifiable.has(op) && (modifier === 'any' || modifier === 'all')) {
			filter.quant = modifier;
			filter.value = parseList(value, '{', '}', text);
		} else {
			throw new ParseError(
				`"failed to parse filter (${text})"`,
				`unexpected modifier "${modifier}"`
			);
		}
	}
	if (op === 'in') filter.value = parseList(value, '(', ')', text);
	if (op === 'is') {
		const lower = value.toLowerCase();
		if (!['null', 'true', 'false', 'unknown', 'not_null'].includes(lower)) {
			throw new ParseError(
				`"failed to parse filter (${text})"`,
				`unexpected "${value.slice(0, 20)}" expecting null, true, false or unknown`
			);
		}
		filter.value = lower;
	}
	return filter;
}

function unquote(value: string, context: string): string {
	if (!value.startsWith('"')) return value;
	const c = new Cursor(value, `filter (${context})`);
	const out = readQuoted(c);
	if (!c.done) c.fail('end of quoted value');
	return out;
}

/** `(a,"b,c",d)` or `{a,b}` → list of values. */
function parseList(text: string, open: string, close: string, context: string): string[] {
	if (!text.startsWith(open) || !text.endsWith(close) || text.length < 2) {
		throw new ParseError(
			`"failed to parse filter (${context})"`,
			`expected a list in ${open}${close}`
		);
	}
	const inner = text.slice(1, -1);
	if (inner.trim() === '') return [];
	return splitTopLevel(inner, `filter (${context})`).map((item) => {
		const trimmed = item.trim();
		return trimmed.startsWith('"') ? unquote(trimmed, context) : trimmed;
	});
}

function parseLogicParam(op: 'and' | 'or', negate: boolean, value: string): Logic {
	if (!value.startsWith('(') || !value.endsWith(')')) {
		throw new ParseError(
			`"failed to parse logic tree (${value})" (line 1, column 1)`,
			'expecting "("'
		);
	}
	return { type: 'logic', op, negate, children: parseLogicChildren(value.slice(1, -1), value, 0) };
}

function parseLogicChildren(inner: string, context: string, depth: number): Condition[] {
	if (depth > 16)
		throw new ParseError(`"failed to parse logic tree (${context})"`, 'nested too deeply');
	if (inner.trim() === '') {
		throw new ParseError(`"failed to parse logic tree (${context})"`, 'empty logic tree');
	}
	return splitTopLevel(inner, `logic tree (${context})`).map((raw) => {
		const item = raw.trim();
		const logic = item.match(/^(not\.)?(and|or)\(/);
		if (logic && item.endsWith(')')) {
			return {
				type: 'logic',
				op: logic[2] as 'and' | 'or',
				negate: Boolean(logic[1]),
				children: parseLogicChildren(item.slice(logic[0].length, -1), context, depth + 1)
			};
		}
		const c = new Cursor(item, `logic tree (${context})`);
		const name = readName(c);
		const path = readJsonPath(c);
		c.expect('.', '"." followed by an operator');
		return parseFilter({ name, path }, item.slice(c.pos), true);
	});
}
