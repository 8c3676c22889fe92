import type { Session, SupabaseClient, User } from '@supabase/supabase-js';

declare global {
	namespace App {
		interface Locals {
			/** One supabase-js client per request, acting as the signed-in user (or anon). */
			supabase: SupabaseClient;
			/** The session, but only once `getUser()` has verified it with the auth server. */
			safeGetSession(): Promise<{ session: Session | null; user: User | null }>;
			/** The verified user, filled in by the guards hook. */
			user: User | null;
			/** Staff of an organisation / district administrator; asked once per request. */
			roles(): Promise<{ staff: boolean; admin: boolean }>;
			/** Large-text mode, from the `gongyu_text` cookie. */
			largeText: boolean;
			/** Until when the page being rendered may be kept for other anonymous visitors (ms). */
			pageUntil: number;
		}
		interface Error {
			message: string;
			/** Set when the message is meant for the visitor (translated), not an internal code. */
			kind?: 'form_origin' | 'certificate';
		}
		interface PageData {
			user: { id: string; email: string } | null;
		}
	}
}

export {};
