import { error } from '@sveltejs/kit';
import { exportFamily } from '$lib/server/families';
import type { RequestHandler } from './$types';

/** Everything stored about the family, as one JSON file (the guardian's right of access). */
export const GET: RequestHandler = async ({ locals }) => {
	if (!locals.user) error(401, { message: 'sign_in' });
	const data = await exportFamily(locals.supabase);
	const day = new Date().toISOString().slice(0, 10);
	return new Response(JSON.stringify(data, null, 2), {
		headers: {
			'content-type': 'application/json; charset=utf-8',
			'content-disposition': `attachment; filename="gongyu-family-${day}.json"`,
			'cache-control': 'private, no-store'
		}
	});
};
