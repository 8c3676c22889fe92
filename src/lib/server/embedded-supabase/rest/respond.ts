/**
 * Query result → HTTP response: status, `Content-Range`, single-object answers, headers and status
 * set from SQL (`response.headers`, `response.status`), as PostgREST answers them.
 */
import { RestError } from './errors';
import type { ParsedRequest } from './parse';
import type { Plan } from './plan';

export const JSON_TYPE = 'application/json; charset=utf-8';
const OBJECT_TYPE = 'application/vnd.pgrst.object+json; charset=utf-8';
const CSV_TYPE = 'text/csv; charset=utf-8';

export interface ResultRow {
	total: string | null;
	page: string | null;
	body: string | null;
	response_headers: string | null;
	response_status: string | null;
	/** Upserts: how many of the rows written were inserted (the rest were updated). */
	inserted?: string | null;
	/** Writes without representation that count in SQL (upserts): the rows written. */
	affected?: string | null;
}

export interface Outcome {
	status: number;
	headers: Record<string, string>;
	body: string | null;
	/** Rows the request wrote (or a call returned), for `Prefer: max-affected`. */
	affected: number;
}

export function singularityError(rows: number): RestError {
	return new RestError(
		406,
		'PGRST116',
		'Cannot coerce the result to a single JSON object',
		`The result contains ${rows} rows`
	);
}

function contentRange(offset: number, page: number, total: number | null): string {
	const totalText = total === null ? '*' : String(total);
	if (page === 0) return `*/${totalText}`;
	return `${offset}-${offset + page - 1}/${totalText}`;
}

/** Applies `response.headers` / `response.status` set by SQL during the request. */
function applyGucs(outcome: Outcome, row: Partial<ResultRow> | undefined): Outcome {
	if (row?.response_headers) {
		try {
			const list = JSON.parse(row.response_headers) as unknown;
			if (Array.isArray(list)) {
				for (const entry of list) {
					if (entry && typeof entry === 'object') {
						for (const [k, v] of Object.entries(entry))
							outcome.headers[k.toLowerCase()] = String(v);
					}
				}
			}
		} catch {
			throw new RestError(
				500,
				'PGRST111',
				'response.headers guc must be a JSON array composed of objects with a single key and a string value'
			);
		}
	}
	if (row?.response_status) {
		const status = Number(row.response_status);
		if (!Number.isInteger(status) || status < 100 || status > 599) {
			throw new RestError(500, 'PGRST112', 'response.status guc must be a valid status code');
		}
		outcome.status = status;
	}
	return outcome;
}

/** Takes the single element of a JSON array text (only called when it has exactly one). */
function firstElement(arrayText: string): string {
	return JSON.stringify((JSON.parse(arrayText) as unknown[])[0]);
}

/** 201, except an upsert (merge-duplicates) that inserted no row: 200, as PostgREST answers. */
function insertStatus(request: ParsedRequest, row: ResultRow | undefined): number {
	if (request.prefer.resolution !== 'merge-duplicates') return 201;
	const inserted = row?.inserted;
	return inserted != null && Number(inserted) <= 0 ? 200 : 201;
}

/**
 * Shapes the answer. Throws `RestError` (406) when one object was asked for and the result does
 * not have exactly one row; the caller runs this inside the transaction so writes roll back.
 */
export function shape(
	request: ParsedRequest,
	plan: Plan,
	row: ResultRow | undefined,
	affected: number
): Outcome {
	const headers: Record<string, string> = {};
	const wantsObject = request.accept.kind === 'object';
	const head = request.method === 'HEAD';
	const countRequested = Boolean(request.prefer.count);
	switch (plan.result) {
		case 'void':
			return applyGucs({ status: 204, headers, body: null, affected: 0 }, row);
		case 'scalar': {
			headers['content-type'] = JSON_TYPE;
			// One value is one row: `Content-Range: 0-0/1` when counted.
			headers['content-range'] = contentRange(0, 1, countRequested ? 1 : null);
			return applyGucs(
				{ status: 200, headers, body: head ? null : (row?.body ?? 'null'), affected: 1 },
				row
			);
		}
		case 'affected': {
			const written = row?.affected != null ? Number(row.affected) : affected;
			if (wantsObject && written !== 1) throw singularityError(written);
			headers['content-range'] = contentRange(0, 0, countRequested ? written : null);
			const status = plan.kind === 'insert' ? insertStatus(request, row) : 204;
			return applyGucs({ status, headers, body: null, affected: written }, row);
		}
		case 'rows': {
			const page = Number(row?.page ?? 0);
			let body = row?.body ?? '[]';
			if (plan.kind === 'read' || plan.kind === 'rpc') {
				const total = row?.total === null || row?.total === undefined ? null : Number(row.total);
				if (
					total !== null &&
					page === 0 &&
					plan.offset > 0 &&
					plan.offset >= total &&
					!plan.singular
				) {
					throw new RestError(
						416,
						'PGRST103',
						'Requested range not satisfiable',
						`An offset of ${plan.offset} was requested, but there are only ${total} rows.`,
						null,
						{ 'content-range': `*/${total}` }
					);
				}
				headers['content-range'] = contentRange(plan.offset, page, total);
				let status = 200;
				if (total !== null && page < total && !plan.singular) status = 206;
				if (plan.singular) {
					// A function returning one composite value answers that object.
					if (!head) body = page === 0 ? 'null' : firstElement(body);
				} else if (wantsObject) {
					if (page !== 1) throw singularityError(page);
					if (!head) body = firstElement(body);
					status = 200;
				}
				headers['content-type'] =
					request.accept.kind === 'csv' ? CSV_TYPE : wantsObject ? OBJECT_TYPE : JSON_TYPE;
				return applyGucs({ status, headers, body: head ? null : body, affected: page }, row);
			}
			// A write with `return=representation`.
			if (wantsObject) {
				if (page !== 1) throw singularityError(page);
				body = firstElement(body);
			}
			headers['content-range'] = contentRange(0, page, countRequested ? page : null);
			headers['content-type'] =
				request.accept.kind === 'csv' ? CSV_TYPE : wantsObject ? OBJECT_TYPE : JSON_TYPE;
			const status = plan.kind === 'insert' ? insertStatus(request, row) : 200;
			return applyGucs({ status, headers, body, affected: page }, row);
		}
	}
}
