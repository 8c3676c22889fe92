/**
 * 现场报名 — staff registered the family at the event's door and checked it in. The confirmation's
 * body, saying how to find the registration: sign in with this email address.
 */
import { registrationConfirmed } from './registration-confirmed';
import type { EmailContext, RenderOptions, RenderedMessage } from './layout';

const copy = {
	'zh-CN': {
		subject: (title: string) => `现场报名成功：${title}`,
		intro:
			'工作人员已在活动现场为您家报名并签到。用本邮箱地址登录共育，就能在“我的家庭”中看到这次报名，以后也可以直接在网上报名。'
	},
	en: {
		subject: (title: string) => `Registered at the door: ${title}`,
		intro:
			'Staff registered your family at the door and checked you in. Sign in to Gongyu with this email address to see the registration in “My family” and to register online next time.'
	}
};

export function walkInRegistered(
	context: EmailContext,
	options: RenderOptions
): Promise<RenderedMessage> {
	return registrationConfirmed(context, options, copy[context.locale]);
}
