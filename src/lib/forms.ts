import type { SubmitFunction } from '@sveltejs/kit';

/**
 * For `use:enhance` on a form that should keep what was typed when the server refuses it: reports
 * while the form is on its way (to disable the button), then updates the page without resetting.
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
		};
	};
}
