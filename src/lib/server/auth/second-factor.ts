/**
 * A second factor (TOTP, 两步验证) for staff and district administrators, through supabase-js's
 * `auth.mfa` (the embedded Auth and Supabase Auth answer it alike): enrol with an authenticator
 * app, verify a code in a session (aal2), remove it. Whether an organisation requires it lives in
 * SQL (`second_factor_requirements`), which refuses the most sensitive reads at aal1.
 */
import { fail, type RequestEvent } from '@sveltejs/kit';
import type { Session, SupabaseClient, User } from '@supabase/supabase-js';
import { m } from '$lib/paraglide/messages';
import { qrSvg } from '../promotion/qr';
import { normaliseCode } from './sign-in';

export const ISSUER = 'Gongyu 共育';

interface FactorSummary {
	id: string;
	friendlyName: string;
	createdAt: string;
}

/** The user's verified TOTP factors (from the user object `getUser()` returned). */
export function verifiedFactors(user: User | null): FactorSummary[] {
	return (user?.factors ?? [])
		.filter((f) => f.factor_type === 'totp' && f.status === 'verified')
		.map((f) => ({ id: f.id, friendlyName: f.friendly_name ?? '', createdAt: f.created_at }));
}

/** The session's assurance level, from its verified access token's `aal` claim. */
export function sessionAal(session: Session | null): 'aal1' | 'aal2' | null {
	const token = session?.access_token;
	if (!token) return null;
	try {
		const claims = JSON.parse(Buffer.from(token.split('.')[1], 'base64url').toString('utf8'));
		return claims.aal === 'aal2' ? 'aal2' : 'aal1';
	} catch {
		return null;
	}
}

/** Signed in with a factor enrolled, but no code verified in this session yet. */
export function needsSecondFactor(session: Session | null, user: User | null): boolean {
	return verifiedFactors(user).length > 0 && sessionAal(session) !== 'aal2';
}

/** The page that asks for the code, coming back to `next` after it. */
export const secondFactorPath = (next: string) =>
	`/auth/second-factor?next=${encodeURIComponent(next)}`;

/**
 * What the security pages show about the signed-in person, read afresh (an action of this
 * request may just have added or removed a factor, after the hooks read the user).
 */
export async function secondFactorStatus(locals: App.Locals) {
	const supabase = locals.supabase as SupabaseClient;
	const [{ data: listed }, { data: current }] = await Promise.all([
		supabase.auth.mfa.listFactors(),
		supabase.auth.getSession()
	]);
	return {
		factors: (listed?.totp ?? []).map((f) => ({
			id: f.id,
			friendlyName: f.friendly_name ?? '',
			createdAt: f.created_at
		})),
		aal: sessionAal(current.session)
	};
}

/** A refused TOTP code, in the page's language. */
export function codeFailure(error: { code?: string; status?: number } | null): string {
	if (error?.status === 429) return m.security_error_rate_limited();
	if (error?.code === 'mfa_challenge_expired') return m.security_error_code_expired();
	return m.security_error_code_wrong();
}

/**
 * Form actions shared by /staff/security and /admin/security: `start` enrols a new factor and
 * answers its QR code and secret (an unverified factor left from an earlier try is removed
 * first), `confirm` verifies the first code (the session becomes aal2), `remove` unenrols a
 * verified factor (the session must be aal2: Auth refuses otherwise).
 */
export const secondFactorActions = {
	start: async ({ locals }: RequestEvent) => {
		const supabase = locals.supabase as SupabaseClient;
		const listed = await supabase.auth.mfa.listFactors();
		for (const factor of listed.data?.all ?? []) {
			if (factor.status !== 'verified') await supabase.auth.mfa.unenroll({ factorId: factor.id });
		}
		const { data, error } = await supabase.auth.mfa.enroll({
			factorType: 'totp',
			friendlyName: `totp-${Date.now().toString(36)}`,
			issuer: ISSUER
		});
		if (error || !data) {
			const message =
				error?.code === 'insufficient_aal'
					? m.security_error_needs_code()
					: m.security_error_generic();
			if (error?.code !== 'insufficient_aal') console.error('mfa enroll failed:', error?.code);
			return fail(error?.status === 403 ? 403 : 500, { step: 'start', message });
		}
		return {
			step: 'scan',
			factorId: data.id,
			secret: data.totp.secret,
			qr: await qrSvg(data.totp.uri, m.security_qr_label())
		};
	},

	confirm: async ({ locals, request }: RequestEvent) => {
		const supabase = locals.supabase as SupabaseClient;
		const form = await request.formData();
		const factorId = String(form.get('factor_id') ?? '');
		const code = normaliseCode(form.get('code'));
		if (!/^[0-9a-f-]{36}$/i.test(factorId)) {
			return fail(400, { step: 'start', message: m.security_error_generic() });
		}
		if (!code) {
			return fail(400, { step: 'confirm', factorId, message: m.security_error_code_format() });
		}
		const { error } = await supabase.auth.mfa.challengeAndVerify({ factorId, code });
		if (error) {
			return fail(error.status === 429 ? 429 : 400, {
				step: 'confirm',
				factorId,
				message: codeFailure(error)
			});
		}
		return { step: 'done', message: m.security_enrolled() };
	},

	remove: async ({ locals, request }: RequestEvent) => {
		const supabase = locals.supabase as SupabaseClient;
		const form = await request.formData();
		const factorId = String(form.get('factor_id') ?? '');
		if (!/^[0-9a-f-]{36}$/i.test(factorId)) {
			return fail(400, { step: 'remove', message: m.security_error_generic() });
		}
		const { error } = await supabase.auth.mfa.unenroll({ factorId });
		if (error) {
			const message =
				error.code === 'insufficient_aal'
					? m.security_error_needs_code()
					: m.security_error_generic();
			return fail(error.status === 403 ? 403 : 400, { step: 'remove', message });
		}
		// The token still says aal2 until it is refreshed: refresh now, so the page shows the truth.
		await supabase.auth.refreshSession();
		return { step: 'removed', message: m.security_removed() };
	}
};

/**
 * Turns the requirement on or off: an organisation's (p_org_id) by its managers, or the district
 * administrators' (null) by the district. The database checks who may, and that the caller's own
 * session is aal2.
 */
export async function setRequirement(
	supabase: SupabaseClient,
	orgId: string | null,
	required: boolean
) {
	const { error } = await supabase.rpc('set_second_factor_requirement', {
		p_org_id: orgId as string,
		p_required: required
	});
	if (!error)
		return { step: 'rule', message: required ? m.security_rule_on() : m.security_rule_off() };
	const message =
		error.message === 'second_factor_required'
			? m.security_error_rule_needs_code()
			: error.message === 'not_authorised'
				? m.security_error_not_manager()
				: m.security_error_generic();
	return fail(error.message === 'not_authorised' ? 403 : 400, { step: 'rule', message });
}

/** Whether the organisation (or, with null, the district) requires a second factor. */
export async function isRequired(supabase: SupabaseClient, orgId: string | null): Promise<boolean> {
	const query = supabase.from('second_factor_requirements').select('id').limit(1);
	const { data } = await (orgId ? query.eq('org_id', orgId) : query.is('org_id', null));
	return (data ?? []).length > 0;
}

/** The sentence for `second_factor_required` from a sensitive read. */
export const secondFactorRequiredMessage = () => m.security_error_required_here();
