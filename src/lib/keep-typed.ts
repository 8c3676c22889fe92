/**
 * What a visitor types or ticks before a slow phone's script arrives survives the page coming to
 * life. Hydrating, Svelte writes every control drawn from `value={…}` or `checked={…}` back to what
 * the server drew, which wipes a half-typed answer. So, before hydration (`watchTyped`, from the
 * client hook's init), the controls whose value the visitor has changed are noted, and every
 * change from then on; after it (`restoreTyped`, from the root layout's onMount), each noted control
 * still on the page gets its value back, with the event a visitor's change sends, so a component
 * that listens sees it too.
 */
type Control = HTMLInputElement | HTMLTextAreaElement | HTMLSelectElement;
type Kept = string | boolean | boolean[];

const kept = new Map<Control, Kept>();
let watching = false;

function isControl(node: EventTarget | null): node is Control {
	return (
		node instanceof HTMLInputElement ||
		node instanceof HTMLTextAreaElement ||
		node instanceof HTMLSelectElement
	);
}

function ticks(control: Control): boolean {
	return control instanceof HTMLInputElement && /^(checkbox|radio)$/.test(control.type);
}

/** Hidden fields and file pickers are nobody's typing (and a file input's value cannot be set). */
function typed(control: Control): boolean {
	return !(
		control instanceof HTMLInputElement && /^(hidden|file|submit|button)$/.test(control.type)
	);
}

function current(control: Control): Kept {
	if (control instanceof HTMLSelectElement) return [...control.options].map((o) => o.selected);
	return ticks(control) ? (control as HTMLInputElement).checked : control.value;
}

function changedFromServer(control: Control): boolean {
	if (control instanceof HTMLSelectElement)
		return [...control.options].some((o) => o.selected !== o.defaultSelected);
	if (ticks(control))
		return (control as HTMLInputElement).checked !== (control as HTMLInputElement).defaultChecked;
	return control.value !== control.defaultValue;
}

function note(event: Event) {
	if (watching && isControl(event.target) && typed(event.target))
		kept.set(event.target, current(event.target));
}

export function watchTyped(): void {
	watching = true;
	for (const control of document.querySelectorAll<Control>('input, textarea, select'))
		if (typed(control) && changedFromServer(control)) kept.set(control, current(control));
	document.addEventListener('input', note, true);
	document.addEventListener('change', note, true);
}

export function restoreTyped(): void {
	if (!watching) return;
	watching = false;
	document.removeEventListener('input', note, true);
	document.removeEventListener('change', note, true);
	for (const [control, value] of kept) {
		if (!control.isConnected) continue;
		const now = current(control);
		if (JSON.stringify(now) === JSON.stringify(value)) continue;
		if (control instanceof HTMLSelectElement)
			[...control.options].forEach((o, i) => (o.selected = (value as boolean[])[i] ?? false));
		else if (ticks(control)) (control as HTMLInputElement).checked = value as boolean;
		else control.value = value as string;
		const kind = ticks(control) || control instanceof HTMLSelectElement ? 'change' : 'input';
		control.dispatchEvent(new Event(kind, { bubbles: true }));
	}
	kept.clear();
}
