/** 候补转正 — a place opened up and the waitlisted family is now confirmed (same content as a confirmation). */
import { registrationConfirmed } from './registration-confirmed';
import type { EmailContext, RenderOptions, RenderedMessage } from './layout';

const copy = {
	'zh-CN': {
		subject: (title: string) => `候补成功，报名已确认：${title}`,
		intro: '好消息！活动有名额空出，您家的候补报名已转为正式报名。'
	},
	en: {
		subject: (title: string) => `A place opened up — you are confirmed: ${title}`,
		intro:
			'Good news! A place opened up and your family has moved from the waitlist to a confirmed registration.'
	}
};

export function waitlistPromoted(
	context: EmailContext,
	options: RenderOptions
): Promise<RenderedMessage> {
	return registrationConfirmed(context, options, copy[context.locale]);
}
