/**
 * The event page's island (see README, "Public pages send no JavaScript"): the page is rendered on
 * the server and hydrates nothing; with JavaScript this keeps the register form's summary up to date
 * as boxes are ticked, and sends each form on the page once (a second press does nothing while the
 * first is on its way). Without it the page works the same, the summary being the one sent last.
 */
import { revealFeedbackNow } from './feedback';

function summary(form: HTMLFormElement) {
	const boxes = [...form.querySelectorAll<HTMLInputElement>('input[type=checkbox][name=member]')];
	const line = (name: string) => form.querySelector<HTMLElement>(`[data-summary="${name}"]`);
	const maxSeats = Number(form.dataset.maxSeats);
	const seatsLeft = Number(form.dataset.seatsLeft);
	const waitlist = form.dataset.waitlist === 'true';
	// The choice the server refused: its message says it all until the choice changes.
	const refused = form.dataset.echoed?.split(' ').filter(Boolean) ?? null;

	const update = () => {
		const picked = boxes.filter((box) => box.checked);
		const ids = picked.map((box) => box.value);
		const echoed =
			refused !== null && ids.length === refused.length && ids.every((id) => refused.includes(id));
		const outside = picked.filter((box) => box.dataset.fits !== 'true');
		const tooMany = picked.length > maxSeats && !echoed;
		const chosen = line('chosen');
		if (chosen) {
			chosen.textContent = (chosen.dataset.template ?? '').replace(
				'{count}',
				String(picked.length)
			);
			chosen.hidden = picked.length === 0;
		}
		const outsideLine = line('outside');
		if (outsideLine) {
			const names = outside.map((box) => box.dataset.nickname).join(outsideLine.dataset.joiner);
			outsideLine.textContent = (outsideLine.dataset.template ?? '').replace('{names}', names);
			outsideLine.hidden = outside.length === 0 || echoed;
		}
		const tooManyLine = line('too-many');
		if (tooManyLine) tooManyLine.hidden = !tooMany;
		const waitLine = line('will-wait');
		if (waitLine)
			waitLine.hidden = tooMany || picked.length === 0 || picked.length <= seatsLeft || !waitlist;
	};
	for (const box of boxes) box.addEventListener('change', update);
}

for (const form of document.querySelectorAll<HTMLFormElement>('form[data-register-form]'))
	summary(form);

for (const form of document.querySelectorAll<HTMLFormElement>('form[data-submit-once]')) {
	form.addEventListener('submit', (event) => {
		if (form.dataset.sending) {
			event.preventDefault();
			return;
		}
		form.dataset.sending = 'true';
		form.setAttribute('aria-busy', 'true');
		for (const button of form.querySelectorAll('button')) button.disabled = true;
	});
}

// Back to a page kept in the browser's memory: its forms can be sent again.
window.addEventListener('pageshow', (event) => {
	if (!event.persisted) return;
	for (const form of document.querySelectorAll<HTMLFormElement>('form[data-sending]')) {
		delete form.dataset.sending;
		form.removeAttribute('aria-busy');
		for (const button of form.querySelectorAll('button')) button.disabled = false;
	}
});

revealFeedbackNow();
