/**
 * The dev mailbox: where email goes when there is no email provider (embedded mode, or no
 * RESEND_API_KEY), so a fresh checkout can read every email at /dev/mailbox. Kept in the database
 * (schema `dev`, owned by the owner, no grants to the API roles) so it survives restarts and is
 * shared by every process on the same database.
 */
import type { Database } from '../embedded-supabase/database';
import type { EmailAttachment } from './templates/layout';

export interface MailboxMessage {
	id: string;
	to: string;
	subject: string;
	html: string;
	text: string;
	kind: string;
	createdAt: string;
	/** The attached files (calendar files, the check-in QR code), without their content. */
	attachments: { filename: string; contentType: string }[];
}

export interface DevMailbox {
	add(
		message: Omit<MailboxMessage, 'id' | 'createdAt' | 'attachments'> & {
			attachments?: EmailAttachment[];
		}
	): Promise<void>;
	/** Newest first. */
	list(limit?: number): Promise<MailboxMessage[]>;
	get(id: string): Promise<MailboxMessage | null>;
	/** One attached file, as sent (content in base64), by its place in the list. */
	attachment(id: string, index: number): Promise<EmailAttachment | null>;
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
alter table dev.mailbox add column if not exists attachments jsonb not null default '[]'::jsonb;
create index if not exists mailbox_created_at_idx on dev.mailbox (created_at desc);
revoke all on dev.mailbox from public;
`;

const uuidPattern = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

const selectJson = `select json_build_object(
	'id', id, 'to', to_address, 'subject', subject, 'html', html, 'text', body_text, 'kind', kind,
	'createdAt', to_char(created_at at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"'),
	'attachments', (select coalesce(json_agg(json_build_object(
		'filename', a->>'filename', 'contentType', a->>'contentType') order by n), '[]'::json)
		from jsonb_array_elements(attachments) with ordinality as f(a, n))
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
			const attachments = (message.attachments ?? []).map((a) => ({
				filename: a.filename,
				contentType: a.contentType,
				content: a.content
			}));
			await db.query(
				`insert into dev.mailbox (to_address, subject, html, body_text, kind, attachments)
				values ($1, $2, $3, $4, $5, $6::jsonb)`,
				[
					message.to,
					message.subject,
					message.html,
					message.text,
					message.kind,
					JSON.stringify(attachments)
				]
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
		},
		async attachment(id, index) {
			if (!uuidPattern.test(id) || !Number.isInteger(index) || index < 0 || index > 100)
				return null;
			await ensure();
			const { rows } = await db.query<{ file: string | null }>(
				'select (attachments -> $2::int)::text as file from dev.mailbox where id = $1::uuid',
				[id, String(index)]
			);
			return rows[0]?.file ? (JSON.parse(rows[0].file) as EmailAttachment) : null;
		}
	};
}
