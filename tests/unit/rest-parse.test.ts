/**
 * Properties of the REST parser and planner: malformed input only ever yields the parser's own
 * 400 error, and no client-provided value ever reaches SQL text — values travel as parameters.
 */
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openPglite, type Database } from '../../src/lib/server/embedded-supabase/database';
import { applyBootstrap } from '../../src/lib/server/embedded-supabase/migrate';
import {
	loadCatalogue,
	type Catalogue
} from '../../src/lib/server/embedded-supabase/rest/catalogue';
import { ParseError, RestError } from '../../src/lib/server/embedded-supabase/rest/errors';
import { parseRequest, parseSelect } from '../../src/lib/server/embedded-supabase/rest/parse';
import { plan } from '../../src/lib/server/embedded-supabase/rest/plan';

const base = 'http://localhost/rest/v1';

/** Characters the grammar gives meaning to, plus a few that must never matter. */
const grammarChar = fc.constantFrom(
	...'abcxyz_019.,:()!"\'\\-> *{}[];=&%@#$~^|/\t'.split(''),
	'->',
	'->>',
	'::',
	'not.',
	'eq.',
	'in.',
	'or(',
	'and(',
	'!inner',
	'ü',
	'字'
);
const grammarString = fc.array(grammarChar, { maxLength: 30 }).map((parts) => parts.join(''));
const keyword = fc.constantFrom(
	'select',
	'order',
	'limit',
	'offset',
	'or',
	'and',
	'not.or',
	'on_conflict',
	'columns',
	'id',
	'venue.name',
	'venue.order',
	'venue.limit',
	'data->a'
);

describe('the REST parser', () => {
	it('throws nothing but its own 400 error for any query string and headers', () => {
		fc.assert(
			fc.property(
				fc.constantFrom('GET', 'HEAD', 'POST', 'PATCH', 'DELETE'),
				fc.constantFrom('/events', '/rpc/fn', '/a%20b', '/', '/rpc/', '/x/y/z', '/%E0%A4%A'),
				fc.array(fc.tuple(fc.oneof(keyword, grammarString), grammarString), { maxLength: 6 }),
				fc.record({
					prefer: grammarString,
					accept: fc.oneof(grammarString, fc.constant('application/vnd.pgrst.object+json')),
					range: fc.oneof(grammarString, fc.constant('0-9')),
					'accept-profile': grammarString
				}),
				(method, path, params, rawHeaders) => {
					const url = new URL(base + path);
					for (const [k, v] of params) url.searchParams.append(k, v);
					// HTTP header values are byte strings: `Headers` itself refuses anything else.
					const headers = new Headers(
						Object.entries(rawHeaders).map(([k, v]): [string, string] => [
							k,
							v.replace(/[^\x20-\x7e\t]/g, '')
						])
					);
					try {
						parseRequest(method, url, headers);
					} catch (error) {
						expect(error).toBeInstanceOf(ParseError);
						expect((error as ParseError).status).toBe(400);
						expect((error as ParseError).code).toBe('PGRST100');
					}
				}
			),
			{ numRuns: 3000 }
		);
	});

	it('parses what supabase-js sends', () => {
		const url = new URL(
			`${base}/events?select=id,title,venue:venues!inner(name,org:organisations(name))&venue.name=eq.Hall&or=(seats.eq.0,and(seats.gt.5,title.ilike.*a*),title.in.("a,b",c))&order=starts_at.desc.nullslast,id&limit=10&offset=20&not.and=(id.eq.1,id.eq.2)`
		);
		const parsed = parseRequest(
			'GET',
			url,
			new Headers({
				prefer: 'count=exact',
				accept: 'application/vnd.pgrst.object+json',
				range: '0-9'
			})
		);
		expect(parsed.select).toEqual([
			{ type: 'column', field: { name: 'id', path: [] }, alias: undefined, cast: undefined },
			{ type: 'column', field: { name: 'title', path: [] }, alias: undefined, cast: undefined },
			{
				type: 'embed',
				name: 'venues',
				alias: 'venue',
				hint: undefined,
				join: 'inner',
				spread: false,
				select: [
					{ type: 'column', field: { name: 'name', path: [] }, alias: undefined, cast: undefined },
					{
						type: 'embed',
						name: 'organisations',
						alias: 'org',
						hint: undefined,
						join: 'left',
						spread: false,
						select: [
							{
								type: 'column',
								field: { name: 'name', path: [] },
								alias: undefined,
								cast: undefined
							}
						]
					}
				]
			}
		]);
		const root = parsed.nodes.get('')!;
		expect(root.limit).toBe(10);
		expect(root.offset).toBe(20);
		expect(root.order).toEqual([
			{ field: { name: 'starts_at', path: [] }, direction: 'desc', nulls: 'last' },
			{ field: { name: 'id', path: [] } }
		]);
		const or = root.filters[0];
		expect(or.type === 'logic' && or.children.length).toBe(3);
		const inFilter = or.type === 'logic' ? or.children[2] : null;
		expect(inFilter).toMatchObject({ op: 'in', value: ['a,b', 'c'] });
		expect(root.filters[1]).toMatchObject({ type: 'logic', op: 'and', negate: true });
		expect(parsed.nodes.get('venue')!.filters[0]).toMatchObject({ op: 'eq', value: 'Hall' });
		expect(parsed.prefer.count).toBe('exact');
		expect(parsed.accept.kind).toBe('object');
		expect(parsed.range).toEqual({ offset: 0, limit: 10 });
	});

	it('reads casts, JSON paths, hints and spreads in select', () => {
		expect(parseSelect('a::text,b:data->x->>y,...rel!fk!inner(*),c:"quoted, name"')).toEqual([
			{ type: 'column', field: { name: 'a', path: [] }, alias: undefined, cast: 'text' },
			{
				type: 'column',
				field: {
					name: 'data',
					path: [
						{ arrow: '->', key: 'x' },
						{ arrow: '->>', key: 'y' }
					]
				},
				alias: 'b',
				cast: undefined
			},
			{
				type: 'embed',
				name: 'rel',
				alias: undefined,
				hint: 'fk',
				join: 'inner',
				spread: true,
				select: [{ type: 'star' }]
			},
			{ type: 'column', field: { name: 'quoted, name', path: [] }, alias: 'c', cast: undefined }
		]);
	});
});

const schema = `
create table public.venues (id bigint primary key, name text not null, info jsonb, tags text[]);
create table public.events (
	id bigint primary key, venue_id bigint references public.venues (id), title text, seats int,
	search tsvector
);
create function public.find(q text, n int default 1) returns setof public.events language sql stable as
	$$ select * from public.events where title = q limit n $$;
create function public.scalar(x text) returns text language sql immutable as $$ select x $$;
`;

describe('the REST planner', () => {
	let db: Database;
	let catalogue: Catalogue;

	beforeAll(async () => {
		db = await openPglite();
		await applyBootstrap(db);
		await db.exec(schema);
		catalogue = await loadCatalogue(db, ['public']);
	});
	afterAll(async () => {
		await db?.close();
	});

	/** A client value: always holds a `;`, which the planner never writes itself. */
	const value = fc
		.tuple(
			fc.string({ maxLength: 12 }),
			fc.constantFrom(';', "';drop table events;--", '";--', '\\;'),
			fc.string({ maxLength: 12 })
		)
		.map(([a, m, b]) => `${a}${m}${b}`);
	const column = fc.constantFrom('id', 'title', 'seats', 'venue_id', 'search');
	const operator = fc.constantFrom(
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
		'isdistinct',
		'cs',
		'cd',
		'ov',
		'fts',
		'plfts',
		'phfts',
		'wfts',
		'sl',
		'adj'
	);
	const quoteList = (values: string[]) =>
		values.map((v) => `"${v.replace(/["\\]/g, (m) => `\\${m}`)}"`).join(',');

	function assertSafe(request: () => ReturnType<typeof plan>, values: string[]) {
		let built: ReturnType<typeof plan>;
		try {
			built = request();
		} catch (error) {
			// Refusing is fine, as a client error; it must never be an unexpected error.
			expect(error).toBeInstanceOf(RestError);
			expect((error as RestError).status).toBeLessThan(500);
			return;
		}
		expect(built.sql).not.toContain(';');
		// Every parameter is used (an unused one has no type: Postgres would refuse the statement).
		for (let n = 1; n <= built.params.length; n++)
			expect(built.sql).toMatch(new RegExp(`\\$${n}(?!\\d)`));
		for (const v of values) expect(built.sql).not.toContain(v);
		for (const p of built.params) expect(p === null || typeof p === 'string').toBe(true);
	}

	it('puts filter values only in parameters', () => {
		fc.assert(
			fc.property(
				column,
				fc.boolean(),
				operator,
				value,
				fc.array(value, { maxLength: 3 }),
				fc.constantFrom('GET', 'HEAD'),
				(col, negate, op, v, list, method) => {
					const url = new URL(`${base}/events`);
					url.searchParams.append(col, `${negate ? 'not.' : ''}${op}.${v}`);
					url.searchParams.append('id', `in.(${quoteList(list)})`);
					url.searchParams.append(
						'or',
						`(title.eq.${quoteList([v])},seats.in.(${quoteList(list)}))`
					);
					url.searchParams.append('title', `like(any).{${quoteList(list)}}`);
					assertSafe(
						() =>
							plan({
								request: parseRequest(method, url, new Headers({ prefer: 'count=exact' })),
								catalogue,
								schema: 'public'
							}),
						[v, ...list]
					);
				}
			),
			{ numRuns: 400 }
		);
	});

	it('puts JSON keys, text search configurations, embed filters and paging only in parameters', () => {
		fc.assert(
			fc.property(value, value, fc.nat(), (key, v, n) => {
				const url = new URL(`${base}/venues`);
				url.searchParams.set('select', `id,info->${JSON.stringify(key)},events!inner(id,title)`);
				url.searchParams.append(`info->>${JSON.stringify(key)}`, `eq.${v}`);
				url.searchParams.append('events.title', `fts(english).${v}`);
				url.searchParams.append('events.limit', String(n));
				url.searchParams.append('name', `wfts(${key.replace(/[^a-z]/g, '') || 'simple'}).${v}`);
				url.searchParams.append('limit', String(n));
				assertSafe(
					() =>
						plan({ request: parseRequest('GET', url, new Headers()), catalogue, schema: 'public' }),
					[key, v]
				);
			}),
			{ numRuns: 300 }
		);
	});

	it('refuses client identifiers it does not know, wherever they appear', () => {
		fc.assert(
			fc.property(
				value,
				fc.constantFrom('select', 'order', 'on_conflict', 'columns', 'filter', 'embed', 'cast'),
				(name, where) => {
					const url = new URL(`${base}/events`);
					const quoted = JSON.stringify(name);
					if (where === 'select') url.searchParams.set('select', quoted);
					if (where === 'order') url.searchParams.set('order', `${quoted}.desc`);
					if (where === 'on_conflict') url.searchParams.set('on_conflict', quoted);
					if (where === 'columns') url.searchParams.set('columns', quoted);
					if (where === 'filter') url.searchParams.set(name, 'eq.1');
					if (where === 'embed') url.searchParams.set('select', `id,${quoted}(id)`);
					if (where === 'cast') url.searchParams.set('select', `id::${name}`);
					const method = where === 'on_conflict' || where === 'columns' ? 'POST' : 'GET';
					const headers = new Headers(
						method === 'POST' ? { prefer: 'resolution=merge-duplicates' } : {}
					);
					assertSafe(
						() =>
							plan({
								request: parseRequest(method, url, headers),
								catalogue,
								schema: 'public',
								body: [{ id: 1, title: 't' }]
							}),
						[name]
					);
				}
			),
			{ numRuns: 400 }
		);
	});

	it('puts written rows and RPC arguments only in parameters', () => {
		fc.assert(
			fc.property(
				value,
				value,
				fc.constantFrom('POST', 'PATCH'),
				fc.boolean(),
				(title, arg, method, defaults) => {
					const url = new URL(
						`${base}/events?select=id,title&id=eq.1${method === 'PATCH' && defaults ? '&order=id&limit=1' : ''}`
					);
					const headers = new Headers({
						prefer: `return=representation${defaults ? ',missing=default' : ''},resolution=merge-duplicates`
					});
					const body = method === 'POST' ? [{ id: 1, title }, { id: 2 }] : { title };
					assertSafe(
						() =>
							plan({
								request: parseRequest(method, url, headers),
								catalogue,
								schema: 'public',
								body
							}),
						[title]
					);
					const rpc = new URL(`${base}/rpc/find?select=id&title=neq.${encodeURIComponent(arg)}`);
					assertSafe(
						() =>
							plan({
								request: parseRequest('POST', rpc, new Headers()),
								catalogue,
								schema: 'public',
								body: { q: title, n: 2 }
							}),
						[title, arg]
					);
					const get = new URL(`${base}/rpc/scalar`);
					get.searchParams.set('x', arg);
					assertSafe(
						() =>
							plan({
								request: parseRequest('GET', get, new Headers()),
								catalogue,
								schema: 'public'
							}),
						[arg]
					);
				}
			),
			{ numRuns: 300 }
		);
	});

	it('plans SQL the database accepts for what it does not refuse', async () => {
		const url = new URL(
			`${base}/venues?select=id,info->>a,events(id,title)&events.title=fts(english).x;y&info->>a=eq.q;r&or=(name.ilike.*;*,id.in.(1,2))&limit=3`
		);
		const built = plan({
			request: parseRequest('GET', url, new Headers()),
			catalogue,
			schema: 'public'
		});
		const result = await db.transaction({ role: 'service_role' }, (tx) =>
			tx.query(built.sql, built.params)
		);
		expect(result.rows[0]).toMatchObject({ page: '0', body: '[]' });
	});
});
