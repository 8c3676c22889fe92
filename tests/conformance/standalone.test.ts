/**
 * `npm run supabase:local` serves any supabase/ folder over HTTP: here a small project that is not
 * Gongyu's, driven with supabase-js over real HTTP as another tool would.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtemp, mkdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createClient } from '@supabase/supabase-js';
import pg from 'pg';
import WebSocket from 'ws';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { freshServerDatabase, serverAvailable } from '../support/embedded';

const migration = `
create table public.authors (
	id bigint generated always as identity primary key,
	name text not null,
	owner uuid references auth.users (id) default auth.uid()
);
create table public.books (
	id bigint generated always as identity primary key,
	author_id bigint not null references public.authors (id),
	title text not null
);
create view public.book_titles with (security_invoker = true) as
	select b.id, b.title, a.name as author from public.books b join public.authors a on a.id = b.author_id;
create function public.count_books(author text) returns integer language sql stable as $$
	select count(*)::int from public.books b join public.authors a on a.id = b.author_id where a.name = author
$$;
alter table public.authors enable row level security;
alter table public.books enable row level security;
create policy "Anyone can read authors" on public.authors for select to anon, authenticated using (true);
create policy "Anyone can read books" on public.books for select to anon, authenticated using (true);
create policy "Users can add authors they own" on public.authors for insert to authenticated
	with check ((select auth.uid()) = owner);
`;
const seed = `
insert into public.authors (name) values ('Lu Xun'), ('Bing Xin');
insert into public.books (author_id, title) values (1, '呐喊'), (1, '彷徨'), (2, '繁星');
`;

interface Status {
	API_URL: string;
	PUBLISHABLE_KEY: string;
	SECRET_KEY: string;
}

async function startCommand(args: string[]): Promise<{ child: ChildProcess; status: Status }> {
	// One process (node with tsx's loader), so the signal that stops it reaches the server itself.
	const command = ['--import', 'tsx', 'scripts/supabase-local.ts', ...args, '--json'];
	const child = spawn(process.execPath, command, { stdio: ['ignore', 'pipe', 'pipe'] });
	let errors = '';
	child.stderr!.on('data', (d) => (errors += d));
	const status = await new Promise<Status>((resolve, reject) => {
		let out = '';
		child.stdout!.on('data', (d) => {
			out += d;
			const line = out.split('\n').find((l) => l.startsWith('{'));
			if (line) resolve(JSON.parse(line));
		});
		child.on('exit', (code) => reject(new Error(`exited ${code}: ${errors}`)));
	});
	return { child, status };
}

const client = (status: Status, key: string) =>
	createClient(status.API_URL, key, {
		auth: { persistSession: false, autoRefreshToken: false },
		realtime: { transport: WebSocket as never }
	});

describe.each(['memory', 'postgres'] as const)(
	'the standalone embedded Supabase (%s)',
	(backend) => {
		let dir: string;
		let child: ChildProcess | undefined;
		let status: Status;
		let database: { url: string; drop(): Promise<void> } | undefined;
		let available = true;

		beforeAll(async () => {
			if (backend === 'postgres') {
				available = await serverAvailable();
				if (!available) return;
				database = await freshServerDatabase();
			}
			dir = await mkdtemp(join(tmpdir(), 'supabase-project-'));
			await mkdir(join(dir, 'migrations'));
			await writeFile(join(dir, 'migrations', '20250101000000_create_books.sql'), migration);
			await writeFile(join(dir, 'seed.sql'), seed);
			const port = String(20000 + Math.floor(Math.random() * 20000));
			const where = backend === 'postgres' ? ['--db-url', database!.url] : ['--memory'];
			({ child, status } = await startCommand(['--dir', dir, '--port', port, ...where]));
		});

		afterAll(async () => {
			if (child && child.exitCode === null) {
				const exited = new Promise((r) => child!.once('exit', r));
				child.kill('SIGTERM');
				await exited;
			}
			await database?.drop();
			if (dir) await rm(dir, { recursive: true, force: true });
		});

		it('prints the API URL and both keys', ({ skip }) => {
			if (!available) skip();
			expect(status.API_URL).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
			expect(status.PUBLISHABLE_KEY).toMatch(/^sb_publishable_/);
			expect(status.SECRET_KEY).toMatch(/^sb_secret_/);
		});

		it('answers a select with an embedded resource through its foreign key', async ({ skip }) => {
			if (!available) skip();
			const { data, error } = await client(status, status.PUBLISHABLE_KEY)
				.from('authors')
				.select('name, books(title)')
				.eq('name', 'Lu Xun')
				.single();
			expect(error).toBeNull();
			expect(data!.name).toBe('Lu Xun');
			expect(data!.books.map((b: { title: string }) => b.title).sort()).toEqual(
				['呐喊', '彷徨'].sort()
			);
		});

		it('serves Storage over HTTP: a streamed upload, a ranged download, a public URL', async ({
			skip
		}) => {
			if (!available) skip();
			const admin = client(status, status.SECRET_KEY);
			expect((await admin.storage.createBucket('files', { public: true })).error).toBeNull();
			const bytes = Buffer.alloc(3 * 1024 * 1024, 'gongyu ');
			const up = await admin.storage
				.from('files')
				.upload('big/three-mb.bin', bytes, { contentType: 'application/octet-stream' });
			expect(up.error).toBeNull();
			const { publicUrl } = admin.storage.from('files').getPublicUrl('big/three-mb.bin').data;
			const whole = await fetch(publicUrl);
			expect(whole.status).toBe(200);
			expect(Buffer.from(await whole.arrayBuffer()).equals(bytes)).toBe(true);
			const part = await fetch(publicUrl, { headers: { range: 'bytes=7-13' } });
			expect(part.status).toBe(206);
			expect(await part.text()).toBe('gongyu ');
			expect((await client(status, status.PUBLISHABLE_KEY).storage.listBuckets()).data).toEqual([]);
		});

		it('reads a view and calls a function', async ({ skip }) => {
			if (!available) skip();
			const anon = client(status, status.PUBLISHABLE_KEY);
			const view = await anon.from('book_titles').select('title, author').order('id');
			expect(view.data).toEqual([
				{ title: '呐喊', author: 'Lu Xun' },
				{ title: '彷徨', author: 'Lu Xun' },
				{ title: '繁星', author: 'Bing Xin' }
			]);
			const count = await anon.rpc('count_books', { author: 'Lu Xun' });
			expect(count).toMatchObject({ data: 2, error: null });
		});

		it('signs up, signs in, and lets RLS allow the owner and deny anon', async ({ skip }) => {
			if (!available) skip();
			const user = client(status, status.PUBLISHABLE_KEY);
			const signUp = await user.auth.signUp({
				email: 'writer@example.com',
				password: 'a-long-password'
			});
			expect(signUp.error).toBeNull();
			const signIn = await user.auth.signInWithPassword({
				email: 'writer@example.com',
				password: 'a-long-password'
			});
			expect(signIn.error).toBeNull();
			const insert = await user
				.from('authors')
				.insert({ name: 'Ba Jin' })
				.select('name, owner')
				.single();
			expect(insert.error).toBeNull();
			expect(insert.data!.owner).toBe(signIn.data.user!.id);

			const denied = await client(status, status.PUBLISHABLE_KEY)
				.from('authors')
				.insert({ name: 'Lao She' });
			expect(denied.error?.code).toBe('42501');
			const names = await client(status, status.SECRET_KEY).from('authors').select('name');
			expect(names.data!.map((r) => r.name)).not.toContain('Lao She');
		});

		it('sends CORS headers to a browser on localhost', async ({ skip }) => {
			if (!available) skip();
			const preflight = await fetch(`${status.API_URL}/rest/v1/authors`, {
				method: 'OPTIONS',
				headers: { origin: 'http://localhost:5173', 'access-control-request-method': 'GET' }
			});
			expect(preflight.status).toBeLessThan(300);
			expect(preflight.headers.get('access-control-allow-origin')).toBe('http://localhost:5173');
		});

		// Only a server database can be changed from outside the running command.
		if (backend !== 'postgres') return;
		it('sees a new table after notify pgrst, reload schema', async ({ skip }) => {
			if (!available) skip();
			const anon = client(status, status.PUBLISHABLE_KEY);
			const before = await anon.from('shelves').select('*');
			expect(before.error?.code).toBe('PGRST205');
			const db = new pg.Client({ connectionString: database!.url });
			await db.connect();
			await db.query(`create table public.shelves (id int primary key); grant select on public.shelves to anon;
			insert into public.shelves values (7); notify pgrst, 'reload schema';`);
			await db.end();
			let after = await anon.from('shelves').select('*');
			for (let i = 0; i < 20 && after.error; i++) {
				await new Promise((r) => setTimeout(r, 100));
				after = await anon.from('shelves').select('*');
			}
			expect(after).toMatchObject({ data: [{ id: 7 }], error: null });
		});
	}
);
