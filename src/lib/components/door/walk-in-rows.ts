/**
 * The walk-in form's shape, shared by the page and the server's reading of it (schemas/door.ts),
 * without zod: the check-in page's script does not load the validator.
 */

/** Rows for people on the form, at most; an event's limit per family may show fewer. */
export const WALK_IN_ROWS = 6;

/** The form as typed, one entry per row. */
export interface WalkInValues {
	guardian_name: string;
	phone: string;
	email: string;
	consent: boolean;
	members: { kind: string; nickname: string; age: string }[];
}
