/**
 * The dev mailbox: where email goes when there is no email provider (embedded mode, or no
 * RESEND_API_KEY), so a fresh checkout can read every email at /dev/mailbox. Kept in the database
 * (schema `dev`, owned by the owner, no grants to the API roles) so it survives restarts and is
 * shared by every process on the same database.
 */
import type { Database } from '../embedded-supabase/database';

export interface MailboxMessage {
	id: string;
	to: string;
	subject: string;
	html: string;
	text: string;
	kind: string;
	createdAt: string;
}

export interface DevMailbox {
	add(message: Omit<MailboxMessage, 'id' | 'createdAt'>): Promise<void>;
	/** Newest first. */
	list(limit?: number): Promise<MailboxMessage[]>;
	get(id: string): Promise<MailboxMessage | null>;
}

const schemaSql = `
create schema if not exists dev;
revoke all on schema dev from public;
create table if not exists dev.mailbox (
	id uuid primary key default gen_random_uuid(),
	to_address text not null,
	subject text not null,
	html text not null,
	body_text text not null,
	kind text not null,
	created_at timestamptz not null default now()
);
comment on table dev.mailbox is 'Emails the app would have sent, kept for the dev mailbox page (no email provider configured).';
create index if not exists mailbox_created_at_idx on dev.mailbox (created_at desc);
revoke all on dev.mailbox from public;
`;

const uuidPattern = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

const selectJson = `select json_build_object(
	'id', id, 'to', to_address, 'subject', subject, 'html', html, 'text', body_text, 'kind', kind,
	'createdAt', to_char(created_at at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"')
)::text as message from dev.mailbox`;

export function createDevMailbox(db: Database): DevMailbox {
	let ready: Promise<void> | null = null;
	const ensure = () => {
		ready ??= db.exec(schemaSql).catch((error) => {
			ready = null;
			throw error;
		});
		return ready;
	};
	const parse = (rows: { message: string | null }[]) =>
		rows.map((row) => JSON.parse(row.message ?? 'null') as MailboxMessage);

	return {
		async add(message) {
			await ensure();
			await db.query(
				'insert into dev.mailbox (to_address, subject, html, body_text, kind) values ($1, $2, $3, $4, $5)',
				[message.to, message.subject, message.html, message.text, message.kind]
			);
		},
		async list(limit = 100) {
			await ensure();
			const n = Math.max(1, Math.min(1000, Math.floor(limit) || 100));
			const { rows } = await db.query<{ message: string | null }>(
				`${selectJson} order by created_at desc, id limit $1::int`,
				[String(n)]
			);
			return parse(rows);
		},
		async get(id) {
			if (!uuidPattern.test(id)) return null;
			await ensure();
			const { rows } = await db.query<{ message: string | null }>(
				`${selectJson} where id = $1::uuid`,
				[id]
			);
			return parse(rows)[0] ?? null;
		}
	};
}
