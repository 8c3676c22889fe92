/**
 * Contact when it matters: the attendee list's "show full phone number", one press per family.
 * The rule (the organiser's staff only, from 3 days before the event to 1 day after it) and the
 * record of each reveal are reveal_family_phone's, in SQL; this only asks and says the answer.
 */
import { fail, type RequestEvent } from '@sveltejs/kit';
import { formatDateTime } from '$lib/i18n/format';
import { m } from '$lib/paraglide/messages';
import { getLocale } from '$lib/paraglide/runtime';
import { failureCode } from '$lib/server/registrations';

const DAY = 24 * 60 * 60 * 1000;

/** When staff may see full numbers for an event (as public.contact_window in SQL). */
export function contactWindow(startsAt: string, endsAt: string, now = Date.now()) {
	const opens = Date.parse(startsAt) - 3 * DAY;
	const closes = Date.parse(endsAt) + DAY;
	return { opens, closes, open: now >= opens && now <= closes };
}

/** The sentence under the list: when the window is, or that reveals are recorded. */
export function contactHint(startsAt: string, endsAt: string): string {
	const window = contactWindow(startsAt, endsAt);
	if (window.open) return m.contact_reveal_hint();
	const locale = getLocale();
	return m.contact_reveal_closed({
		from: formatDateTime(window.opens, locale),
		to: formatDateTime(window.closes, locale)
	});
}

function revealFailure(code: string): string {
	switch (code) {
		case 'outside_contact_window':
			return m.contact_error_outside_contact_window();
		case 'no_phone':
			return m.contact_error_no_phone();
		case 'registration_not_found':
			return m.contact_error_registration_not_found();
		case 'second_factor_required':
			return m.security_error_required_here();
		default:
			return m.contact_error_not_authorised();
	}
}

export async function revealPhoneAction(event: RequestEvent<{ id: string }>) {
	const form = await event.request.formData();
	const registrationId = String(form.get('registration_id') ?? '');
	if (!/^[0-9a-f-]{36}$/i.test(registrationId)) {
		return fail(400, {
			door: 'reveal',
			ok: false,
			message: revealFailure('registration_not_found')
		});
	}
	const { data, error } = await event.locals.supabase.rpc('reveal_family_phone', {
		p_registration_id: registrationId
	});
	if (error || !data) {
		const code = failureCode(error);
		if (code === 'generic') console.error('reveal_family_phone failed:', error?.code);
		return fail(code === 'generic' ? 500 : 400, {
			door: 'reveal',
			ok: false,
			message: revealFailure(code)
		});
	}
	const revealed = data as { registration_id: string; guardian_name: string; phone: string };
	return {
		door: 'reveal',
		ok: true,
		revealed: {
			registrationId: revealed.registration_id,
			text: m.contact_revealed({ name: revealed.guardian_name, phone: revealed.phone }),
			phone: revealed.phone
		}
	};
}
