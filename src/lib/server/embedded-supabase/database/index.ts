export * from './types';
export { openPglite, type PgliteOptions } from './pglite';
export { openPostgres, type PostgresOptions } from './postgres';
