/**
 * Which organisation a staff member is working for. Staff of several organisations switch with the
 * organisation switcher; the choice lives in a cookie (`gongyu_org`), and `?org=` in a link wins
 * (so a link to another organisation's page opens it there). Memberships are read through the
 * user's own client, so RLS on org_members decides.
 */
import { error, type Cookies } from '@sveltejs/kit';
import { secureCookies } from '../cookies';

export const ORG_COOKIE = 'gongyu_org';

export interface StaffOrg {
	id: string;
	kind: string;
	slug: string;
	name_zh: string;
	name_en: string;
	role: 'staff' | 'manager';
}

export interface StaffContext {
	orgs: StaffOrg[];
	org: StaffOrg;
}

interface RequestLike {
	locals: App.Locals;
	cookies: Cookies;
	url: URL;
}

// One lookup per request, shared by the layout's load and the page's load or action.
const cache = new WeakMap<App.Locals, Promise<StaffOrg[]>>();

export function staffOrgs(locals: App.Locals): Promise<StaffOrg[]> {
	let pending = cache.get(locals);
	if (!pending) {
		pending = (async () => {
			const user = locals.user;
			if (!user) return [];
			const { data, error } = await locals.supabase
				.from('org_members')
				.select('role, organisations(id, kind, slug, name_zh, name_en)')
				.eq('user_id', user.id);
			if (error || !data) return [];
			return (
				data as unknown as {
					role: StaffOrg['role'];
					organisations: Omit<StaffOrg, 'role'> | null;
				}[]
			)
				.filter((row) => row.organisations)
				.map((row) => ({ ...row.organisations!, role: row.role }))
				.sort((a, b) => a.name_zh.localeCompare(b.name_zh, 'zh-CN'));
		})();
		cache.set(locals, pending);
	}
	return pending;
}

/** The organisation this request works for; null when the user is staff of none. */
export async function staffContext({
	locals,
	cookies,
	url
}: RequestLike): Promise<StaffContext | null> {
	const orgs = await staffOrgs(locals);
	if (orgs.length === 0) return null;
	const wanted = url.searchParams.get('org') ?? cookies.get(ORG_COOKIE);
	const org = orgs.find((o) => o.id === wanted) ?? orgs[0];
	if (url.searchParams.has('org') && org.id === wanted && cookies.get(ORG_COOKIE) !== org.id) {
		rememberOrg(cookies, url, org.id);
	}
	return { orgs, org };
}

export function rememberOrg(cookies: Cookies, url: URL, orgId: string) {
	cookies.set(ORG_COOKIE, orgId, {
		path: '/',
		httpOnly: true,
		sameSite: 'lax',
		secure: secureCookies(url),
		maxAge: 60 * 60 * 24 * 400
	});
}

/** As staffContext, for loads and actions inside the guarded group (which has checked membership). */
export async function requireStaff(event: RequestLike): Promise<StaffContext> {
	const context = await staffContext(event);
	if (!context) error(403, { message: 'forbidden' });
	return context;
}
