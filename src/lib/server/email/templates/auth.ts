/**
 * The sign-in email: the 6-digit code, large, and a link to the app's own /auth/confirm, where the
 * server exchanges the token hash for a session (so the link works in whichever browser opens it,
 * e.g. a WeChat in-app browser, with no PKCE verifier needed). Chinese first, English second.
 */
import type { AuthEmail } from '../../embedded-supabase/env';

export type EmailLocale = 'zh-CN' | 'en';

export interface RenderedEmail {
	subject: string;
	html: string;
	text: string;
}

const copy = {
	'zh-CN': {
		subject: (code: string) => `共育登录验证码：${code}`,
		subjectEmailChange: '共育：确认您的新邮箱地址',
		greeting: '您好！',
		intro: '您正在登录共育（家校社协同育人活动预约平台）。请在登录页面输入下面的 6 位验证码：',
		introEmailChange: '请确认这是您在共育使用的新邮箱地址。验证码：',
		or: '或者点击下面的按钮直接登录：',
		button: '登录共育',
		buttonEmailChange: '确认新邮箱',
		linkFallback: '如果按钮无法点击，请把这个链接复制到浏览器中打开：',
		expiry: (minutes: number) => `验证码和链接在 ${minutes} 分钟内有效，只能使用一次。`,
		ignore: '如果这不是您本人的操作，请忽略这封邮件，您的账户不会有任何变化。',
		signature: '共育 · 家校社协同育人'
	},
	en: {
		subject: (code: string) => `Your Gongyu sign-in code: ${code}`,
		subjectEmailChange: 'Gongyu: confirm your new email address',
		greeting: 'Hello,',
		intro:
			'You are signing in to Gongyu (event booking for home–school–community co-education). Enter this 6-digit code on the sign-in page:',
		introEmailChange: 'Please confirm this is your new email address for Gongyu. Your code:',
		or: 'Or sign in directly with this button:',
		button: 'Sign in to Gongyu',
		buttonEmailChange: 'Confirm new email',
		linkFallback: 'If the button does not work, copy this link into your browser:',
		expiry: (minutes: number) =>
			`The code and the link are valid for ${minutes} minutes and can be used once.`,
		ignore: 'If you did not ask for this, ignore this email: nothing changes on your account.',
		signature: 'Gongyu · home–school–community co-education'
	}
} as const;

function escapeHtml(value: string): string {
	return value
		.replaceAll('&', '&amp;')
		.replaceAll('<', '&lt;')
		.replaceAll('>', '&gt;')
		.replaceAll('"', '&quot;')
		.replaceAll("'", '&#39;');
}

/** The path to return to after sign-in: the redirect the app asked for, if it is on this site. */
function nextPath(redirectTo: string, appOrigin: string): string {
	try {
		const url = new URL(redirectTo, appOrigin);
		if (url.origin !== new URL(appOrigin).origin) return '/';
		// The app asks auth to redirect to /auth/confirm?next=…; keep only that inner target.
		if (url.pathname === '/auth/confirm') return url.searchParams.get('next') ?? '/';
		return `${url.pathname}${url.search}`;
	} catch {
		return '/';
	}
}

/** The link in the email: the app's confirm route with the token hash. */
export function confirmLink(email: AuthEmail, appOrigin: string): string {
	const origin = appOrigin.replace(/\/$/, '');
	const type = email.type === 'magiclink' || email.type === 'signup' ? 'email' : email.type;
	const params = new URLSearchParams({
		token_hash: email.tokenHash,
		type,
		next: nextPath(email.redirectTo, origin)
	});
	return `${origin}/auth/confirm?${params}`;
}

export function renderAuthEmail(
	email: AuthEmail,
	locale: EmailLocale,
	appOrigin: string,
	expiryMinutes = 60
): RenderedEmail {
	const t = copy[locale] ?? copy['zh-CN'];
	const change = email.type === 'email_change';
	const codeOnly = email.type === 'reauthentication';
	const link = confirmLink(email, appOrigin);
	const subject = change ? t.subjectEmailChange : t.subject(email.token);
	const intro = change ? t.introEmailChange : t.intro;
	const button = change ? t.buttonEmailChange : t.button;
	const spacedCode = email.token.split('').join(' ');

	const text = [
		t.greeting,
		'',
		intro,
		'',
		`    ${email.token}`,
		'',
		// A reauthentication code is typed where it was asked for: it has no link.
		...(codeOnly ? [] : [t.or, link, '']),
		t.expiry(expiryMinutes),
		t.ignore,
		'',
		t.signature,
		''
	].join('\n');

	const font =
		"font-family:-apple-system,'PingFang SC','Noto Sans CJK SC','Microsoft YaHei',Helvetica,Arial,sans-serif";
	const html = `<!doctype html>
<html lang="${locale}">
<head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1"><title>${escapeHtml(subject)}</title></head>
<body style="margin:0;padding:0;background:#f5f5f4;${font};color:#1c1917;">
<div style="max-width:520px;margin:0 auto;padding:24px 16px;">
<p style="margin:0 0 16px;font-size:20px;font-weight:700;color:#9a3412;">共育 Gongyu</p>
<div style="background:#ffffff;border-radius:12px;padding:24px;border:1px solid #e7e5e4;">
<p style="margin:0 0 12px;font-size:17px;">${escapeHtml(t.greeting)}</p>
<p style="margin:0 0 16px;font-size:17px;line-height:1.6;">${escapeHtml(intro)}</p>
<p style="margin:0 0 20px;text-align:center;"><span style="display:inline-block;padding:12px 20px;background:#fef5f2;border:2px solid #fed7c7;border-radius:10px;font-size:36px;font-weight:700;letter-spacing:8px;font-family:Menlo,Consolas,monospace;color:#1c1917;" aria-label="${escapeHtml(spacedCode)}">${escapeHtml(email.token)}</span></p>
${
	codeOnly
		? ''
		: `<p style="margin:0 0 12px;font-size:17px;line-height:1.6;">${escapeHtml(t.or)}</p>
<p style="margin:0 0 20px;text-align:center;"><a href="${escapeHtml(link)}" style="display:inline-block;padding:14px 28px;background:#9a3412;color:#ffffff;border-radius:10px;font-size:18px;font-weight:700;text-decoration:none;">${escapeHtml(button)}</a></p>
<p style="margin:0 0 8px;font-size:14px;color:#57534e;line-height:1.5;">${escapeHtml(t.linkFallback)}<br><a href="${escapeHtml(link)}" style="color:#9a3412;word-break:break-all;">${escapeHtml(link)}</a></p>`
}
<p style="margin:16px 0 0;font-size:14px;color:#57534e;line-height:1.5;">${escapeHtml(t.expiry(expiryMinutes))}<br>${escapeHtml(t.ignore)}</p>
</div>
<p style="margin:16px 0 0;font-size:13px;color:#78716c;text-align:center;">${escapeHtml(t.signature)}</p>
</div>
</body>
</html>`;
	return { subject, html, text };
}
