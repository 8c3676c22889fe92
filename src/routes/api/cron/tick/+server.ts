/**
 * POST /api/cron/tick — for an external scheduler (cron, a platform's scheduled job): releases
 * held places that are due, queues due reminders, refreshes the dashboard's roll-up and runs one
 * email dispatcher pass. `Authorization: Bearer <CRON_SECRET>`; anything
 * else is 401 (and so is every request when CRON_SECRET is not set). Safe to call from several
 * places at once, and alongside the in-process worker.
 */
import { env } from '$env/dynamic/private';
import { handleCronTick } from '$lib/server/email/cron';
import { runEmailTick } from '$lib/server/email/worker';
import type { RequestHandler } from './$types';

export const POST: RequestHandler = ({ request }) =>
	handleCronTick(request, { secret: env.CRON_SECRET, tick: () => runEmailTick() });
