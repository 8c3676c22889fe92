import type { ClientInit } from '@sveltejs/kit';
import { watchTyped } from '$lib/keep-typed';

/** Runs once, before the page hydrates: what the visitor has already typed is noted. */
export const init: ClientInit = () => watchTyped();
