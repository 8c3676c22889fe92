import { fail, redirect } from '@sveltejs/kit';
import QRCode from 'qrcode';
import { cancelSchema } from '$lib/schemas/registration';
import { isWeChat } from '$lib/server/calendar/links';
import { eventPlace, registrationCalendarLinks } from '$lib/server/events/calendar';
import { pick } from '$lib/components/event-labels';
import { m } from '$lib/paraglide/messages';
import { getLocale } from '$lib/paraglide/runtime';
import { materialsByEvent } from '$lib/server/pictures/uploads';
import { cancel, myRegistrations } from '$lib/server/registrations';
import { registrationAllowed } from '$lib/server/registrations/limits';
import { registrationFailure } from '$lib/server/registrations/messages';
import type { Actions, PageServerLoad } from './$types';

/** The check-in QR code as inline SVG: what staff scan at the door is the check-in code itself. */
function qrSvg(code: string): Promise<string> {
	return QRCode.toString(code, { type: 'svg', margin: 1, errorCorrectionLevel: 'M' });
}

export const load = (async ({ locals, request, url }) => {
	if (!locals.user) redirect(303, '/auth/sign-in?next=%2Ffamily%2Fregistrations');
	const all = await myRegistrations(locals.supabase);
	const now = Date.now();
	const locale = getLocale() === 'en' ? 'en' : 'zh-CN';
	const wechat = isWeChat(request.headers.get('user-agent'));
	// Handouts of the events the family registered for (RLS: public ones, and members-only ones
	// while the registration is confirmed or attended).
	const materials = await materialsByEvent(locals.supabase, [
		...new Set(all.map((r) => r.event.id))
	]);
	const rows = await Promise.all(
		all.map(async (r) => {
			const active = r.status === 'confirmed' || r.status === 'waitlisted';
			const ahead = new Date(r.event.endsAt).getTime() > now;
			return {
				id: r.id,
				status: r.status,
				waitlistPosition: r.waitlistPosition,
				promoted: r.status === 'confirmed' && r.waitlistJoinedAt !== null,
				checkInCode: r.checkInCode,
				attendees: r.attendees,
				upcoming: active && ahead && r.event.status !== 'cancelled',
				cancellable: active && new Date(r.event.startsAt).getTime() > now,
				qr: r.status === 'confirmed' && ahead ? await qrSvg(r.checkInCode) : null,
				materials: materials.get(r.event.id) ?? [],
				calendar:
					active && ahead && r.event.status !== 'cancelled'
						? {
								links: registrationCalendarLinks(r.event, {
									origin: url.origin,
									locale,
									registrationId: r.id
								}),
								wechat
							}
						: null,
				event: {
					slug: r.event.slug,
					status: r.event.status,
					title: r.event.title,
					startsAt: r.event.startsAt,
					endsAt: r.event.endsAt,
					ended: !ahead,
					place: eventPlace(r.event, locale)
				}
			};
		})
	);
	const done = url.searchParams.get('done');
	const cancelled = rows.find((r) => r.id === url.searchParams.get('id'));
	const title = cancelled ? pick(cancelled.event.title, locale) : '';
	return {
		upcoming: rows.filter((r) => r.upcoming),
		past: rows.filter((r) => !r.upcoming).reverse(),
		// The sentence after cancelling, naming the event (?done=…&id=<registration>).
		done:
			cancelled && done === 'cancelled'
				? m.events_done_cancelled({ title })
				: cancelled && done === 'left_waitlist'
					? m.events_done_left_waitlist({ title })
					: null
	};
}) satisfies PageServerLoad;

export const actions = {
	cancel: async ({ locals, request }) => {
		if (!locals.user) redirect(303, '/auth/sign-in?next=%2Ffamily%2Fregistrations');
		const parsed = cancelSchema.safeParse(Object.fromEntries(await request.formData()));
		if (!parsed.success) {
			return fail(400, { message: registrationFailure('registration_not_found'), id: null });
		}
		if (!(await registrationAllowed(locals.user.id))) {
			return fail(429, {
				message: registrationFailure('rate_limited'),
				id: parsed.data.registration_id
			});
		}
		const outcome = await cancel(locals.supabase, parsed.data.registration_id);
		if (!outcome.ok) {
			return fail(outcome.code === 'generic' ? 500 : 400, {
				message: registrationFailure(outcome.code),
				id: parsed.data.registration_id
			});
		}
		const done = outcome.value.was === 'waitlisted' ? 'left_waitlist' : 'cancelled';
		redirect(303, `/family/registrations?done=${done}&id=${parsed.data.registration_id}`);
	}
} satisfies Actions;
