import { keepUntil } from '$lib/server/page-cache';
import { error } from '@sveltejs/kit';
import { m } from '$lib/paraglide/messages';
import { courseKindLabel, orgCourseLinks } from '$lib/server/courses';
import { listPublicEvents } from '$lib/server/promotion/events';
import { pageLocale, pick } from '$lib/server/promotion/labels';
import { normaliseSource, orgUrl } from '$lib/server/promotion/links';
import { countPastEvents, getOrganisation } from '$lib/server/promotion/organisations';
import { organisationFeedback } from '$lib/server/notices';
import { qrSvg } from '$lib/server/promotion/qr';
import { orgCardKey } from '$lib/server/pictures/cards';
import { logoUrl, readLogoPath } from '$lib/server/pictures/store';
import type { PageServerLoad } from './$types';

/**
 * An organisation's public page: who they are, where, how to reach them, what is coming up, and
 * its own link and QR code to share. A channel tag it was opened with (`?src=`) goes on to the
 * event links, so a registration still records where the family came from. Once its past events
 * have 5 ratings, their average; and its public replies to feedback (你们说，我们做). A new
 * rating or reply raises public_pages_version() (20261205991800), so a kept page is not served.
 */
export const load = (async ({ locals, params, url }) => {
	const org = await getOrganisation(locals.supabase, params.slug);
	if (!org) error(404, { message: 'not_found' });
	const now = new Date();
	const [upcoming, pastCount, feedback, courses, logoPath] = await Promise.all([
		listPublicEvents(locals.supabase, { orgId: org.id, endsAfter: now, limit: 100 }),
		countPastEvents(locals.supabase, org.id, now),
		organisationFeedback(locals.supabase, org.id),
		orgCourseLinks(locals.supabase, org.id),
		readLogoPath(locals.supabase, org.id)
	]);
	keepUntil(
		locals,
		upcoming.flatMap((event) => [event.startsAt, event.endsAt, event.registrationClosesAt])
	);
	const source = normaliseSource(url.searchParams.get('src'));
	const shareUrl = orgUrl(url.origin, org.slug, source ?? 'share');
	const name = pick(org.name, pageLocale());
	const card = new URL(`/orgs/${org.slug}/card.png`, url.origin);
	card.searchParams.set('v', orgCardKey(org, logoPath, pageLocale(), url.origin));
	if (pageLocale() === 'en') card.searchParams.set('lang', 'en');
	return {
		logo: logoPath
			? {
					src: logoUrl(locals.supabase, logoPath, 96),
					srcset: `${logoUrl(locals.supabase, logoPath, 192)} 2x`
				}
			: null,
		cardUrl: card.href,
		org,
		upcoming,
		pastCount,
		feedback,
		courses: courses.map((c) => ({
			slug: c.slug,
			title: pick(c.title, pageLocale()),
			kind: courseKindLabel(c.kind)
		})),
		source,
		shareUrl,
		qrSvg: await qrSvg(shareUrl, m.promote_org_share_qr({ org: name }))
	};
}) satisfies PageServerLoad;
