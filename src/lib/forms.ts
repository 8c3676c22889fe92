import type { SubmitFunction } from '@sveltejs/kit';
import { tick } from 'svelte';

/**
 * For `use:enhance` on a form that should keep what was typed when the server refuses it: reports
 * while the form is on its way (to disable the button), then updates the page without resetting
 * and shows the answer (see revealFeedback).
 */
export function keepValues(onPending: (pending: boolean) => void): SubmitFunction {
	return () => {
		onPending(true);
		return async ({ update }) => {
			try {
				await update({ reset: false });
			} finally {
				onPending(false);
			}
			await revealFeedback();
		};
	};
}

/**
 * The page's answer to a form (an element marked `data-feedback`, with tabindex="-1") is often
 * above a long form whose button is at the bottom: scroll it into view when it is out of sight and
 * move the focus to it, so the answer is seen and read out where the person is.
 */
export async function revealFeedback(): Promise<void> {
	await tick();
	const feedback = document.querySelector<HTMLElement>('[data-feedback]');
	if (!feedback) return;
	const box = feedback.getBoundingClientRect();
	if (box.top < 0 || box.bottom > window.innerHeight) {
		feedback.scrollIntoView({ block: 'center' });
	}
	feedback.focus({ preventScroll: true });
}
