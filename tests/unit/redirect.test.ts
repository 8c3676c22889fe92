import { describe, expect, it } from 'vitest';
import { safeRedirectPath } from '../../src/lib/server/auth/redirect';

const origin = 'https://gongyu.example.cn';

describe('the redirect after sign-in', () => {
	it('keeps a path on this site, with its query and fragment', () => {
		expect(safeRedirectPath('/events/42?tab=info#map', origin)).toBe('/events/42?tab=info#map');
		expect(safeRedirectPath('/', origin)).toBe('/');
	});

	it('falls back to the home page when there is no target', () => {
		expect(safeRedirectPath(null, origin)).toBe('/');
		expect(safeRedirectPath(undefined, origin)).toBe('/');
		expect(safeRedirectPath('', origin)).toBe('/');
		expect(safeRedirectPath(null, origin, '/family')).toBe('/family');
	});

	it.each([
		'https://evil.example/',
		'http://gongyu.example.cn/',
		'//evil.example/path',
		'///evil.example',
		'/\\evil.example',
		'\\\\evil.example',
		'/\t/evil.example',
		'/\n/evil.example',
		'javascript:alert(1)',
		'data:text/html,hi',
		'events',
		' /events',
		'https:/evil.example'
	])('refuses %j, which could leave the site', (next) => {
		expect(safeRedirectPath(next, origin)).toBe('/');
	});

	it('refuses a target on another port of the same host', () => {
		expect(safeRedirectPath('http://localhost:4000/', 'http://localhost:3000')).toBe('/');
	});

	it('normalises dot segments but stays on the site', () => {
		expect(safeRedirectPath('/a/../../b', origin)).toBe('/b');
	});

	it('refuses an absurdly long target', () => {
		expect(safeRedirectPath(`/${'a'.repeat(5000)}`, origin)).toBe('/');
	});

	it('never returns anything that resolves off the site, whatever the input', () => {
		const samples = [
			'/%2F%2Fevil.example',
			'/%5Cevil.example',
			'/.//evil.example',
			'/..//evil.example',
			'/@evil.example',
			'/events?next=https://evil.example'
		];
		for (const next of samples) {
			const result = safeRedirectPath(next, origin);
			expect(new URL(result, origin).origin).toBe(origin);
			expect(result.startsWith('//')).toBe(false);
		}
	});
});
