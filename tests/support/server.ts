/**
 * The PostgreSQL server the tests use, and whether it answers. Kept apart from the rest of the
 * test support so the Vitest config can ask too (it adds the server project only when it does).
 */
import pg from 'pg';

export const SERVER_URL =
	process.env.TEST_DATABASE_SERVER ?? 'postgresql://postgres@127.0.0.1:5432';

let serverChecked: Promise<boolean> | null = null;

/** Whether the PostgreSQL server answers. Under CI an unreachable server is an error, never a skip. */
export function serverAvailable(): Promise<boolean> {
	serverChecked ??= (async () => {
		const client = new pg.Client({ connectionString: `${SERVER_URL}/postgres` });
		try {
			await client.connect();
			await client.end();
			return true;
		} catch (error) {
			if (process.env.CI) {
				throw new Error(`PostgreSQL at ${SERVER_URL} is unreachable under CI`, { cause: error });
			}
			return false;
		}
	})();
	return serverChecked;
}
