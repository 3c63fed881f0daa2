// Replaced at `npm run build` by the built page (scripts/build/bundle.ts, plugin webAssets).
// Undefined here: the dev server builds the page from web/playground/ on first request.
import type { WebBundle } from '../assets.js';

export const prebuilt: WebBundle | undefined = undefined;
