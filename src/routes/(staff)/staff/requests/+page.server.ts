import { fail } from '@sveltejs/kit';
import { m } from '$lib/paraglide/messages';
import { decisionSchema } from '$lib/schemas/booking';
import { requireStaff } from '$lib/server/staff/context';
import { describeError } from '$lib/server/staff/errors';
import type { Actions, PageServerLoad } from './$types';

export interface RoomRequest {
	id: string;
	status: 'requested' | 'approved' | 'rejected' | 'cancelled';
	starts_at: string;
	ends_at: string;
	purpose: string;
	reason: string | null;
	created_at: string;
	decided_at: string | null;
	venue_id: string;
	venue_name_zh: string;
	venue_name_en: string;
	org_name_zh: string;
	org_name_en: string;
	requested_by_email?: string | null;
}

export const load = (async (event) => {
	const { org } = await requireStaff(event);
	const { data } = await event.locals.supabase.rpc('staff_room_requests', { p_org_id: org.id });
	const incoming = (data?.incoming ?? []) as RoomRequest[];
	return {
		pending: incoming.filter((r) => r.status === 'requested'),
		decided: incoming.filter((r) => r.status !== 'requested'),
		outgoing: (data?.outgoing ?? []) as RoomRequest[],
		sent: event.url.searchParams.has('sent')
	};
}) satisfies PageServerLoad;

async function decide(event: Parameters<Actions[string]>[0], approve: boolean) {
	const form = await event.request.formData();
	const parsed = decisionSchema.safeParse({
		booking_id: form.get('booking_id'),
		reason: form.get('reason') ?? ''
	});
	if (!parsed.success)
		return fail(400, {
			id: String(form.get('booking_id') ?? ''),
			message: m.staff_error_text_too_long()
		});
	if (!approve && !parsed.data.reason) {
		return fail(400, { id: parsed.data.booking_id, message: m.staff_request_reason_required() });
	}
	const { error } = await event.locals.supabase.rpc('decide_venue_booking', {
		p_booking_id: parsed.data.booking_id,
		p_approve: approve,
		p_reason: parsed.data.reason || null
	});
	if (error) return fail(400, { id: parsed.data.booking_id, message: describeError(error) });
	return {
		id: parsed.data.booking_id,
		done: approve ? m.staff_request_approved() : m.staff_request_rejected()
	};
}

export const actions = {
	approve: (event) => decide(event, true),
	reject: (event) => decide(event, false),
	withdraw: async (event) => {
		const form = await event.request.formData();
		const id = String(form.get('booking_id') ?? '');
		const { error } = await event.locals.supabase.rpc('cancel_venue_booking', { p_booking_id: id });
		if (error) return fail(400, { id, message: describeError(error) });
		return { id, done: m.staff_request_withdrawn() };
	}
} satisfies Actions;
