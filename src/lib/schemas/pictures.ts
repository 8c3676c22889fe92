/** Forms of covers, logos and materials (the files themselves are checked on the server). */
import { z } from 'zod';

const percent = z.coerce.number().min(0).max(100);
const ticked = z.preprocess((value) => value === 'on' || value === 'true', z.boolean());

export const coverSchema = z
	.object({
		focal_x: percent.default(50),
		focal_y: percent.default(50),
		shows_children: ticked,
		guardians_consent: ticked
	})
	.refine((value) => !value.shows_children || value.guardians_consent, {
		message: 'consent_required',
		path: ['guardians_consent']
	});

export const materialSchema = z
	.object({
		title: z.string().trim().min(1).max(120),
		audience: z.enum(['public', 'registered']),
		shows_children: ticked,
		guardians_consent: ticked
	})
	.refine((value) => !value.shows_children || value.guardians_consent, {
		message: 'consent_required',
		path: ['guardians_consent']
	});

/** The form's fields as zod reads them: empty focal fields take the default. */
export function formFields(form: FormData, names: string[]): Record<string, string | undefined> {
	return Object.fromEntries(
		names.map((name) => {
			const value = form.get(name);
			return [name, typeof value === 'string' && value.trim() !== '' ? value : undefined];
		})
	);
}
