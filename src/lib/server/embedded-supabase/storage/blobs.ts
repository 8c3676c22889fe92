/**
 * Object bytes on disk. A file is named by the version the server gave it (a UUID), never by its
 * key, so no key can reach outside the directory. Bytes arrive as a stream into a temporary file
 * (counted and hashed as they pass, refused past the size limit without being read further), then
 * are renamed into place under their version before the row that points to them commits; a write
 * whose commit fails removes its file, and a version replaced or deleted is removed after the
 * commit that let it go. Readers open the version their row names: an overwrite never mixes bytes.
 */
import { createHash, randomUUID } from 'node:crypto';
import { once } from 'node:events';
import { createWriteStream } from 'node:fs';
import {
	copyFile,
	mkdir,
	open,
	readdir,
	readFile,
	rename,
	rm,
	stat,
	unlink,
	writeFile,
	type FileHandle
} from 'node:fs/promises';
import { join } from 'node:path';
import { Readable, Transform } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { StorageError, storageErrors } from './errors';

const VERSION = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

export interface Received {
	/** The temporary file holding the bytes, until `place` or `discard`. */
	tmp: string;
	size: number;
	/** Storage's ETag: the MD5 of the bytes, quoted. */
	etag: string;
}

export class BlobStore {
	constructor(readonly root: string) {}

	private tmpDir() {
		return join(this.root, '.tmp');
	}

	pathOf(version: string): string {
		if (!VERSION.test(version)) throw new Error(`not a version: ${version}`);
		return join(this.root, version.slice(0, 2), version);
	}

	/** Streams `body` to a temporary file, refusing it (EntityTooLarge) past `limit` bytes. */
	async receive(body: Readable, limit: number): Promise<Received> {
		await mkdir(this.tmpDir(), { recursive: true });
		const tmp = join(this.tmpDir(), randomUUID());
		const hash = createHash('md5');
		let size = 0;
		const count = new Transform({
			transform(chunk: Buffer, _encoding, done) {
				size += chunk.length;
				if (size > limit) return done(storageErrors.entityTooLarge());
				hash.update(chunk);
				done(null, chunk);
			}
		});
		const file = createWriteStream(tmp, { flags: 'wx' });
		try {
			await pipeline(body, count, file);
		} catch (error) {
			body.destroy();
			// A body that fails at once fails before the file has opened: wait until it is closed,
			// or the file would appear after the removal below and stay behind.
			if (!file.closed) await once(file, 'close').catch(() => {});
			await rm(tmp, { force: true });
			// The disk's own failures are the server's; anything else is the body's (cut short).
			if (error instanceof StorageError || (error as NodeJS.ErrnoException).syscall) throw error;
			throw storageErrors.invalidRequest('The upload was cut short');
		}
		return { tmp, size, etag: `"${hash.digest('hex')}"` };
	}

	/**
	 * What a crash can leave: temporary files, and versions placed whose row never committed. Both
	 * are removed once older than `graceMs` (no write takes that long); `live` says which of a batch
	 * of versions rows still point to.
	 */
	async sweep(
		live: (versions: string[]) => Promise<Set<string>>,
		graceMs = 60 * 60 * 1000
	): Promise<number> {
		const before = Date.now() - graceMs;
		const old = async (path: string) => (await stat(path).catch(() => null))?.mtimeMs ?? Infinity;
		let removed = 0;
		for (const name of await readdir(this.tmpDir()).catch(() => [] as string[])) {
			const path = join(this.tmpDir(), name);
			if ((await old(path)) < before) {
				await rm(path, { force: true });
				removed++;
			}
		}
		const candidates: string[] = [];
		for (const shard of await readdir(this.root).catch(() => [] as string[])) {
			if (!/^[0-9a-f]{2}$/.test(shard)) continue;
			for (const version of await readdir(join(this.root, shard)).catch(() => [] as string[])) {
				if (VERSION.test(version) && (await old(this.pathOf(version))) < before) {
					candidates.push(version);
				}
			}
		}
		for (let i = 0; i < candidates.length; i += 500) {
			const batch = candidates.slice(i, i + 500);
			const kept = await live(batch);
			const gone = batch.filter((v) => !kept.has(v));
			await this.remove(gone);
			removed += gone.length;
		}
		return removed;
	}

	/** A copy of a stored version as a new temporary file (for `copy`). */
	async duplicate(version: string): Promise<string> {
		await mkdir(this.tmpDir(), { recursive: true });
		const tmp = join(this.tmpDir(), randomUUID());
		await copyFile(this.pathOf(version), tmp);
		return tmp;
	}

	/** Moves a received file to its version's place. */
	async place(tmp: string, version: string): Promise<void> {
		const target = this.pathOf(version);
		await mkdir(join(this.root, version.slice(0, 2)), { recursive: true });
		await rename(tmp, target);
	}

	async discard(tmp: string): Promise<void> {
		await rm(tmp, { force: true });
	}

	/** Removes versions no row points to any more, and their renderings; gone already is fine. */
	async remove(versions: (string | null | undefined)[]): Promise<void> {
		await Promise.all(
			versions
				.filter((v): v is string => typeof v === 'string' && VERSION.test(v))
				.map(async (v) => {
					await unlink(this.pathOf(v)).catch((error: NodeJS.ErrnoException) => {
						if (error.code !== 'ENOENT') throw error;
					});
					await rm(this.rendersOf(v), { recursive: true, force: true });
				})
		);
	}

	private rendersOf(version: string): string {
		if (!VERSION.test(version)) throw new Error(`not a version: ${version}`);
		return join(this.root, '.renders', version);
	}

	private renderPath(version: string, variant: string): string {
		if (!/^[a-z0-9.-]+$/.test(variant)) throw new Error(`not a variant: ${variant}`);
		return join(this.rendersOf(version), variant);
	}

	/** A kept rendering of a version (small: read whole), or null. */
	async readRender(version: string, variant: string): Promise<Buffer | null> {
		try {
			return await readFile(this.renderPath(version, variant));
		} catch {
			return null;
		}
	}

	/** Keeps a rendering; written aside and renamed, so a reader never sees half of one. */
	async keepRender(version: string, variant: string, bytes: Buffer): Promise<void> {
		const target = this.renderPath(version, variant);
		await mkdir(this.rendersOf(version), { recursive: true });
		const tmp = `${target}.${randomUUID()}.tmp`;
		await writeFile(tmp, bytes);
		await rename(tmp, target);
	}

	/**
	 * An open handle on a version's bytes, or null when the file is gone (an overwrite or a
	 * delete committed since the row was read: the caller reads the row again). Once open, the
	 * bytes stay readable to the end even if the version is removed meanwhile.
	 */
	async open(version: string): Promise<{ handle: FileHandle; size: number } | null> {
		try {
			const handle = await open(this.pathOf(version), 'r');
			return { handle, size: (await handle.stat()).size };
		} catch (error) {
			if ((error as NodeJS.ErrnoException).code === 'ENOENT') return null;
			throw error;
		}
	}

	/** The bytes of an open version (`start`..`end` inclusive) as a web stream; closes the handle. */
	stream(handle: FileHandle, range: { start: number; end: number }): ReadableStream<Uint8Array> {
		const stream = handle.createReadStream({
			...range,
			autoClose: true,
			highWaterMark: 1024 * 1024
		});
		return Readable.toWeb(stream) as ReadableStream<Uint8Array>;
	}
}
