/** Certificates: the holder's copy (under RLS) and the public verification (limited per address). */
import type { SupabaseClient } from '@supabase/supabase-js';
import type { CertificateData } from '$lib/server/pdf/certificate';

export const SERIAL = /^GY[0-9]{2}(-[0-9A-F]{4}){5}$/;

export const verifyUrl = (origin: string, serial: string) => `${origin}/certificates/${serial}`;

interface CertificateRow {
	serial: string;
	holder_name: string;
	sessions_attended: number;
	hours: number | string;
	issued_at: string;
	courses: {
		title_zh: string;
		title_en: string;
		organisations: { name_zh: string; name_en: string | null } | null;
	} | null;
}

/** A certificate the caller may read (their family's, or their course's as staff), or null. */
export async function myCertificate(
	supabase: SupabaseClient,
	serial: string,
	origin: string
): Promise<CertificateData | null> {
	if (!SERIAL.test(serial)) return null;
	const { data, error } = await supabase
		.from('course_certificates')
		.select(
			'serial, holder_name, sessions_attended, hours, issued_at, courses(title_zh, title_en, organisations(name_zh, name_en))'
		)
		.eq('serial', serial)
		.is('revoked_at', null)
		.maybeSingle();
	if (error) throw new Error(`course_certificates: ${error.code} ${error.message}`);
	const row = data as unknown as CertificateRow | null;
	if (!row?.courses?.organisations) return null;
	return certificateData(row, origin);
}

export function certificateData(row: CertificateRow, origin: string): CertificateData {
	return {
		serial: row.serial,
		holderName: row.holder_name,
		courseZh: row.courses!.title_zh,
		courseEn: row.courses!.title_en,
		organisationZh: row.courses!.organisations!.name_zh,
		organisationEn: row.courses!.organisations!.name_en ?? '',
		sessionsAttended: row.sessions_attended,
		hours: Number(row.hours),
		issuedAt: row.issued_at,
		verifyUrl: verifyUrl(origin, row.serial)
	};
}

export interface Verification {
	valid: boolean;
	limited?: boolean;
	course_zh?: string;
	course_en?: string;
	organisation_zh?: string;
	organisation_en?: string;
	initials?: string;
}

/** The public lookup through the service client, counted per client address in the database. */
export async function verifyCertificate(
	admin: SupabaseClient,
	serial: string,
	clientAddress: string
): Promise<Verification> {
	const { data, error } = await admin.rpc('verify_certificate_from', {
		p_serial: serial.slice(0, 40),
		p_client: clientAddress
	});
	if (error) throw new Error(`verify_certificate_from: ${error.code} ${error.message}`);
	return data as Verification;
}
