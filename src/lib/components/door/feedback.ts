/**
 * A short beep and a buzz when a family is checked in, so staff at a busy door need not look at
 * the screen. The AudioContext is made during the tap that starts the camera: iOS Safari and
 * WeChat only let a page play sound it started in a user gesture. Phones without vibration (iOS)
 * simply do not buzz.
 */
let audio: AudioContext | null = null;

/** Call from a click handler. */
export function prepareFeedback(): void {
	const Context =
		globalThis.AudioContext ??
		(globalThis as unknown as { webkitAudioContext?: typeof AudioContext }).webkitAudioContext;
	if (!Context) return;
	try {
		audio ??= new Context();
		void audio.resume();
	} catch {
		audio = null;
	}
}

export function successFeedback(): void {
	navigator.vibrate?.(120);
	if (!audio) return;
	const now = audio.currentTime;
	const tone = audio.createOscillator();
	const gain = audio.createGain();
	tone.type = 'sine';
	tone.frequency.value = 1320;
	gain.gain.setValueAtTime(0.0001, now);
	gain.gain.exponentialRampToValueAtTime(0.3, now + 0.01);
	gain.gain.exponentialRampToValueAtTime(0.0001, now + 0.18);
	tone.connect(gain).connect(audio.destination);
	tone.start(now);
	tone.stop(now + 0.2);
}

/** A lower double tone for a refused code. */
export function failureFeedback(): void {
	navigator.vibrate?.([60, 60, 60]);
	if (!audio) return;
	const now = audio.currentTime;
	for (const start of [0, 0.16]) {
		const tone = audio.createOscillator();
		const gain = audio.createGain();
		tone.type = 'square';
		tone.frequency.value = 330;
		gain.gain.setValueAtTime(0.0001, now + start);
		gain.gain.exponentialRampToValueAtTime(0.15, now + start + 0.01);
		gain.gain.exponentialRampToValueAtTime(0.0001, now + start + 0.12);
		tone.connect(gain).connect(audio.destination);
		tone.start(now + start);
		tone.stop(now + start + 0.13);
	}
}
