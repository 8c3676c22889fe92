/**
 * The one client that holds the secret key and bypasses RLS. Only jobs that must act for nobody in
 * particular (the email dispatcher, reminders, demo set-up) import it.
 */
import { createClient, type SupabaseClient } from '@supabase/supabase-js';
import WebSocket from 'ws';
import type { Database } from '$lib/database.types';
import { getRuntime } from './runtime';

export function createAdminClient(): SupabaseClient<Database> {
	const runtime = getRuntime();
	return createClient<Database>(runtime.supabaseUrl(), runtime.secretKey, {
		auth: { persistSession: false, autoRefreshToken: false, detectSessionInUrl: false },
		realtime: { transport: WebSocket as never },
		global: { fetch: runtime.fetch }
	});
}
