/**
 * Request tree + catalogue → one parameterised SQL statement. The only place SQL text is built:
 * every identifier is checked against the catalogue and quoted, every client value is a bound
 * parameter (`$n`, sent as text).
 */
import type { Catalogue, Column, Relation, Relationship, RestFunction } from './catalogue';
import { closest, tableNotFound } from './catalogue';
import { RestError } from './errors';
import {
	parseField,
	parseFilter,
	type Condition,
	type Field,
	type Filter,
	type NodeParams,
	type OrderTerm,
	type ParsedRequest,
	type SelectItem
} from './parse';

export type Value = string | null;

export interface Plan {
	sql: string;
	params: Value[];
	/**
	 * `rows`: the statement answers one row `{total, page, body, response_headers, response_status}`;
	 * `affected`: a write without representation, answered by the affected row count;
	 * `scalar`: one row `{body, …}` with the bare JSON value; `void`: nothing to answer.
	 */
	result: 'rows' | 'affected' | 'scalar' | 'void';
	/** A non-setof composite function: answer the single object, not an array. */
	singular?: boolean;
	readOnly: boolean;
	/** Offset applied, for `Content-Range`. */
	offset: number;
	kind: 'read' | 'insert' | 'update' | 'delete' | 'rpc';
}

export function quoteIdent(name: string): string {
	return `"${name.replace(/"/g, '""')}"`;
}
const q = quoteIdent;

/** Common spellings of types in `::cast`, mapped to `pg_type` names. */
const typeAliases: Record<string, string> = {
	int: 'int4',
	integer: 'int4',
	bigint: 'int8',
	smallint: 'int2',
	boolean: 'bool',
	real: 'float4',
	float: 'float8',
	'double precision': 'float8',
	decimal: 'numeric',
	'character varying': 'varchar',
	character: 'bpchar',
	char: 'bpchar',
	'timestamp with time zone': 'timestamptz',
	'timestamp without time zone': 'timestamp',
	'time with time zone': 'timetz',
	'time without time zone': 'time'
};

interface Source {
	/** For messages: the table, view or function name. */
	label: string;
	columns: Map<string, Column>;
	relation?: Relation;
	/** Where the relation's computed fields are found. */
	catalogue?: Catalogue;
}

interface EmbedInfo {
	toOne: boolean;
	/** `exists (…)` for the embedded rows (with their filters), for `!inner` and `rel=is.null`. */
	exists: string;
	/** The correlated `from … where …` of a to-one embed, for `order=rel(col)`. */
	fromWhere: string;
	childAlias: string;
	source: Source;
}

interface Compiled {
	/** Output key (a parameter placeholder) and expression, in order. */
	pairs: [string, string][];
	inner: string[];
	embeds: Map<string, EmbedInfo>;
	/**
	 * Aggregates selected at this level (`count()`, `col.sum()`): the rows are then grouped by
	 * every other selected value (PostgREST's implicit grouping).
	 */
	aggs: { key: string; input: string | null; call: (input: string | null) => string }[];
}

class Builder {
	readonly params: Value[] = [];
	private aliases = 0;
	readonly usedPaths = new Set<string>(['']);

	constructor(
		readonly catalogue: Catalogue,
		readonly schema: string,
		readonly request: ParsedRequest,
		readonly maxRows: number | null = null
	) {}

	/** A requested limit, capped at `maxRows` (PostgREST's `db-max-rows`). */
	capped(limit: number | undefined): number | undefined {
		if (this.maxRows === null) return limit;
		return limit === undefined ? this.maxRows : Math.min(limit, this.maxRows);
	}

	param(value: Value): string {
		this.params.push(value);
		return `$${this.params.length}`;
	}

	/** An output key: bound as a parameter, typed text. */
	key(name: string): string {
		return `${this.param(name)}::text`;
	}

	alias(): string {
		return `pgrst_${++this.aliases}`;
	}

	node(path: string): NodeParams {
		this.usedPaths.add(path);
		return this.request.nodes.get(path) ?? { filters: [] };
	}
}

function columnNotFound(source: Source, name: string): RestError {
	const suggestion = closest(name, [...source.columns.keys()]);
	return new RestError(
		400,
		'42703',
		`column ${source.label}.${name} does not exist`,
		null,
		suggestion ? `Perhaps you meant to reference the column "${source.label}.${suggestion}".` : null
	);
}

function column(source: Source, name: string): Column {
	const found = source.columns.get(name);
	if (found) return found;
	const fn = computedField(source, name);
	if (fn) {
		return {
			name,
			type: fn.returnType,
			typname: fn.returnTypname ?? fn.returnType,
			category: '',
			nullable: true,
			hasDefault: false
		};
	}
	throw columnNotFound(source, name);
}

/** A computed field: a function of the row, named like a column, returning one value. */
function computedField(source: Source, name: string): RestFunction | undefined {
	if (!source.relation || !source.catalogue) return undefined;
	return source.catalogue
		.computed(source.relation, name)
		.find((fn) => fn.returns === 'scalar' && !fn.setof);
}

/** The row of `alias` as the relation's own type, for a function taking it. */
function rowOf(source: Source, alias: string): string {
	return `row(${q(alias)}.*)::${relationSql(source.relation!)}`;
}

/** `"alias"."col"->$1::text->>$2::int` */
function fieldSql(b: Builder, source: Source, alias: string, field: Field): string {
	column(source, field.name);
	const fn = source.columns.has(field.name) ? undefined : computedField(source, field.name);
	let sql = fn
		? `${q(fn.schema)}.${q(fn.name)}(${rowOf(source, alias)})`
		: `${q(alias)}.${q(field.name)}`;
	for (const step of field.path) {
		const isIndex = /^-?\d{1,9}$/.test(step.key);
		sql = `${sql}${step.arrow}${b.param(step.key)}::${isIndex ? 'int4' : 'text'}`;
	}
	return field.path.length ? `(${sql})` : sql;
}

/** The SQL type a parameter compared with this field takes. */
function fieldType(source: Source, field: Field): string {
	const col = column(source, field.name);
	if (field.path.length === 0) return col.type;
	const last = field.path[field.path.length - 1];
	if (last.arrow === '->>') return 'text';
	return col.typname === 'json' ? 'json' : 'jsonb';
}

function castType(b: Builder, cast: string): string {
	const lower = cast.toLowerCase().trim();
	const isArray = lower.endsWith('[]');
	const base = isArray ? lower.slice(0, -2).trim() : lower;
	const name = typeAliases[base] ?? base;
	if (!b.catalogue.typeNames.has(name)) {
		throw new RestError(400, '42704', `type "${cast}" does not exist`);
	}
	return `${q(name)}${isArray ? '[]' : ''}`;
}

const comparison: Record<string, string> = {
	eq: '=',
	neq: '<>',
	gt: '>',
	gte: '>=',
	lt: '<',
	lte: '<=',
	like: 'like',
	ilike: 'ilike',
	match: '~',
	imatch: '~*',
	cs: '@>',
	cd: '<@',
	ov: '&&',
	sl: '<<',
	sr: '>>',
	nxr: '&<',
	nxl: '&>',
	adj: '-|-'
};
const ftsFunctions: Record<string, string> = {
	fts: 'to_tsquery',
	plfts: 'plainto_tsquery',
	phfts: 'phraseto_tsquery',
	wfts: 'websearch_to_tsquery'
};

function likePattern(value: string): string {
	return value.replace(/\*/g, '%');
}

function filterSql(b: Builder, source: Source, alias: string, filter: Filter): string {
	const col = fieldSql(b, source, alias, filter.field);
	let sql: string;
	const value = filter.value;
	if (filter.quant) {
		const list = value as string[];
		const type =
			filter.op === 'like' || filter.op === 'ilike' ? 'text' : fieldType(source, filter.field);
		const items = list.map((v) =>
			b.param(filter.op === 'like' || filter.op === 'ilike' ? likePattern(v) : v)
		);
		const array = items.length
			? `array[${items.map((p) => `${p}::${type}`).join(', ')}]`
			: `array[]::${type}[]`;
		sql = `${col} ${comparison[filter.op]} ${filter.quant}(${array})`;
	} else {
		switch (filter.op) {
			case 'is': {
				const keyword = {
					null: 'null',
					not_null: 'not null',
					true: 'true',
					false: 'false',
					unknown: 'unknown'
				}[value as string];
				if (!keyword)
					throw new RestError(400, 'PGRST100', `"failed to parse filter (is.${String(value)})"`);
				sql = `${col} is ${keyword}`;
				break;
			}
			case 'isdistinct':
				sql = `${col} is distinct from ${b.param(value as string)}`;
				break;
			case 'in': {
				const list = value as string[];
				sql = list.length ? `${col} in (${list.map((v) => b.param(v)).join(', ')})` : 'false';
				break;
			}
			case 'like':
			case 'ilike':
				sql = `${col} ${comparison[filter.op]} ${b.param(likePattern(value as string))}`;
				break;
			case 'fts':
			case 'plfts':
			case 'phfts':
			case 'wfts': {
				const colInfo = column(source, filter.field.name);
				const language = filter.language ? `${b.param(filter.language)}::regconfig, ` : '';
				const vector =
					colInfo.typname === 'tsvector' && filter.field.path.length === 0
						? col
						: `to_tsvector(${language}${col})`;
				sql = `${vector} @@ ${ftsFunctions[filter.op]}(${language}${b.param(value as string)})`;
				break;
			}
			default:
				sql = `${col} ${comparison[filter.op]} ${b.param(value as string)}`;
		}
	}
	return filter.negate ? `not (${sql})` : sql;
}

function conditionSql(
	b: Builder,
	source: Source,
	alias: string,
	condition: Condition,
	embeds: Map<string, EmbedInfo>
): string {
	if (condition.type === 'logic') {
		const parts = condition.children.map((c) => conditionSql(b, source, alias, c, embeds));
		const sql = `(${parts.join(condition.op === 'and' ? ' and ' : ' or ')})`;
		return condition.negate ? `not ${sql}` : sql;
	}
	// `rel=is.null` / `rel=not.is.null` on an embedded resource: whether it has (matching) rows.
	const embed = condition.field.path.length === 0 ? embeds.get(condition.field.name) : undefined;
	if (embed && !source.columns.has(condition.field.name)) {
		if (condition.op !== 'is' || (condition.value !== 'null' && condition.value !== 'not_null')) {
			throw new RestError(
				400,
				'PGRST100',
				`"failed to parse filter (${condition.op})"`,
				'Only is.null or not.is.null filters are allowed on embedded resources'
			);
		}
		const wantsRows = (condition.value === 'not_null') !== condition.negate;
		return wantsRows ? embed.exists : `not ${embed.exists}`;
	}
	return filterSql(b, source, alias, condition);
}

function orderSql(
	b: Builder,
	source: Source,
	alias: string,
	terms: OrderTerm[] | undefined,
	embeds: Map<string, EmbedInfo>
): string {
	if (!terms || terms.length === 0) return '';
	const parts = terms.map((term) => {
		let expr: string;
		if (term.relation) {
			const embed = embeds.get(term.relation);
			if (!embed) {
				throw new RestError(
					400,
					'PGRST108',
					`'${term.relation}' is not an embedded resource in this request`,
					null,
					`Verify that '${term.relation}' is included in the 'select' query parameter.`
				);
			}
			if (!embed.toOne) {
				throw new RestError(
					400,
					'PGRST118',
					`A related order on '${term.relation}' is not possible`,
					`'${source.label}' and '${term.relation}' do not form a many-to-one or one-to-one relationship`
				);
			}
			expr = `(select ${fieldSql(b, embed.source, embed.childAlias, term.field)} ${embed.fromWhere} limit 1)`;
		} else expr = fieldSql(b, source, alias, term.field);
		const dir = term.direction ? ` ${term.direction}` : '';
		const nulls = term.nulls ? ` nulls ${term.nulls}` : '';
		return `${expr}${dir}${nulls}`;
	});
	return ` order by ${parts.join(', ')}`;
}

function outputName(item: Extract<SelectItem, { type: 'column' }>): string {
	if (item.alias) return item.alias;
	if (item.field.path.length) return item.field.path[item.field.path.length - 1].key;
	return item.field.name;
}

function relationSql(relation: Relation): string {
	return `${q(relation.schema)}.${q(relation.name)}`;
}

/**
 * The relationships an embed's name (and `!hint`) can mean, by PostgREST's rules (`findRel`):
 * a table or view name; a foreign key's name or its single column (not towards a view); a hint
 * naming a constraint, a column at either end, or a junction table. A table's foreign key to
 * itself is one relationship seen two ways: by the table's name it means the rows pointing here
 * (one-to-many), by the column's name the row it points to (many-to-one).
 */
function findRelationships(
	b: Builder,
	parent: Relation,
	target: string,
	hint: string | undefined
): Relationship[] {
	const single = (r: Relationship, end: 0 | 1, name: string) =>
		r.cardinality !== 'many-to-many' && r.pairs.length === 1 && r.pairs[0][end] === name;
	const byConstraint = (r: Relationship, name: string) =>
		r.cardinality !== 'many-to-many' && r.constraint === name;
	const byJunction = (r: Relationship, name: string) =>
		r.junction !== undefined &&
		(r.junction.relation.name === name || r.junction.constraints.includes(name));
	// A computed relationship is named by its function (PostgREST: the hint plays no part).
	const computed = b.catalogue
		.computed(parent, target)
		.filter((fn) => fn.returns === 'composite' && fn.relation && fn.schema === b.schema)
		.map((fn): Relationship => ({
			cardinality: fn.setof && fn.rows !== 1 ? 'one-to-many' : 'many-to-one',
			target: fn.relation!,
			constraint: fn.name,
			pairs: [],
			computed: fn
		}));
	return [
		...computed,
		...b.catalogue.relationshipsOf(parent).filter((r) => {
			if (r.target.schema !== b.schema) return false;
			const named = r.target.name === target;
			if (r.isSelf) {
				if (hint === undefined) {
					return (
						(named && r.cardinality === 'one-to-many') ||
						(single(r, 0, target) && r.cardinality === 'many-to-one')
					);
				}
				return named && r.cardinality === 'one-to-many' && single(r, 1, hint);
			}
			if (hint === undefined) {
				return (
					named ||
					(byConstraint(r, target) && !r.targetIsView) ||
					(single(r, 0, target) && !r.targetIsView)
				);
			}
			return (
				named &&
				(byConstraint(r, hint) || single(r, 0, hint) || single(r, 1, hint) || byJunction(r, hint))
			);
		})
	];
}

function resolveRelationship(
	b: Builder,
	source: Source,
	item: Extract<SelectItem, { type: 'embed' }>
): Relationship {
	const parentLabel = source.label;
	if (!source.relation) {
		throw new RestError(
			400,
			'PGRST200',
			`Could not find a relationship between '${parentLabel}' and '${item.name}' in the schema cache`,
			`Searched for a foreign key relationship between '${parentLabel}' and '${item.name}' in the schema '${b.schema}', but no matches were found.`
		);
	}
	const found = findRelationships(b, source.relation, item.name, item.hint);
	if (found.length === 0) {
		const suggestion = closest(item.name, b.catalogue.allRelationNames(b.schema));
		throw new RestError(
			400,
			'PGRST200',
			`Could not find a relationship between '${parentLabel}' and '${item.name}' in the schema cache`,
			`Searched for a foreign key relationship between '${parentLabel}' and '${item.name}'${
				item.hint ? ` using the hint '${item.hint}'` : ''
			} in the schema '${b.schema}', but no matches were found.`,
			suggestion && suggestion !== item.name
				? `Perhaps you meant '${suggestion}' instead of '${item.name}'.`
				: null
		);
	}
	if (found.length > 1) {
		throw new RestError(
			300,
			'PGRST201',
			`Could not embed because more than one relationship was found for '${parentLabel}' and '${item.name}'`,
			found.map((r) => ({
				cardinality: r.cardinality,
				embedding: `${parentLabel} with ${r.target.name}`,
				relationship: r.junction
					? `${r.junction.relation.name} using ${r.junction.constraints.join(' and ')}`
					: `${r.constraint} using ${parentLabel}(${r.pairs.map(([p]) => p).join(', ')}) and ${r.target.name}(${r.pairs.map(([, c]) => c).join(', ')})`
			})),
			`Try changing '${item.name}' to one of the following: ${found
				.map((r) => `'${item.name}!${r.junction ? r.junction.relation.name : r.constraint}'`)
				.join(', ')}. Find the desired relationship in the 'details' key.`
		);
	}
	return found[0];
}

function limitSql(b: Builder, limit: number | undefined, offset: number | undefined): string {
	let sql = '';
	if (limit !== undefined) sql += ` limit ${b.param(String(limit))}::int8`;
	if (offset) sql += ` offset ${b.param(String(offset))}::int8`;
	return sql;
}

/** The select list of one level, with its embeds as correlated subqueries. */
function compileSelect(
	b: Builder,
	source: Source,
	alias: string,
	items: SelectItem[] | null,
	path: string,
	filtersOnly = false
): Compiled {
	const compiled: Compiled = {
		pairs: [],
		inner: [],
		embeds: new Map(),
		aggs: []
	};
	const embedAliases = new Set<string>();
	for (const item of items ?? [{ type: 'star' as const }]) {
		if (filtersOnly && item.type !== 'embed') continue;
		if (item.type === 'star') {
			for (const name of source.columns.keys()) {
				compiled.pairs.push([b.key(name), `${q(alias)}.${q(name)}`]);
			}
		} else if (item.type === 'column') {
			if (item.aggregate) {
				if (!b.catalogue.settings.aggregatesEnabled) {
					throw new RestError(400, 'PGRST123', 'Use of aggregate functions is not allowed');
				}
				let input: string | null = null;
				if (item.field.name !== '') {
					input = fieldSql(b, source, alias, item.field);
					if (item.cast) input = `${input}::${castType(b, item.cast)}`;
				}
				const fn = item.aggregate;
				const resultCast = item.aggregateCast ? `::${castType(b, item.aggregateCast)}` : '';
				compiled.aggs.push({
					key: b.key(item.alias ?? fn),
					input,
					call: (value) => `pg_catalog.${fn}(${value === null ? '*' : value})${resultCast}`
				});
				continue;
			}
			let expr = fieldSql(b, source, alias, item.field);
			if (item.cast) expr = `${expr}::${castType(b, item.cast)}`;
			compiled.pairs.push([b.key(outputName(item)), expr]);
		} else {
			const rel = resolveRelationship(b, source, item);
			const name = item.alias ?? item.name;
			const childPath = path ? `${path}.${name}` : name;
			// PostgREST joins each embed under `<table>_<name>_<depth>`: two embeds of one name at
			// one level are the database's error 42712, which PostgREST passes on.
			const aggAlias = `${source.relation?.name ?? source.label}_${name}_${childPath.split('.').length}`;
			if (embedAliases.has(aggAlias)) {
				throw new RestError(400, '42712', `table name "${aggAlias}" specified more than once`);
			}
			embedAliases.add(aggAlias);
			const childAlias = b.alias();
			const target = rel.target;
			const childSource: Source = {
				label: target.name,
				columns: target.columns,
				relation: target,
				catalogue: b.catalogue
			};
			// `rel(count)`: the number of related rows, as `[{"count": n}]` (PostgREST's embedded count).
			const only = item.select.length === 1 ? item.select[0] : undefined;
			const countKey =
				only?.type === 'column' &&
				only.field.name === 'count' &&
				only.field.path.length === 0 &&
				!only.cast &&
				!target.columns.has('count')
					? (only.alias ?? 'count')
					: only?.type === 'embed' && only.name === 'count' && only.select.length === 0
						? (only.alias ?? 'count')
						: undefined;
			const child = compileSelect(
				b,
				childSource,
				childAlias,
				item.select,
				childPath,
				filtersOnly || item.spread || countKey !== undefined
			);
			const params = b.node(childPath);
			const join =
				rel.cardinality === 'many-to-many' && rel.junction
					? [
							`exists (select 1 from ${relationSql(rel.junction.relation)} as pgrst_j where ${[
								...rel.junction.toParent.map(([p, j]) => `pgrst_j.${q(j)} = ${q(alias)}.${q(p)}`),
								...rel.junction.toTarget.map(
									([t, j]) => `pgrst_j.${q(j)} = ${q(childAlias)}.${q(t)}`
								)
							].join(' and ')})`
						]
					: rel.pairs.map(([p, c]) => `${q(childAlias)}.${q(c)} = ${q(alias)}.${q(p)}`);
			const where = [
				...join,
				...params.filters.map((f) => conditionSql(b, childSource, childAlias, f, child.embeds)),
				...child.inner
			];
			// A computed relationship's rows come from its function of the parent's row.
			const fromItem = rel.computed
				? `${q(rel.computed.schema)}.${q(rel.computed.name)}(${rowOf(source, alias)})`
				: relationSql(target);
			const fromWhere = `from ${fromItem} as ${q(childAlias)}${where.length ? ` where ${where.join(' and ')}` : ''}`;
			const toOne = rel.cardinality === 'many-to-one' || rel.cardinality === 'one-to-one';
			const info: EmbedInfo = {
				toOne,
				exists: `exists (select 1 ${fromWhere})`,
				fromWhere,
				childAlias,
				source: childSource
			};
			compiled.embeds.set(name, info);
			if (item.join === 'inner') compiled.inner.push(info.exists);
			if (filtersOnly) continue;
			if (item.spread) {
				const spreadItems = item.select.length ? item.select : [{ type: 'star' as const }];
				for (const spreadItem of spreadItems) {
					const cols =
						spreadItem.type === 'star'
							? target.columnNames.map((n) => ({
									type: 'column' as const,
									field: { name: n, path: [] }
								}))
							: spreadItem.type === 'column'
								? [spreadItem]
								: [];
					if (spreadItem.type === 'embed') {
						throw new RestError(
							400,
							'PGRST100',
							'Embedding inside a spread relation is not supported'
						);
					}
					for (const col of cols) {
						let expr = fieldSql(b, childSource, childAlias, col.field);
						if ('cast' in col && col.cast) expr = `${expr}::${castType(b, col.cast)}`;
						// Spread from a to-many relationship: each column as an array of its values.
						const value = toOne
							? `(select ${expr} ${fromWhere} limit 1)`
							: `coalesce((select json_agg(${expr}) from (select ${q(childAlias)}.* ${fromWhere}${orderSql(
									b,
									childSource,
									childAlias,
									params.order,
									child.embeds
								)}${limitSql(b, b.capped(params.limit), params.offset)}) as ${q(childAlias)}), '[]'::json)`;
						compiled.pairs.push([b.key(outputName(col)), value]);
					}
				}
				continue;
			}
			if (countKey !== undefined) {
				const counted = `json_build_object(${b.key(countKey)}, (select pg_catalog.count(*) ${fromWhere}))`;
				compiled.pairs.push([b.key(name), toOne ? counted : `json_build_array(${counted})`]);
				continue;
			}
			// `rel()` (nothing selected, at any depth) only filters: it adds no key.
			if (isEmptyEmbed(item)) continue;
			if (child.aggs.length) {
				const grouped = groupedSelect(child, fromWhere);
				if (toOne) {
					compiled.pairs.push([
						b.key(name),
						`(select pgrst_obj from (${grouped}) as pgrst_o limit 1)`
					]);
				} else {
					const page = limitSql(b, b.capped(params.limit), params.offset);
					compiled.pairs.push([
						b.key(name),
						`coalesce((select json_agg(pgrst_o.pgrst_obj) from (${grouped}${page}) as pgrst_o), '[]'::json)`
					]);
				}
				continue;
			}
			const object = objectSql(child.pairs);
			if (toOne) {
				compiled.pairs.push([b.key(name), `(select ${object} ${fromWhere} limit 1)`]);
			} else {
				const order = orderSql(b, childSource, childAlias, params.order, child.embeds);
				const page = limitSql(b, b.capped(params.limit), params.offset);
				compiled.pairs.push([
					b.key(name),
					// Rows are picked (filtered, ordered, paged) first; objects are built for those only.
					`coalesce((select json_agg(${object}) from (select ${q(childAlias)}.* ${fromWhere}${order}${page}) as ${q(childAlias)}), '[]'::json)`
				]);
			}
		}
	}
	return compiled;
}

/**
 * One JSON object per group: every selected value is computed per row first (embeds and spreads
 * included), then rows with equal values form a group and the aggregates run over it.
 */
function groupedSelect(compiled: Compiled, from: string): string {
	const inner = compiled.pairs.map(([, expr], i) => `${expr} as pgrst_g${i}`);
	compiled.aggs.forEach((agg, j) => {
		if (agg.input !== null) inner.push(`${agg.input} as pgrst_a${j}`);
	});
	if (inner.length === 0) inner.push('1 as pgrst_one');
	const pairs: [string, string][] = [
		...compiled.pairs.map(([key], i): [string, string] => [
			key,
			`(pg_catalog.array_agg(pgrst_grp.pgrst_g${i}))[1]`
		]),
		...compiled.aggs.map((agg, j): [string, string] => [
			agg.key,
			agg.call(agg.input === null ? null : `pgrst_grp.pgrst_a${j}`)
		])
	];
	const groupBy = compiled.pairs.length
		? ` group by ${compiled.pairs.map((_, i) => `pg_catalog.to_jsonb(pgrst_grp.pgrst_g${i})`).join(', ')}`
		: '';
	return `select ${objectSql(pairs)} as pgrst_obj from (select ${inner.join(', ')} ${from}) as pgrst_grp${groupBy}`;
}

function isEmptyEmbed(item: Extract<SelectItem, { type: 'embed' }>): boolean {
	return item.select.every((child) => child.type === 'embed' && isEmptyEmbed(child));
}

function checkUnusedPaths(b: Builder): void {
	for (const path of b.request.nodes.keys()) {
		if (!b.usedPaths.has(path)) {
			const name = path.split('.').pop()!;
			throw new RestError(
				400,
				'PGRST108',
				`'${name}' is not an embedded resource in this request`,
				null,
				`Verify that '${name}' is included in the 'select' query parameter.`
			);
		}
	}
}

const responseGucs = `nullif(current_setting('response.headers', true), '') as response_headers, nullif(current_setting('response.status', true), '') as response_status`;

interface ReadParts {
	compiled: Compiled;
	where: string;
	order: string;
}

function rootParts(b: Builder, source: Source, alias: string): ReadParts {
	// HEAD answers no body: only what filters need (embeds for `!inner`) is compiled.
	const headOnly = b.request.method === 'HEAD';
	const compiled = compileSelect(b, source, alias, b.request.select, '', headOnly);
	const root = b.node('');
	const conditions = [
		...root.filters.map((f) => conditionSql(b, source, alias, f, compiled.embeds)),
		...compiled.inner
	];
	const where = conditions.length ? ` where ${conditions.join(' and ')}` : '';
	const order = orderSql(b, source, alias, root.order, compiled.embeds);
	checkUnusedPaths(b);
	return { compiled, where, order };
}

function paging(b: Builder): { limit?: number; offset: number } {
	const root = b.request.nodes.get('') ?? { filters: [] };
	const range = b.request.range;
	let limit = root.limit;
	if (range?.limit !== undefined)
		limit = limit === undefined ? range.limit : Math.min(limit, range.limit);
	const offset = root.offset ?? range?.offset ?? 0;
	return { limit: b.capped(limit), offset };
}

function bodyAggregate(b: Builder, pairs: [string, string][]): string {
	if (b.request.method === 'HEAD') return 'null';
	if (b.request.accept.kind === 'csv') {
		// `text/csv` as PostgREST writes it: a header of the keys, then each row as Postgres
		// writes a record (quoted where needed), without its parentheses.
		if (pairs.length === 0) return `''`;
		const header = `concat_ws(',', ${pairs.map(([k]) => k).join(', ')})`;
		const record = `row(${pairs.map(([, e]) => e).join(', ')})::text`;
		return `${header} || coalesce(E'\\n' || string_agg(substr(${record}, 2, length(${record}) - 2), E'\\n'), '')`;
	}
	const object = objectSql(pairs);
	const row = b.request.accept.stripNulls ? `json_strip_nulls(${object})` : object;
	return `coalesce(json_agg(${row}), '[]')::text`;
}

/**
 * One JSON object per row, its keys bound as parameters (aliases are client strings).
 * `json_build_object` takes at most 50 pairs; beyond that, an ordered `json_object_agg`.
 */
function objectSql(pairs: [string, string][]): string {
	if (pairs.length === 0) return `'{}'::json`;
	if (pairs.length <= 50) {
		return `json_build_object(${pairs.map(([k, e]) => `${k}, ${e}`).join(', ')})`;
	}
	const values = pairs.map(([k, e], i) => `(${i}, ${k}, to_json(${e}))`).join(', ');
	return `(select json_object_agg(pgrst_kv.k, pgrst_kv.v order by pgrst_kv.i) from (values ${values}) as pgrst_kv(i, k, v))`;
}

function readFrom(
	b: Builder,
	source: Source,
	fromSql: string,
	alias: string
): { sql: string; offset: number } {
	const { compiled, where, order } = rootParts(b, source, alias);
	const { limit, offset } = paging(b);
	if (compiled.aggs.length) {
		// Aggregates: one object per group of rows.
		const grouped = groupedSelect(compiled, `from ${fromSql} as ${q(alias)}${where}`);
		const total = b.request.prefer.count
			? `(select pg_catalog.count(*) from (${grouped}) as pgrst_c)::text`
			: 'null::text';
		const object = b.request.accept.stripNulls
			? 'json_strip_nulls(pgrst_o.pgrst_obj)'
			: 'pgrst_o.pgrst_obj';
		const body = b.request.method === 'HEAD' ? 'null' : `coalesce(json_agg(${object}), '[]')::text`;
		const sql = `select ${total} as total, pg_catalog.count(*)::text as page, ${body} as body, ${responseGucs} from (${grouped}${limitSql(
			b,
			limit,
			offset
		)}) as pgrst_o`;
		return { sql, offset };
	}
	// The page of rows is picked first; their JSON is built outside, for the page only (built
	// inside, Postgres would build it for every matching row before sorting).
	const inner = `select ${q(alias)}.* from ${fromSql} as ${q(alias)}${where}${order}${limitSql(
		b,
		limit,
		offset
	)}`;
	// `count=planned` takes the planner's estimate instead (see explainCount).
	const total =
		b.request.prefer.count && b.request.prefer.count !== 'planned'
			? `(select pg_catalog.count(*) from ${fromSql} as ${q(alias)}${where})::text`
			: 'null::text';
	const sql = `select ${total} as total, pg_catalog.count(*)::text as page, ${bodyAggregate(
		b,
		compiled.pairs
	)} as body, ${responseGucs} from (${inner}) as ${q(alias)}`;
	return { sql, offset };
}

/**
 * `count=planned` / `count=estimated` on a table or view: `explain (format json)` of the rows the
 * read's filters select, whose top "Plan Rows" is the planner's estimate (as PostgREST counts).
 */
export function explainCount(input: PlanInput): { sql: string; params: Value[] } | null {
	const { request, catalogue, schema } = input;
	if (request.target.kind !== 'table') return null;
	if (request.prefer.count !== 'planned' && request.prefer.count !== 'estimated') return null;
	const relation = catalogue.relation(schema, request.target.name);
	if (!relation) return null;
	// As a HEAD request: only what the filters need is compiled, so every parameter is used.
	const b = new Builder(catalogue, schema, { ...request, method: 'HEAD' });
	const source: Source = { label: relation.name, columns: relation.columns, relation, catalogue };
	const { where, order } = rootParts(b, source, relation.name);
	return {
		sql: `explain (format json) select 1 from ${relationSql(relation)} as ${q(relation.name)}${where}${order}`,
		params: b.params
	};
}

// ---------------------------------------------------------------------------------------------

export interface PlanInput {
	request: ParsedRequest;
	catalogue: Catalogue;
	schema: string;
	/** The parsed JSON body (writes and POST rpc), `undefined` when there is none. */
	body?: unknown;
	/** The raw body text, passed through as one parameter. */
	bodyText?: string;
	/** Rows any read answers, embedded arrays included; null or absent: no cap. */
	maxRows?: number | null;
}

/** Postgres takes at most 65535 parameters; far fewer make sense in one request. */
const MAX_PARAMS = 30000;

export function plan(input: PlanInput): Plan {
	const built = planStatement(input);
	if (built.params.length > MAX_PARAMS) {
		throw new RestError(
			400,
			'PGRST100',
			'Too many values in one request',
			`${built.params.length} values`
		);
	}
	return built;
}

function planStatement(input: PlanInput): Plan {
	const { request, catalogue, schema } = input;
	const b = new Builder(catalogue, schema, request, input.maxRows ?? null);
	if (request.target.kind === 'root') {
		throw new RestError(404, 'PGRST125', 'Invalid path specified in request URL');
	}
	if (request.target.kind === 'rpc') return planRpc(b, input);
	const relation = catalogue.relation(schema, request.target.name);
	if (!relation) throw tableNotFound(catalogue, schema, request.target.name);
	const source: Source = {
		label: relation.name,
		columns: relation.columns,
		relation,
		catalogue
	};
	const alias = relation.name;
	switch (request.method) {
		case 'GET':
		case 'HEAD': {
			const { sql, offset } = readFrom(b, source, relationSql(relation), alias);
			return { sql, params: b.params, result: 'rows', readOnly: true, offset, kind: 'read' };
		}
		case 'POST':
			return planInsert(b, input, relation, source);
		case 'PATCH':
			return planUpdate(b, input, relation, source);
		case 'DELETE':
			return planDelete(b, relation, source);
		default:
			throw new RestError(405, 'PGRST117', `Unsupported HTTP method: ${request.method}`);
	}
}

function wantsRepresentation(request: ParsedRequest): boolean {
	return request.prefer.return === 'representation';
}

function writePlan(
	b: Builder,
	source: Source,
	alias: string,
	mutation: string,
	kind: Plan['kind'],
	countInserted = false
): Plan {
	// An upsert tells inserted rows from updated ones (`xmax = 0`): one that only updated
	// answers 200, as PostgREST does.
	const inserted = countInserted ? `, (${q(alias)}.xmax = 0) as pgrst_inserted` : '';
	const insertedCount = countInserted
		? `pg_catalog.count(*) filter (where pgrst_source.pgrst_inserted)::text`
		: 'null::text';
	if (!wantsRepresentation(b.request)) {
		// Filters on embedded resources must still be valid.
		checkUnusedPaths(b);
		if (countInserted) {
			const sql = `with pgrst_source as (${mutation} returning true as pgrst_row${inserted}) select pg_catalog.count(*)::text as affected, ${insertedCount} as inserted, ${responseGucs} from pgrst_source`;
			return { sql, params: b.params, result: 'affected', readOnly: false, offset: 0, kind };
		}
		return {
			sql: mutation,
			params: b.params,
			result: 'affected',
			readOnly: false,
			offset: 0,
			kind
		};
	}
	const compiled = compileSelect(b, source, alias, b.request.select, '');
	checkUnusedPaths(b);
	const root = b.request.nodes.get('') ?? { filters: [] };
	const order = orderSql(b, source, alias, root.order, compiled.embeds);
	const sql = `with pgrst_source as (${mutation} returning ${q(alias)}.*${inserted}) select null::text as total, pg_catalog.count(*)::text as page, ${bodyAggregate(
		b,
		compiled.pairs
	)} as body, ${countInserted ? `(select ${insertedCount} from pgrst_source)` : 'null::text'} as inserted, ${responseGucs} from (select ${q(alias)}.* from pgrst_source as ${q(alias)}${order}) as ${q(alias)}`;
	return { sql, params: b.params, result: 'rows', readOnly: false, offset: 0, kind };
}

function badBody(message: string): RestError {
	return new RestError(400, 'PGRST102', message);
}

function columnMissing(relation: Relation, name: string): RestError {
	return new RestError(
		400,
		'PGRST204',
		`Could not find the '${name}' column of '${relation.name}' in the schema cache`
	);
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
	return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function planInsert(b: Builder, input: PlanInput, relation: Relation, source: Source): Plan {
	const request = b.request;
	const body = input.body;
	const rows = Array.isArray(body) ? body : [body];
	if (body === undefined || !rows.every(isPlainObject)) {
		throw badBody('All object keys must match');
	}
	const objects = rows as Record<string, unknown>[];
	let columns: string[];
	if (request.columns) columns = request.columns;
	else {
		const keys = new Set<string>();
		for (const row of objects) for (const k of Object.keys(row)) keys.add(k);
		columns = [...keys];
	}
	for (const c of columns) if (!relation.columns.has(c)) throw columnMissing(relation, c);
	const alias = relation.name;
	const target = relationSql(relation);
	let insert: string;
	const colList = columns.map(q).join(', ');
	if (objects.length === 0) {
		// Nothing to insert: a statement that writes no row.
		insert = `insert into ${target} as ${q(alias)} select * from ${target} where false`;
	} else if (columns.length === 0) {
		insert = `insert into ${target} as ${q(alias)} select from generate_series(1, ${b.param(
			String(objects.length)
		)}::int4)`;
	} else if (request.prefer.missing === 'default') {
		const json = b.param(JSON.stringify(objects));
		const values = objects.map(
			(row, i) =>
				`(${columns
					.map((c) =>
						Object.prototype.hasOwnProperty.call(row, c)
							? `(json_populate_record(null::${target}, ${json}::json->${i})).${q(c)}`
							: 'default'
					)
					.join(', ')})`
		);
		insert = `insert into ${target} as ${q(alias)} (${colList}) values ${values.join(', ')}`;
	} else {
		const json = b.param(JSON.stringify(objects));
		insert = `insert into ${target} as ${q(alias)} (${colList}) select ${colList} from json_populate_recordset(null::${target}, ${json}::json) as pgrst_body`;
	}
	if (request.prefer.resolution) {
		let conflict = request.onConflict ?? relation.primaryKey;
		for (const c of conflict) if (!relation.columns.has(c)) throw columnNotFound(source, c);
		if (conflict.length === 0 && request.prefer.resolution === 'merge-duplicates') {
			throw new RestError(
				400,
				'PGRST100',
				`"on_conflict" is required to upsert into '${relation.name}', which has no primary key`
			);
		}
		conflict = [...conflict];
		const target = conflict.length ? ` (${conflict.map(q).join(', ')})` : '';
		if (request.prefer.resolution === 'ignore-duplicates' || columns.length === 0) {
			insert += ` on conflict${target} do nothing`;
		} else {
			insert += ` on conflict${target} do update set ${columns
				.map((c) => `${q(c)} = excluded.${q(c)}`)
				.join(', ')}`;
		}
	}
	return writePlan(
		b,
		source,
		alias,
		insert,
		'insert',
		request.prefer.resolution === 'merge-duplicates' && relation.kind === 'table'
	);
}

function rootWhere(b: Builder, source: Source, alias: string): string {
	// Embeds named in `select` may be filtered on (`!inner` or `rel=is.null`) in writes too.
	const root = b.request.nodes.get('') ?? { filters: [] };
	if (root.limit === undefined && !root.offset) {
		const compiled = compileSelect(b, source, alias, b.request.select, '', true);
		const conditions = root.filters.map((f) => conditionSql(b, source, alias, f, compiled.embeds));
		return conditions.length ? ` where ${conditions.join(' and ')}` : '';
	}
	// A limited update or delete (`limit`, with `order`): only the first rows that match.
	if (!source.relation || source.relation.kind !== 'table') {
		throw new RestError(400, 'PGRST100', 'A limit on an update or delete needs a table');
	}
	const inner = 'pgrst_limited';
	const innerCompiled = compileSelect(b, source, inner, b.request.select, '', true);
	const innerConditions = root.filters.map((f) =>
		conditionSql(b, source, inner, f, innerCompiled.embeds)
	);
	const order = orderSql(b, source, inner, root.order, innerCompiled.embeds);
	const innerWhere = innerConditions.length ? ` where ${innerConditions.join(' and ')}` : '';
	return ` where ${q(alias)}.ctid in (select ${q(inner)}.ctid from ${relationSql(source.relation)} as ${q(
		inner
	)}${innerWhere}${order}${limitSql(b, root.limit, root.offset)})`;
}

/** Supabase loads pg-safeupdate: an update or delete without a filter is refused. */
function requireFilter(b: Builder, verb: 'UPDATE' | 'DELETE'): void {
	const root = b.request.nodes.get('');
	if (!root || root.filters.length === 0) {
		throw new RestError(400, '21000', `${verb} requires a WHERE clause`);
	}
}

function planUpdate(b: Builder, input: PlanInput, relation: Relation, source: Source): Plan {
	requireFilter(b, 'UPDATE');
	const body = input.body;
	if (!isPlainObject(body)) throw badBody('Empty or invalid json');
	const columns = b.request.columns ?? Object.keys(body);
	for (const c of columns) if (!relation.columns.has(c)) throw columnMissing(relation, c);
	const alias = relation.name;
	const target = relationSql(relation);
	const where = rootWhere(b, source, alias);
	if (columns.length === 0) {
		// PostgREST answers an empty update without touching a row.
		const sql = `update ${target} as ${q(alias)} set ${q(relation.columnNames[0])} = ${q(alias)}.${q(
			relation.columnNames[0]
		)} where false`;
		return writePlan(b, source, alias, sql, 'update');
	}
	const json = b.param(JSON.stringify(body));
	const sets = columns.map((c) => `${q(c)} = pgrst_body.${q(c)}`).join(', ');
	const sql = `update ${target} as ${q(alias)} set ${sets} from (select * from json_populate_record(null::${target}, ${json}::json)) as pgrst_body${where}`;
	return writePlan(b, source, alias, sql, 'update');
}

function planDelete(b: Builder, relation: Relation, source: Source): Plan {
	requireFilter(b, 'DELETE');
	const alias = relation.name;
	const where = rootWhere(b, source, alias);
	return writePlan(
		b,
		source,
		alias,
		`delete from ${relationSql(relation)} as ${q(alias)}${where}`,
		'delete'
	);
}

// ---------------------------------------------------------------------------------------------
// RPC

const jsonTypes = new Set(['json', 'jsonb']);
/** The one unnamed parameter PostgREST can pass a request body to (any other unnamed one: never). */
const onePositionalTypes = new Set(['json', 'jsonb', 'text', 'xml', 'bytea']);
const onePositional = (fn: RestFunction) =>
	fn.args.length === 1 && fn.args[0].name === '' && onePositionalTypes.has(fn.args[0].type);
const isCallable = (fn: RestFunction) => !fn.args.some((a) => a.name === '') || onePositional(fn);
const signature = (f: RestFunction) => f.args.map((a) => `${a.name} => ${a.type}`).join(', ');

function describeCall(schema: string, name: string, keys: string[]): string {
	return keys.length
		? `${schema}.${name}(${[...keys].sort().join(', ')})`
		: `${schema}.${name} without parameters`;
}

function chooseFunction(
	b: Builder,
	name: string,
	keys: string[],
	wholeBody: boolean
): { fn: RestFunction; singleJson: boolean } {
	const candidates = b.catalogue.functions(b.schema, name);
	const given = new Set(keys);
	const named: RestFunction[] = [];
	const singleJson: RestFunction[] = [];
	for (const fn of candidates) {
		const isSingleJson = fn.args.length === 1 && jsonTypes.has(fn.args[0].type);
		if (isSingleJson && (fn.args[0].name === '' || wholeBody)) singleJson.push(fn);
		if (wholeBody) continue;
		if (!isCallable(fn)) continue;
		const argNames = new Set(fn.args.map((a) => a.name));
		if (
			keys.every((k) => argNames.has(k)) &&
			fn.args.every((a) => a.hasDefault || given.has(a.name))
		) {
			named.push(fn);
		}
	}
	const pick = named.length ? named : singleJson;
	if (pick.length === 1) return { fn: pick[0], singleJson: pick === singleJson };
	if (pick.length > 1) {
		throw new RestError(
			300,
			'PGRST203',
			`Could not choose the best candidate function between: ${pick
				.map((f) => ({ f, s: signature(f) }))
				.sort((x, y) => (x.s < y.s ? -1 : x.s > y.s ? 1 : 0))
				.map(({ f, s }) => `${f.schema}.${f.name}(${s})`)
				.join(', ')}`,
			null,
			'Try renaming the parameters or the function itself in the database so function overloading can be resolved'
		);
	}
	// Functions with other unnamed parameters are not in PostgREST's cache: never suggested.
	const callable = b.catalogue
		.allFunctionNames(b.schema)
		.filter((n) => b.catalogue.functions(b.schema, n).some((f) => isCallable(f)));
	const suggestion = closest(name, callable);
	throw new RestError(
		404,
		'PGRST202',
		`Could not find the function ${describeCall(b.schema, name, keys)} in the schema cache`,
		`Searched for the function ${b.schema}.${name}${
			keys.length
				? ` with parameter${keys.length > 1 ? 's' : ''} ${[...keys].sort().join(', ')}`
				: ' without parameters'
		} or with a single unnamed json/jsonb parameter, but no matches were found in the schema cache.`,
		suggestion && suggestion !== name
			? `Perhaps you meant to call the function ${b.schema}.${suggestion}`
			: null
	);
}

function planRpc(b: Builder, input: PlanInput): Plan {
	const request = b.request;
	const name = (request.target as { name: string }).name;
	const reads = request.method === 'GET' || request.method === 'HEAD';
	if (!reads && request.method !== 'POST') {
		throw new RestError(405, 'PGRST101', 'Only GET, HEAD or POST are allowed on /rpc');
	}
	let args: Record<string, unknown>;
	let keys: string[];
	const wholeBody = !reads && request.prefer.params === 'single-object';
	if (reads) {
		const candidates = b.catalogue.functions(b.schema, name);
		const argNames = new Set(candidates.flatMap((f) => f.args.map((a) => a.name)));
		args = {};
		for (const [key, value] of request.rpcParams) {
			if (argNames.has(key)) args[key] = value;
			else {
				const root = request.nodes.get('')!;
				root.filters.push(parseFilter(parseField(key), value));
			}
		}
		keys = Object.keys(args);
	} else {
		const body = input.body === undefined ? {} : input.body;
		if (isPlainObject(body)) {
			args = body;
			keys = Object.keys(body);
		} else {
			args = {};
			keys = [];
		}
		if (!isPlainObject(body) && !wholeBody) {
			// An array or scalar body only fits a function taking one unnamed json parameter.
			const { fn } = chooseFunction(b, name, [], true);
			return rpcCall(
				b,
				fn,
				`${b.param(input.bodyText ?? JSON.stringify(body))}::${fn.args[0].type}`,
				reads
			);
		}
	}
	const { fn, singleJson } = chooseFunction(b, name, keys, wholeBody);
	if (singleJson) {
		const text = reads
			? JSON.stringify(args)
			: (input.bodyText ?? JSON.stringify(input.body ?? {}));
		return rpcCall(b, fn, `${b.param(text)}::${fn.args[0].type}`, reads);
	}
	const used = fn.args.filter((a) => Object.prototype.hasOwnProperty.call(args, a.name));
	if (used.length === 0) return rpcCall(b, fn, '', reads);
	if (onePositional(fn)) {
		// PostgREST's one positional parameter: it is given the request body itself.
		const value = reads ? String(args[''] ?? '') : (input.bodyText ?? JSON.stringify(args));
		return rpcCall(b, fn, `${b.param(value)}::${fn.args[0].type}`, reads);
	}
	const values: Record<string, unknown> = {};
	for (const a of used) values[a.name] = args[a.name];
	const json = b.param(JSON.stringify(values));
	const record = `json_to_record(${json}::json) as pgrst_args(${used.map((a) => `${q(a.name)} ${a.type}`).join(', ')})`;
	const call = used.map((a) => `${q(a.name)} => pgrst_args.${q(a.name)}`).join(', ');
	return rpcCall(b, fn, call, reads, record);
}

function rpcCall(
	b: Builder,
	fn: RestFunction,
	argsSql: string,
	reads: boolean,
	record?: string
): Plan {
	const call = `${q(fn.schema)}.${q(fn.name)}(${argsSql})`;
	const from = record ? ` from ${record}` : '';
	const readOnly = reads || fn.volatility !== 'volatile';
	if (fn.returns === 'void') {
		checkUnusedPaths(b);
		const sql = `select null::text as body, ${responseGucs} from (select ${call}${from} offset 0) as pgrst_call`;
		return { sql, params: b.params, result: 'void', readOnly, offset: 0, kind: 'rpc' };
	}
	if (fn.returns === 'scalar') {
		checkUnusedPaths(b);
		if (!fn.setof) {
			const sql = `select to_json(pgrst_call.pgrst_scalar)::text as body, ${responseGucs} from (select ${call} as pgrst_scalar${from} offset 0) as pgrst_call`;
			return { sql, params: b.params, result: 'scalar', readOnly, offset: 0, kind: 'rpc' };
		}
		const { limit, offset } = paging(b);
		const inner = `select ${call} as pgrst_scalar${from}${limitSql(b, limit, offset)}`;
		const total = b.request.prefer.count
			? `(select pg_catalog.count(*) from (select ${call}${from}) as pgrst_all)::text`
			: 'null::text';
		const body =
			b.request.method === 'HEAD' ? 'null' : `coalesce(json_agg(pgrst_t.pgrst_scalar), '[]')::text`;
		const sql = `select ${total} as total, pg_catalog.count(*)::text as page, ${body} as body, ${responseGucs} from (${inner}) as pgrst_t`;
		return { sql, params: b.params, result: 'rows', readOnly, offset, kind: 'rpc' };
	}
	const source: Source = {
		label: fn.name,
		columns: fn.columns ?? new Map(),
		relation: fn.relation,
		catalogue: b.catalogue
	};
	const fromSql = `(select pgrst_f.*${record ? ` from ${record},` : ' from'} lateral ${call} as pgrst_f)`;
	const { sql, offset } = readFrom(b, source, fromSql, fn.name);
	return {
		sql,
		params: b.params,
		result: 'rows',
		readOnly,
		offset,
		kind: 'rpc',
		singular: !fn.setof
	};
}
