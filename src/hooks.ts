import type { Reroute, Transport } from '@sveltejs/kit';
import { deLocalizeUrl } from '$lib/paraglide/runtime';

// The locale lives in a cookie, so URLs carry no prefix; this keeps Paraglide's URL handling in
// one place should a prefix ever be added.
export const reroute: Reroute = (request) => deLocalizeUrl(request.url).pathname;

// No custom types cross from server to client; declared so the client build finds the export it
// looks for (otherwise every build warns that it is undefined).
export const transport: Transport = {};
