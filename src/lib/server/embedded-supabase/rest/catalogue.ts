/**
 * PostgREST's schema cache: the tables, views, columns, keys, foreign keys and functions of the
 * exposed schemas, read once (and again on `NOTIFY pgrst, 'reload schema'`).
 */
import type { Database } from '../database';
import { RestError } from './errors';

export interface Column {
	name: string;
	/** `format_type()`: safe to place in SQL as a type. */
	type: string;
	/** `pg_type.typname` of the column's type (of its element for arrays). */
	typname: string;
	/** `pg_type.typcategory`: 'A' array, 'S' string, 'N' numeric, 'U' user (json), 'R' range … */
	category: string;
	nullable: boolean;
	hasDefault: boolean;
}

export interface Relation {
	schema: string;
	name: string;
	kind: 'table' | 'view' | 'materialized_view' | 'foreign_table' | 'composite';
	columns: Map<string, Column>;
	columnNames: string[];
	primaryKey: string[];
	/** Primary key and unique constraints' column sets. */
	uniques: string[][];
}

/** A foreign key, or one traced through a view to the base tables' foreign key. */
export interface ForeignKey {
	name: string;
	schema: string;
	table: string;
	columns: string[];
	refSchema: string;
	refTable: string;
	refColumns: string[];
}

export interface FunctionArg {
	name: string;
	type: string;
	hasDefault: boolean;
}

export interface RestFunction {
	schema: string;
	name: string;
	/** Input arguments in order. */
	args: FunctionArg[];
	returnType: string;
	/** `setof` or `returns table`. */
	setof: boolean;
	volatility: 'immutable' | 'stable' | 'volatile';
	/**
	 * `scalar` (incl. json), `composite` (a row type, `returns table`, or several OUT params),
	 * or `void`.
	 */
	returns: 'scalar' | 'composite' | 'void';
	/** The result's columns when composite. */
	columns?: Map<string, Column>;
	/** The table or view whose row type is returned, for embedding from a function's result. */
	relation?: Relation;
	/** `pg_type.typname` of the result (of a scalar). */
	returnTypname?: string;
	/** `ROWS n` of a set-returning function (`ROWS 1`: a computed relationship to one row). */
	rows?: number;
}

export type Cardinality = 'many-to-one' | 'one-to-many' | 'one-to-one' | 'many-to-many';

export interface Relationship {
	cardinality: Cardinality;
	/** The embedded relation. */
	target: Relation;
	/** Constraint name (the junction side's name towards the target for many-to-many). */
	constraint: string;
	/** Join pairs: [parent column, target column]; for many-to-many see `junction`. */
	pairs: [string, string][];
	/** A computed relationship: this function of the parent's row gives the embedded rows. */
	computed?: RestFunction;
	/** A foreign key from a table to itself (seen from either end). */
	isSelf?: boolean;
	/** The embedded relation is a view (PostgREST's `relFTableIsView`). */
	targetIsView?: boolean;
	junction?: {
		relation: Relation;
		/** [parent column, junction column] */
		toParent: [string, string][];
		/** [target column, junction column] */
		toTarget: [string, string][];
		constraints: [string, string];
	};
}

/**
 * PostgREST's in-database configuration: `pgrst.*` settings a schema sets on the `authenticator`
 * role (`alter role authenticator set pgrst.db_tx_end = 'commit-allow-override'`), a database's
 * own setting before a cluster-wide one. Read with the schema cache.
 */
export interface PgrstSettings {
	/** `db_tx_end`: whether `Prefer: tx=` may override, and the default end (commit or rollback). */
	txAllowOverride: boolean;
	txRollbackAll: boolean;
	/** `db_max_rows`, when set. */
	maxRows: number | null;
	/** `db_aggregates_enabled`: `count()`, `sum()` … in `select` (off by default, as in PostgREST). */
	aggregatesEnabled: boolean;
	/** `db_plan_enabled`. */
	planEnabled: boolean;
}

export const defaultPgrstSettings: PgrstSettings = {
	txAllowOverride: false,
	txRollbackAll: false,
	maxRows: null,
	aggregatesEnabled: false,
	planEnabled: false
};

export async function loadPgrstSettings(db: Database): Promise<PgrstSettings> {
	const rows = (
		await db.query<{ key: string; value: string }>(
			`select distinct on (key) replace(k, 'pgrst.', '') as key, v as value
			from (
				select s.setdatabase as database,
					substr(x, 1, strpos(x, '=') - 1) as k, substr(x, strpos(x, '=') + 1) as v
				from pg_catalog.pg_db_role_setting s, unnest(s.setconfig) as x
				where s.setrole = (select oid from pg_catalog.pg_roles where rolname = 'authenticator')
					and s.setdatabase in (0, (select oid from pg_catalog.pg_database where datname = current_database()))
			) as settings
			where k like 'pgrst.%' and v is not null
			order by key, database desc`
		)
	).rows;
	const found = new Map(rows.map((r) => [r.key, r.value.trim()]));
	const settings = { ...defaultPgrstSettings };
	const bool = (v: string | undefined) => v !== undefined && /^(true|on|yes|1)$/i.test(v);
	const txEnd = found.get('db_tx_end')?.toLowerCase();
	if (txEnd === 'commit-allow-override') settings.txAllowOverride = true;
	else if (txEnd === 'rollback') settings.txRollbackAll = true;
	else if (txEnd === 'rollback-allow-override') {
		settings.txRollbackAll = true;
		settings.txAllowOverride = true;
	}
	const maxRows = found.get('db_max_rows');
	if (maxRows !== undefined && /^\d{1,9}$/.test(maxRows) && Number(maxRows) > 0) {
		settings.maxRows = Number(maxRows);
	}
	settings.aggregatesEnabled = bool(found.get('db_aggregates_enabled'));
	settings.planEnabled = bool(found.get('db_plan_enabled'));
	return settings;
}

export interface Catalogue {
	schemas: string[];
	settings: PgrstSettings;
	relation(schema: string, name: string): Relation | undefined;
	functions(schema: string, name: string): RestFunction[];
	typeNames: Set<string>;
	foreignKeys: ForeignKey[];
	/**
	 * Functions taking one row of `relation` named `name`: computed fields (scalar) and computed
	 * relationships (returning rows of a table or view).
	 */
	computed(relation: Relation, name: string): RestFunction[];
	/** Every relationship from `parent` to a relation in an exposed schema. */
	relationshipsOf(parent: Relation): Relationship[];
	allRelationNames(schema: string): string[];
	allFunctionNames(schema: string): string[];
}

interface RelationRow {
	oid: string;
	schema: string;
	name: string;
	kind: string;
}
interface ColumnRow {
	oid: string;
	name: string;
	type: string;
	typname: string;
	category: string;
	notnull: string;
	hasdef: string;
}
interface ConstraintRow {
	name: string;
	type: string;
	relid: string;
	cols: string;
	frelid: string | null;
	fcols: string | null;
}
interface ViewUsageRow {
	view_oid: string;
	table_oid: string;
	column_name: string;
}
interface FunctionRow {
	schema: string;
	name: string;
	retset: string;
	volatile: string;
	rettype: string;
	rettypname: string;
	typtype: string;
	typrelid: string;
	argtypes: string;
	argmodes: string | null;
	argnames: string | null;
	ndefaults: string;
	/** The relation whose row type the first parameter is (computed fields and relationships). */
	firstargrel: string | null;
	prorows: string;
}

function pgArray(text: string | null): string[] {
	if (!text || text === '{}') return [];
	const inner = text.slice(1, -1);
	const out: string[] = [];
	let current = '';
	let quoted = false;
	for (let i = 0; i < inner.length; i++) {
		const ch = inner[i];
		if (quoted) {
			if (ch === '\\') current += inner[++i];
			else if (ch === '"') quoted = false;
			else current += ch;
		} else if (ch === '"') quoted = true;
		else if (ch === ',') {
			out.push(current);
			current = '';
		} else current += ch;
	}
	out.push(current);
	return out;
}

const relkinds: Record<string, Relation['kind']> = {
	r: 'table',
	p: 'table',
	v: 'view',
	m: 'materialized_view',
	f: 'foreign_table',
	c: 'composite'
};

export async function loadCatalogue(db: Database, schemas: string[]): Promise<Catalogue> {
	const relRows = (
		await db.query<RelationRow>(
			`select c.oid::text as oid, n.nspname as schema, c.relname as name, c.relkind::text as kind
			from pg_catalog.pg_class c join pg_catalog.pg_namespace n on n.oid = c.relnamespace
			where c.relkind in ('r', 'p', 'v', 'm', 'f')
				and (n.nspname = any($1::text[]) or c.oid in (
					select t.typrelid from pg_catalog.pg_proc p
					join pg_catalog.pg_namespace pn on pn.oid = p.pronamespace
					join pg_catalog.pg_type t on t.oid = p.prorettype
					where pn.nspname = any($1::text[]) and t.typrelid <> 0))
			union all
			select c.oid::text, n.nspname, c.relname, 'c'
			from pg_catalog.pg_class c join pg_catalog.pg_namespace n on n.oid = c.relnamespace
			where c.relkind = 'c' and c.oid in (
				select t.typrelid from pg_catalog.pg_proc p
				join pg_catalog.pg_namespace pn on pn.oid = p.pronamespace
				join pg_catalog.pg_type t on t.oid = p.prorettype
				where pn.nspname = any($1::text[]) and t.typrelid <> 0)`,
			[toPgArray(schemas)]
		)
	).rows;
	const oids = relRows.map((r) => r.oid);
	const oidArray = `{${oids.join(',')}}`;
	const [colRows, conRows, usageRows, fnRows, typeRows] = await Promise.all([
		db.query<ColumnRow>(
			`select a.attrelid::text as oid, a.attname as name,
				pg_catalog.format_type(a.atttypid, a.atttypmod) as type,
				coalesce(et.typname, t.typname)::text as typname, t.typcategory::text as category,
				a.attnotnull::text as notnull, (a.atthasdef or a.attidentity <> '' or a.attgenerated <> '')::text as hasdef
			from pg_catalog.pg_attribute a
			join pg_catalog.pg_type t on t.oid = a.atttypid
			left join pg_catalog.pg_type et on et.oid = t.typelem and t.typcategory = 'A'
			where a.attrelid = any($1::oid[]) and a.attnum > 0 and not a.attisdropped
			order by a.attrelid, a.attnum`,
			[oidArray]
		),
		db.query<ConstraintRow>(
			`select con.conname as name, con.contype::text as type, con.conrelid::text as relid,
				(select array_agg(a.attname order by k.i) from unnest(con.conkey) with ordinality k(n, i)
					join pg_catalog.pg_attribute a on a.attrelid = con.conrelid and a.attnum = k.n)::text as cols,
				nullif(con.confrelid, 0)::text as frelid,
				(select array_agg(a.attname order by k.i) from unnest(con.confkey) with ordinality k(n, i)
					join pg_catalog.pg_attribute a on a.attrelid = con.confrelid and a.attnum = k.n)::text as fcols
			from pg_catalog.pg_constraint con
			where con.contype in ('p', 'u', 'f') and (con.conrelid = any($1::oid[]) or con.confrelid = any($1::oid[]))`,
			[oidArray]
		),
		db.query<ViewUsageRow>(
			`select distinct v.oid::text as view_oid, t.oid::text as table_oid, a.attname as column_name
			from pg_catalog.pg_class v
			join pg_catalog.pg_rewrite r on r.ev_class = v.oid
			join pg_catalog.pg_depend d on d.objid = r.oid and d.classid = 'pg_catalog.pg_rewrite'::regclass
				and d.refclassid = 'pg_catalog.pg_class'::regclass and d.refobjsubid > 0
			join pg_catalog.pg_class t on t.oid = d.refobjid and t.oid <> v.oid
			join pg_catalog.pg_attribute a on a.attrelid = t.oid and a.attnum = d.refobjsubid
			where v.relkind in ('v', 'm') and v.oid = any($1::oid[])`,
			[oidArray]
		),
		db.query<FunctionRow>(
			`select n.nspname as schema, p.proname as name, p.proretset::text as retset,
				p.provolatile::text as volatile,
				pg_catalog.format_type(p.prorettype, null) as rettype, t.typname::text as rettypname,
				t.typtype::text as typtype, t.typrelid::text as typrelid,
				(select array_agg(pg_catalog.format_type(x, null) order by i)
					from unnest(coalesce(p.proallargtypes, p.proargtypes::oid[])) with ordinality u(x, i))::text as argtypes,
				p.proargmodes::text as argmodes, p.proargnames::text as argnames,
				p.pronargdefaults::text as ndefaults,
				(select nullif(t1.typrelid, 0)::text from pg_catalog.pg_type t1
					where p.pronargs > 0 and t1.oid = p.proargtypes[0]) as firstargrel,
				p.prorows::text as prorows
			from pg_catalog.pg_proc p
			join pg_catalog.pg_namespace n on n.oid = p.pronamespace
			join pg_catalog.pg_type t on t.oid = p.prorettype
			where n.nspname = any($1::text[]) and p.prokind = 'f'`,
			[toPgArray(schemas)]
		),
		db.query<{ typname: string }>(
			`select distinct t.typname from pg_catalog.pg_type t
			join pg_catalog.pg_namespace n on n.oid = t.typnamespace
			where n.nspname = any($1::text[]) and t.typname !~ '^_' and t.typtype <> 'c'
				and t.typisdefined`,
			[toPgArray(['pg_catalog', 'public', 'extensions', ...schemas])]
		)
	]);

	const byOid = new Map<string, Relation>();
	const byName = new Map<string, Relation>();
	for (const row of relRows) {
		const relation: Relation = {
			schema: row.schema,
			name: row.name,
			kind: relkinds[row.kind] ?? 'table',
			columns: new Map(),
			columnNames: [],
			primaryKey: [],
			uniques: []
		};
		byOid.set(row.oid, relation);
		if (row.kind !== 'c' && schemas.includes(row.schema)) {
			byName.set(`${row.schema}.${row.name}`, relation);
		}
	}
	for (const row of colRows.rows) {
		const relation = byOid.get(row.oid);
		if (!relation) continue;
		relation.columns.set(row.name, {
			name: row.name,
			type: row.type,
			typname: row.typname,
			category: row.category,
			nullable: row.notnull !== 'true',
			hasDefault: row.hasdef === 'true'
		});
		relation.columnNames.push(row.name);
	}

	const foreignKeys: ForeignKey[] = [];
	for (const row of conRows.rows) {
		const relation = byOid.get(row.relid);
		const cols = pgArray(row.cols);
		if (row.type === 'p' && relation) {
			relation.primaryKey = cols;
			relation.uniques.push(cols);
		} else if (row.type === 'u' && relation) relation.uniques.push(cols);
		else if (row.type === 'f' && relation && row.frelid) {
			const target = byOid.get(row.frelid);
			if (!target) continue;
			foreignKeys.push({
				name: row.name,
				schema: relation.schema,
				table: relation.name,
				columns: cols,
				refSchema: target.schema,
				refTable: target.name,
				refColumns: pgArray(row.fcols)
			});
		}
	}

	// Views: a view column with the name of a base table column it uses stands for that column,
	// so the base table's foreign keys (both ways) apply to the view when all their columns show.
	const viewColumns = new Map<string, Map<string, Set<string>>>(); // view oid → table oid → columns
	for (const row of usageRows.rows) {
		const view = byOid.get(row.view_oid);
		if (!view || !view.columns.has(row.column_name)) continue;
		let tables = viewColumns.get(row.view_oid);
		if (!tables) viewColumns.set(row.view_oid, (tables = new Map()));
		let cols = tables.get(row.table_oid);
		if (!cols) tables.set(row.table_oid, (cols = new Set()));
		cols.add(row.column_name);
	}
	const baseForeignKeys = [...foreignKeys];
	for (const [viewOid, tables] of viewColumns) {
		const view = byOid.get(viewOid)!;
		for (const [tableOid, cols] of tables) {
			const table = byOid.get(tableOid);
			if (!table) continue;
			for (const fk of baseForeignKeys) {
				if (
					fk.schema === table.schema &&
					fk.table === table.name &&
					fk.columns.every((c) => cols.has(c))
				) {
					foreignKeys.push({ ...fk, schema: view.schema, table: view.name });
				}
				if (
					fk.refSchema === table.schema &&
					fk.refTable === table.name &&
					fk.refColumns.every((c) => cols.has(c))
				) {
					foreignKeys.push({ ...fk, refSchema: view.schema, refTable: view.name });
				}
			}
			// A view over a single table keeps its keys for one-to-one detection.
			if (view.primaryKey.length === 0 && table.primaryKey.every((c) => cols.has(c))) {
				view.primaryKey = table.primaryKey;
			}
			for (const unique of table.uniques) {
				if (unique.every((c) => cols.has(c))) view.uniques.push(unique);
			}
		}
	}

	const functionsByName = new Map<string, RestFunction[]>();
	const computedByRelation = new Map<Relation, Map<string, RestFunction[]>>();
	for (const row of fnRows.rows) {
		const types = pgArray(row.argtypes);
		const modes = row.argmodes ? pgArray(row.argmodes) : types.map(() => 'i');
		const names = row.argnames ? pgArray(row.argnames) : types.map(() => '');
		const inputs: FunctionArg[] = [];
		const outputs: { name: string; type: string }[] = [];
		types.forEach((type, i) => {
			const mode = modes[i] ?? 'i';
			if (mode === 'i' || mode === 'b' || mode === 'v') {
				inputs.push({ name: names[i] ?? '', type, hasDefault: false });
			}
			if (mode === 'o' || mode === 'b' || mode === 't')
				outputs.push({ name: names[i] ?? '', type });
		});
		const defaults = Number(row.ndefaults);
		for (let i = inputs.length - defaults; i < inputs.length; i++) {
			if (i >= 0) inputs[i].hasDefault = true;
		}
		const fn: RestFunction = {
			schema: row.schema,
			name: row.name,
			args: inputs,
			returnType: row.rettype,
			setof: row.retset === 'true',
			volatility: row.volatile === 'i' ? 'immutable' : row.volatile === 's' ? 'stable' : 'volatile',
			returns: 'scalar'
		};
		if (row.rettypname === 'void') fn.returns = 'void';
		else if (row.typtype === 'c' && byOid.has(row.typrelid)) {
			const relation = byOid.get(row.typrelid)!;
			fn.returns = 'composite';
			fn.columns = relation.columns;
			if (relation.kind !== 'composite') fn.relation = relation;
		} else if (row.rettypname === 'record' && outputs.length > 0) {
			fn.returns = 'composite';
			fn.columns = new Map(
				outputs.map((o) => [
					o.name,
					{
						name: o.name,
						type: o.type,
						typname: o.type,
						category: '',
						nullable: true,
						hasDefault: false
					}
				])
			);
		}
		fn.returnTypname = row.rettypname;
		fn.rows = Number(row.prorows);
		const key = `${row.schema}.${row.name}`;
		const list = functionsByName.get(key) ?? [];
		list.push(fn);
		functionsByName.set(key, list);
		// A function taking one row of a table or view: a computed field (scalar result) or a
		// computed relationship (a row or rows of another table or view), as PostgREST has them.
		const parent = row.firstargrel ? byOid.get(row.firstargrel) : undefined;
		if (parent && fn.args.length === 1 && fn.returns !== 'void') {
			let own = computedByRelation.get(parent);
			if (!own) computedByRelation.set(parent, (own = new Map()));
			if ((fn.returns === 'composite' && fn.relation) || fn.returns === 'scalar') {
				own.set(fn.name, [...(own.get(fn.name) ?? []), fn]);
			}
		}
	}

	const typeNames = new Set(typeRows.rows.map((r) => r.typname));

	function relationshipsOf(parent: Relation): Relationship[] {
		const found: Relationship[] = [];
		const is = (rel: Relation, s: string, t: string) => s === rel.schema && t === rel.name;
		const isView = (rel: Relation) => rel.kind === 'view' || rel.kind === 'materialized_view';
		const oneToOne = (rel: Relation, cols: string[]) =>
			rel.uniques.some((u) => u.length === cols.length && u.every((c) => cols.includes(c)));
		for (const fk of foreignKeys) {
			const self = fk.schema === fk.refSchema && fk.table === fk.refTable;
			if (is(parent, fk.schema, fk.table)) {
				const target = byName.get(`${fk.refSchema}.${fk.refTable}`);
				if (target) {
					found.push({
						cardinality: oneToOne(parent, fk.columns) ? 'one-to-one' : 'many-to-one',
						target,
						constraint: fk.name,
						pairs: fk.columns.map((c, i) => [c, fk.refColumns[i]]),
						isSelf: self,
						targetIsView: isView(target)
					});
				}
			}
			if (is(parent, fk.refSchema, fk.refTable)) {
				const target = byName.get(`${fk.schema}.${fk.table}`);
				if (target) {
					found.push({
						cardinality: oneToOne(target, fk.columns) ? 'one-to-one' : 'one-to-many',
						target,
						constraint: fk.name,
						pairs: fk.refColumns.map((c, i) => [c, fk.columns[i]]),
						isSelf: self,
						targetIsView: isView(target)
					});
				}
			}
		}
		// Many-to-many through a junction table whose foreign keys to both sides are in its keys.
		for (const junction of byName.values()) {
			if (junction.kind !== 'table') continue;
			const keyCols = new Set(junction.uniques.flat());
			const fks = foreignKeys.filter(
				(fk) =>
					fk.schema === junction.schema &&
					fk.table === junction.name &&
					fk.columns.every((c) => keyCols.has(c))
			);
			for (const a of fks) {
				if (!is(parent, a.refSchema, a.refTable)) continue;
				for (const other of fks) {
					if (other === a) continue;
					const target = byName.get(`${other.refSchema}.${other.refTable}`);
					if (!target || target === parent) continue;
					found.push({
						cardinality: 'many-to-many',
						target,
						constraint: other.name,
						pairs: [],
						targetIsView: isView(target),
						junction: {
							relation: junction,
							toParent: a.refColumns.map((c, i) => [c, a.columns[i]]),
							toTarget: other.refColumns.map((c, i) => [c, other.columns[i]]),
							constraints: [a.name, other.name]
						}
					});
				}
			}
		}
		return found;
	}

	// Relationships are asked for on every embed of every request: remember them.
	const relationshipCache = new Map<string, Relationship[]>();

	return {
		schemas,
		settings: await loadPgrstSettings(db),
		relation: (schema, name) => byName.get(`${schema}.${name}`),
		computed: (relation, name) => computedByRelation.get(relation)?.get(name) ?? [],
		functions: (schema, name) => functionsByName.get(`${schema}.${name}`) ?? [],
		typeNames,
		foreignKeys,
		relationshipsOf: (parent) => {
			const key = `${parent.schema}\u0000${parent.name}`;
			let found = relationshipCache.get(key);
			if (!found) {
				found = relationshipsOf(parent);
				if (relationshipCache.size < 10_000) relationshipCache.set(key, found);
			}
			return found;
		},
		allRelationNames: (schema) =>
			[...byName.values()].filter((r) => r.schema === schema).map((r) => r.name),
		allFunctionNames: (schema) =>
			[...functionsByName.keys()]
				.filter((k) => k.startsWith(`${schema}.`))
				.map((k) => k.slice(schema.length + 1))
	};
}

function toPgArray(values: string[]): string {
	return `{${values.map((v) => `"${v.replace(/["\\]/g, (m) => `\\${m}`)}"`).join(',')}}`;
}

/** A close name for "Perhaps you meant …" hints (PostgREST uses a fuzzy set). */
export function closest(name: string, candidates: string[]): string | undefined {
	let best: string | undefined;
	let bestScore = Infinity;
	for (const candidate of candidates) {
		const d = distance(name.toLowerCase(), candidate.toLowerCase());
		if (d < bestScore) {
			bestScore = d;
			best = candidate;
		}
	}
	return best !== undefined && bestScore <= Math.max(2, Math.floor(name.length / 3))
		? best
		: undefined;
}

function distance(a: string, b: string): number {
	if (a.length > 64 || b.length > 64) return Infinity;
	const dp = Array.from({ length: b.length + 1 }, (_, i) => i);
	for (let i = 1; i <= a.length; i++) {
		let prev = dp[0];
		dp[0] = i;
		for (let j = 1; j <= b.length; j++) {
			const tmp = dp[j];
			dp[j] = Math.min(dp[j] + 1, dp[j - 1] + 1, prev + (a[i - 1] === b[j - 1] ? 0 : 1));
			prev = tmp;
		}
	}
	return dp[b.length];
}

export function tableNotFound(catalogue: Catalogue, schema: string, name: string): RestError {
	const suggestion = closest(name, catalogue.allRelationNames(schema));
	return new RestError(
		404,
		'PGRST205',
		`Could not find the table '${schema}.${name}' in the schema cache`,
		null,
		suggestion ? `Perhaps you meant the table '${schema}.${suggestion}'` : null
	);
}
