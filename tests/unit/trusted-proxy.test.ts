/**
 * `supabase:local --trusted-proxy`: the visitor an app server names in X-Forwarded-For counts only
 * when the request comes from a trusted address; from anyone else the header is ignored.
 */
import { describe, expect, it } from 'vitest';
import { callerOf, trustedProxies } from '../../src/lib/server/embedded-supabase/trusted-proxy';

describe('trusted proxy', () => {
	const trusted = trustedProxies(' 10.0.0.5, 10.0.0.6 ');

	it('a trusted app server names its visitor (the last address) and is not charged itself', () => {
		expect(callerOf('10.0.0.5', '198.51.100.1, 203.0.113.9', trusted)).toEqual({
			clientAddress: '203.0.113.9',
			appServer: true
		});
		expect(callerOf('::ffff:10.0.0.6', '203.0.113.9', trusted)).toEqual({
			clientAddress: '203.0.113.9',
			appServer: true
		});
		// The server's own jobs name nobody.
		expect(callerOf('10.0.0.5', undefined, trusted)).toEqual({
			clientAddress: null,
			appServer: true
		});
	});

	it('anyone else is counted by its own address, whatever X-Forwarded-For says', () => {
		for (const socket of ['127.0.0.1', '10.0.0.50', '::ffff:10.0.0.7']) {
			expect(callerOf(socket, '203.0.113.9', trusted)).toEqual({ clientAddress: socket });
		}
		expect(callerOf('10.0.0.5', '203.0.113.9', trustedProxies(undefined))).toEqual({
			clientAddress: '10.0.0.5'
		});
	});
});
