/**
 * Walk-ins at the door (现场报名): the check-in page's form action. The form is read and checked
 * here for a message in the staff member's language; register_walk_in decides (places under the
 * event lock, ages, consent, who may) and records the family as checked in.
 */
import { fail, type RequestEvent } from '@sveltejs/kit';
import { m } from '$lib/paraglide/messages';
import { getLocale } from '$lib/paraglide/runtime';
import { readWalkIn, walkInValues, type WalkInProblem } from '$lib/schemas/door';
import { staffFailure } from '$lib/server/staff/errors';
import type { Person } from '$lib/components/staff-people';

const problems: Record<WalkInProblem, () => string> = {
	name: () => m.door_error_name(),
	phone: () => m.door_error_phone(),
	email: () => m.door_error_email(),
	members: () => m.door_error_members(),
	member: () => m.door_error_member(),
	consent: () => m.door_error_consent()
};

/** register_walk_in's failure codes as sentences; the check-in codes as the door already says them. */
export function walkInFailure(code: string, hint?: string | null): string {
	switch (code) {
		case 'invalid_guardian_name':
			return problems.name();
		case 'invalid_phone':
			return problems.phone();
		case 'invalid_email':
			return problems.email();
		case 'no_attendees':
			return problems.members();
		case 'invalid_member':
			return problems.member();
		case 'consent_required':
			return problems.consent();
		case 'seat_limit_exceeded':
			return m.door_error_seat_limit();
		case 'age_out_of_range': {
			const range = hint?.match(/(\d+) to (\d+|…)/);
			return range
				? m.door_error_age({ range: `${range[1]}–${range[2]}` })
				: m.door_error_age_any();
		}
		case 'event_full': {
			const left = Number(hint?.match(/^(\d+) places left/)?.[1] ?? 0);
			return left > 0 ? m.door_error_full({ count: left }) : m.door_error_full_none();
		}
		default:
			return staffFailure(code, hint);
	}
}

export async function walkInAction(event: RequestEvent<{ id: string }>) {
	const values = walkInValues(await event.request.formData());
	const read = readWalkIn(values);
	if (!read.ok) {
		return fail(400, {
			door: 'walkIn',
			ok: false,
			message: problems[read.problem](),
			problem: read.problem,
			values
		});
	}
	const input = read.data;
	const { data, error } = await event.locals.supabase.rpc('register_walk_in', {
		p_event_id: event.params.id,
		p_guardian_name: input.guardian_name,
		p_phone: input.phone,
		p_email: input.email,
		p_members: input.members,
		p_consent: input.consent,
		p_locale: getLocale() === 'en' ? 'en' : 'zh-CN'
	});
	if (error || !data) {
		return fail(400, {
			door: 'walkIn',
			ok: false,
			message: walkInFailure(error?.message ?? '', error?.hint),
			values
		});
	}
	const result = data as {
		registration_id: string;
		guardian_name: string;
		seats: number;
		check_in_code: string;
		attendees: Person[];
	};
	return {
		door: 'walkIn',
		ok: true,
		message: m.door_walkin_done({
			name: result.guardian_name,
			seats: result.seats,
			code: result.check_in_code
		}),
		registrationId: result.registration_id,
		attendees: result.attendees
	};
}
