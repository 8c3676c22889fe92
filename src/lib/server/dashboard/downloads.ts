/**
 * The dashboard's downloads, the same for the district's and an organisation's pages: one panel's
 * CSV, and the monthly report as a PDF. The caller has checked who is asking; SQL checks again.
 */
import { error } from '@sveltejs/kit';
import type { SupabaseClient } from '@supabase/supabase-js';
import type { Locale } from '$lib/components/promote-labels';
import type { Filter } from '$lib/schemas/dashboard';
import { pdfResponse } from '$lib/server/pdf';
import { loadFigures } from './figures';
import { dashboardFailure, failureStatus, isPanelId, panelCsvResponse } from './page';
import { buildPanels, type Links } from './panels';
import { loadReferralFigures } from './referrals';
import { monthPeriod, monthlyReportPdf } from './report';

export async function panelCsv(
	supabase: SupabaseClient,
	filter: Filter,
	panelId: string | null,
	locale: Locale,
	links: Links
): Promise<Response> {
	if (!isPanelId(panelId)) error(404, { message: dashboardFailure('unknown') });
	if (panelId === 'referrals') {
		const panel = await loadReferralFigures(supabase, filter, locale);
		if (!panel) error(403, { message: dashboardFailure('not_authorised') });
		return panelCsvResponse(panel, filter);
	}
	const result = await loadFigures(supabase, filter);
	if ('code' in result)
		error(failureStatus(result.code), { message: dashboardFailure(result.code) });
	const panel = buildPanels(result.data, locale, links).find((p) => p.id === panelId);
	if (!panel) error(404, { message: dashboardFailure('unknown') });
	return panelCsvResponse(panel, filter);
}

/** The report for ?month=YYYY-MM and `org` ('' for the district), as an A4 PDF download. */
export async function reportDownload(
	supabase: SupabaseClient,
	month: string | null,
	org: string
): Promise<Response> {
	const period = monthPeriod(month);
	if (!period) error(400, { message: dashboardFailure('invalid_month') });
	const result = await loadFigures(supabase, {
		from: period.first,
		to: period.last,
		org,
		grain: 'week'
	});
	if ('code' in result)
		error(failureStatus(result.code), { message: dashboardFailure(result.code) });
	const scope = org ? (result.data.by_org[0]?.name_zh ?? '') : '全区';
	const bytes = await monthlyReportPdf({
		figures: result.data,
		month: month!,
		scope,
		generatedAt: new Date().toISOString()
	});
	return pdfResponse(bytes, `月报-${month}-${scope}.pdf`, 'attachment');
}
