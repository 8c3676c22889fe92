/**
 * A page that answers a form (an element marked `data-feedback`, with tabindex="-1") may come back
 * scrolled to the form's fragment, its message above the fold: bring it into view and move the
 * focus to it, so it is seen and read out. The same rule as `revealFeedback` in $lib/forms for
 * pages that hydrate.
 */
export function revealFeedbackNow(): void {
	const feedback = document.querySelector<HTMLElement>('[data-feedback]');
	if (!feedback) return;
	const box = feedback.getBoundingClientRect();
	if (box.top < 0 || box.bottom > window.innerHeight) feedback.scrollIntoView({ block: 'center' });
	feedback.focus({ preventScroll: true });
}
