/**
 * The embedded Storage's pure rules: which keys and bucket names it accepts, how it reads a byte
 * range, a MIME list with wildcards, a size with units and the options of an image transformation.
 */
import { describe, expect, it } from 'vitest';
import {
	parseFileSize,
	parseMimeTypes
} from '../../src/lib/server/embedded-supabase/storage/buckets';
import {
	bucketAndKey,
	isValidBucketName,
	isValidKey
} from '../../src/lib/server/embedded-supabase/storage/names';
import { mimeAllowed } from '../../src/lib/server/embedded-supabase/storage/objects';
import { parseRange } from '../../src/lib/server/embedded-supabase/storage/serve';
import {
	fileSizeLimitFromConfig,
	storageDirName
} from '../../src/lib/server/embedded-supabase/storage';
import { parseTransform } from '../../src/lib/server/embedded-supabase/storage/transform';

describe('object keys and bucket names', () => {
	it.each([
		'a.txt',
		'folder/sub/file name (1).png',
		"uuid-1234/it's+ok=yes;@$&,:?!*.pdf",
		'.hidden/x'
	])('accepts %s', (key) => expect(isValidKey(key)).toBe(true));

	it.each([
		'',
		'../etc/passwd',
		'a/../b',
		'a/./b',
		'/leading',
		'trailing/',
		'double//slash',
		'..',
		'nul\u0000byte',
		'back\\slash',
		'你好.txt',
		'%2e%2e/x',
		'a'.repeat(1025)
	])('refuses %j', (key) => expect(isValidKey(key)).toBe(false));

	it('refuses bucket names with a slash, dots alone or over 100 characters', () => {
		expect(isValidBucketName('covers')).toBe(true);
		expect(isValidBucketName('a/b')).toBe(false);
		expect(isValidBucketName('..')).toBe(false);
		expect(isValidBucketName('x'.repeat(101))).toBe(false);
	});

	it('decodes a URL path once and validates both halves', () => {
		expect(bucketAndKey('covers/a%20b/c.png')).toEqual({ bucket: 'covers', key: 'a b/c.png' });
		expect(() => bucketAndKey('covers/..%2Fsecret')).toThrow(/Invalid key/);
		expect(() => bucketAndKey('covers/%E0%A4%A')).toThrow(/Invalid key/);
		expect(() => bucketAndKey('covers')).toThrow(/Invalid key/);
		expect(() => bucketAndKey('..%2Fx/a.txt')).toThrow(/Bucket name invalid/);
	});
});

describe('byte ranges', () => {
	it('reads one range, a suffix and an open end', () => {
		expect(parseRange(null, 10)).toBeNull();
		expect(parseRange('bytes=0-0', 10)).toEqual({ start: 0, end: 0 });
		expect(parseRange('bytes=2-100', 10)).toEqual({ start: 2, end: 9 });
		expect(parseRange('bytes=-4', 10)).toEqual({ start: 6, end: 9 });
		expect(parseRange('bytes=-40', 10)).toEqual({ start: 0, end: 9 });
		expect(parseRange('bytes=5-', 10)).toEqual({ start: 5, end: 9 });
		expect(parseRange('bytes=0-1,4-5', 10)).toBeNull();
	});

	it.each(['bytes=10-', 'bytes=5-2', 'bytes=-0', 'bytes=-', 'items=0-1', 'bytes=a-b'])(
		'refuses %s with 416',
		(header) => {
			expect(() => parseRange(header, 10)).toThrow(expect.objectContaining({ httpStatus: 416 }));
		}
	);
});

describe('bucket limits', () => {
	it('matches MIME types exactly or by wildcard, ignoring parameters and case', () => {
		expect(mimeAllowed(null, 'text/html')).toBe(true);
		expect(mimeAllowed([], 'text/html')).toBe(true);
		expect(mimeAllowed(['image/*'], 'image/webp')).toBe(true);
		expect(mimeAllowed(['image/*'], 'IMAGE/PNG')).toBe(true);
		expect(mimeAllowed(['image/*'], 'text/plain')).toBe(false);
		expect(mimeAllowed(['text/plain'], 'text/plain;charset=UTF-8')).toBe(true);
		expect(mimeAllowed(['text/plain'], 'text/plainx')).toBe(false);
		expect(mimeAllowed(['application/pdf'], 'application/*')).toBe(false);
	});

	it('reads sizes with units as the Supabase CLI does', () => {
		expect(parseFileSize(1024)).toBe(1024);
		expect(parseFileSize('5MB')).toBe(5_000_000);
		expect(parseFileSize('50MiB')).toBe(50 * 1024 * 1024);
		expect(parseFileSize('1 kb')).toBe(1000);
		expect(parseFileSize(null)).toBeNull();
		expect(() => parseFileSize('lots')).toThrow();
		expect(() => parseFileSize(-1)).toThrow();
		expect(fileSizeLimitFromConfig({ storage: { file_size_limit: '2MiB' } })).toBe(2 * 1024 * 1024);
		expect(fileSizeLimitFromConfig({})).toBeUndefined();
		expect(() => fileSizeLimitFromConfig({ storage: { file_size_limit: 'big' } })).toThrow(
			/config.toml/
		);
	});

	it('accepts MIME lists of types or type/*, nothing else', () => {
		expect(parseMimeTypes(['image/*', 'application/pdf'])).toEqual(['image/*', 'application/pdf']);
		expect(() => parseMimeTypes(['*'])).toThrow();
		expect(() => parseMimeTypes('image/*')).toThrow();
	});
});

describe('where a server database keeps its bytes', () => {
	it('is one directory per database, named safely', () => {
		expect(storageDirName('postgresql://postgres@127.0.0.1:5432/gongyu')).toBe('storage-gongyu');
		expect(storageDirName('postgresql://u:p@db/my%20db?sslmode=require')).toBe('storage-my_db');
		expect(storageDirName('postgresql://db/../../etc')).toBe('storage-etc');
		expect(storageDirName('postgresql://db')).toBe('storage-postgres');
		expect(storageDirName('host=db dbname=x')).toBe('storage-postgres');
	});
});

describe('transformation options', () => {
	it('defaults to cover at quality 80 and bounds every number', () => {
		expect(parseTransform(new URLSearchParams('width=800'))).toEqual({
			width: 800,
			height: undefined,
			resize: 'cover',
			quality: 80
		});
		expect(parseTransform(new URLSearchParams('format=origin&resize=fill'))).toMatchObject({
			format: 'origin',
			resize: 'fill'
		});
		for (const bad of [
			'width=0',
			'width=2501',
			'height=1.5',
			'quality=19',
			'resize=crop',
			'format=png'
		]) {
			expect(() => parseTransform(new URLSearchParams(bad)), bad).toThrow();
		}
	});
});
