/**
 * The one client that holds the secret key and bypasses RLS. Only jobs that must act for nobody in
 * particular (the email dispatcher, reminders, demo set-up) import it.
 */
import { createClient, type SupabaseClient } from '@supabase/supabase-js';
import WebSocket from 'ws';
import type { Database } from '$lib/database.types';
import { getRuntime } from './runtime';

/** One per runtime: it keeps no session, so every caller can share it (making one is not free). */
const clients = new WeakMap<object, SupabaseClient<Database>>();

export function createAdminClient(): SupabaseClient<Database> {
	const runtime = getRuntime();
	let client = clients.get(runtime);
	if (!client) {
		client = createClient<Database>(runtime.supabaseUrl(), runtime.secretKey, {
			auth: { persistSession: false, autoRefreshToken: false, detectSessionInUrl: false },
			realtime: { transport: WebSocket as never },
			global: { fetch: runtime.fetch }
		});
		clients.set(runtime, client);
	}
	return client;
}
