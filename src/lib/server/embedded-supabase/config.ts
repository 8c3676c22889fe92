/**
 * `supabase/config.toml`, read the way the Supabase CLI reads it, so that one file configures both
 * `supabase db push` deploys and the embedded Supabase. Only the TOML this file uses is understood:
 * tables (`[auth.email]`), `key = value` with strings, numbers, booleans and arrays of them, and
 * comments; anything else is an error that names the line, rather than a setting silently ignored.
 */
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';

export type TomlValue = string | number | boolean | TomlValue[] | TomlTable;
export interface TomlTable {
	[key: string]: TomlValue;
}

/** The parsed `config.toml` of a `supabase/` folder; `{}` when the folder has none. */
export async function readSupabaseConfig(dir: string): Promise<TomlTable> {
	let text: string;
	try {
		text = await readFile(join(dir, 'config.toml'), 'utf8');
	} catch (error) {
		if ((error as NodeJS.ErrnoException).code === 'ENOENT') return {};
		throw error;
	}
	return parseToml(text);
}

/** A table of the config by its dotted name (`auth.rate_limit`), or `{}`. */
export function configTable(config: TomlTable, path: string): TomlTable {
	let table: TomlValue = config;
	for (const part of path.split('.')) {
		const next: TomlValue | undefined = (table as TomlTable)[part];
		if (!next || typeof next !== 'object' || Array.isArray(next)) return {};
		table = next;
	}
	return table as TomlTable;
}

/**
 * `[api] schemas`: the schemas the REST API exposes, the first the default, as the Supabase CLI
 * passes them to PostgREST (`public` when the file names none).
 */
export function schemasFromConfig(config: TomlTable): string[] {
	const value = configTable(config, 'api').schemas;
	if (value === undefined) return ['public'];
	if (!Array.isArray(value) || !value.every((v) => typeof v === 'string' && v.trim() !== '')) {
		throw new Error('config.toml: [api] schemas must be a list of schema names');
	}
	const names = [...new Set(value.map((v) => (v as string).trim()))];
	return names.length ? names : ['public'];
}

const bareKey = /^[A-Za-z0-9_-]+$/;

export function parseToml(text: string): TomlTable {
	const root: TomlTable = {};
	let current = root;
	const lines = text.split(/\r?\n/);
	for (let i = 0; i < lines.length; i++) {
		const fail = (what: string): never => {
			throw new Error(`config.toml line ${i + 1}: ${what}`);
		};
		let line = stripComment(lines[i]).trim();
		if (line === '') continue;
		if (line.startsWith('[')) {
			const match = /^\[\s*([A-Za-z0-9_.-]+)\s*\]$/.exec(line);
			if (!match) fail('only [table] headers are understood');
			current = root;
			for (const part of match![1].split('.')) {
				if (!bareKey.test(part)) fail(`bad table name "${match![1]}"`);
				const next = current[part];
				if (next === undefined) current[part] = {};
				else if (typeof next !== 'object' || Array.isArray(next)) fail(`"${part}" is not a table`);
				current = current[part] as TomlTable;
			}
			continue;
		}
		const eq = line.indexOf('=');
		if (eq < 0) fail('expected key = value');
		let key = line.slice(0, eq).trim();
		// A quoted key (`"1234567890" = …`), without escapes.
		const quoted = /^"([^"\\]*)"$/.exec(key);
		if (quoted) key = quoted[1];
		else if (!bareKey.test(key)) fail(`bad key "${key}"`);
		let raw = line.slice(eq + 1).trim();
		// A multi-line array: keep reading until its brackets balance.
		while (raw.startsWith('[') && !balanced(raw)) {
			if (++i >= lines.length) fail('unterminated array');
			line = stripComment(lines[i]).trim();
			raw += ` ${line}`;
		}
		const reader = { text: raw, at: 0 };
		const value = readValue(reader, fail);
		skipSpace(reader);
		if (reader.at !== reader.text.length) fail(`unexpected "${reader.text.slice(reader.at)}"`);
		if (key in current) fail(`"${key}" is set twice`);
		current[key] = value;
	}
	return root;
}

/** Visits the characters of `text` outside quoted strings until `visit` returns true. */
function outsideStrings(text: string, visit: (c: string, at: number) => boolean | void): void {
	let quote: string | null = null;
	for (let i = 0; i < text.length; i++) {
		const c = text[i];
		if (quote) {
			if (c === '\\' && quote === '"') i++;
			else if (c === quote) quote = null;
		} else if (c === '"' || c === "'") quote = c;
		else if (visit(c, i)) return;
	}
}

function stripComment(line: string): string {
	let end = line.length;
	outsideStrings(line, (c, at) => c === '#' && ((end = at), true));
	return line.slice(0, end);
}

function balanced(text: string): boolean {
	let depth = 0;
	outsideStrings(text, (c) => void (depth += c === '[' ? 1 : c === ']' ? -1 : 0));
	return depth === 0;
}

interface Reader {
	text: string;
	at: number;
}

function skipSpace(r: Reader) {
	while (r.at < r.text.length && /\s/.test(r.text[r.at])) r.at++;
}

const escapes: Record<string, string> = { n: '\n', t: '\t', r: '\r', '"': '"', '\\': '\\' };

function readValue(r: Reader, fail: (what: string) => never): TomlValue {
	skipSpace(r);
	const c = r.text[r.at];
	if (c === '"') {
		let out = '';
		for (r.at++; r.at < r.text.length; r.at++) {
			const ch = r.text[r.at];
			if (ch === '"') {
				r.at++;
				return out;
			}
			if (ch === '\\') {
				const next = r.text[++r.at];
				if (next === 'u') {
					out += String.fromCodePoint(parseInt(r.text.slice(r.at + 1, r.at + 5), 16));
					r.at += 4;
				} else if (next in escapes) out += escapes[next];
				else fail(`unknown escape \\${next}`);
			} else out += ch;
		}
		fail('unterminated string');
	}
	if (c === "'") {
		const end = r.text.indexOf("'", r.at + 1);
		if (end < 0) fail('unterminated string');
		const out = r.text.slice(r.at + 1, end);
		r.at = end + 1;
		return out;
	}
	if (c === '[') {
		const items: TomlValue[] = [];
		r.at++;
		for (;;) {
			skipSpace(r);
			if (r.text[r.at] === ']') {
				r.at++;
				return items;
			}
			items.push(readValue(r, fail));
			skipSpace(r);
			if (r.text[r.at] === ',') r.at++;
			else if (r.text[r.at] !== ']') fail('expected , or ] in an array');
		}
	}
	const word = /^[^\s,\]]+/.exec(r.text.slice(r.at))?.[0] ?? '';
	r.at += word.length;
	if (word === 'true') return true;
	if (word === 'false') return false;
	const number = word.replace(/_/g, '');
	if (/^[+-]?\d+(\.\d+)?([eE][+-]?\d+)?$/.test(number)) return Number(number);
	return fail(`cannot read the value "${word}"`);
}

/**
 * The ES256 key access tokens are signed with: the first key of the JSON array of private JWKs at
 * `path` (the Supabase CLI's `signing_keys.json`; `GONGYU_JWT_SIGNING_KEYS`), else at `[auth]
 * signing_keys_path` of config.toml (relative to the `supabase/` folder, as the CLI reads it);
 * null when neither names a file: tokens are then signed with the HS256 secret.
 */
export async function signingKeyFromConfig(
	dir: string,
	config: TomlTable,
	path?: string
): Promise<Record<string, unknown> | null> {
	const configured = configTable(config, 'auth').signing_keys_path;
	const file =
		path || (typeof configured === 'string' && configured ? join(dir, configured) : null);
	if (!file) return null;
	let keys: unknown;
	try {
		keys = JSON.parse(await readFile(file, 'utf8'));
	} catch (error) {
		throw new Error(`JWT signing keys: cannot read ${file} (${(error as Error).message})`, {
			cause: error
		});
	}
	const first = Array.isArray(keys) ? keys[0] : keys;
	if (!first || typeof first !== 'object') {
		throw new Error(`JWT signing keys: ${file} holds no key (a JSON array of private JWKs)`);
	}
	return first as Record<string, unknown>;
}
