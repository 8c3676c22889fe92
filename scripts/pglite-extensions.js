// The extensions the app loads into PGlite (src/lib/server/embedded-supabase/database/pglite.ts):
// a data directory that uses them opens only with them.
import { btree_gist } from '@electric-sql/pglite/contrib/btree_gist';
import { citext } from '@electric-sql/pglite/contrib/citext';
import { pg_trgm } from '@electric-sql/pglite/contrib/pg_trgm';
import { pgcrypto } from '@electric-sql/pglite/contrib/pgcrypto';

export const pgliteExtensions = { btree_gist, citext, pg_trgm, pgcrypto };
