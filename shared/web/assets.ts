// The files of a browser page (HTML template, scripts, styles), as text: built by esbuild from
// web/<page>/ at `npm run build` (inlined into the function's bundle) or on first request in
// development. Nothing here is fetched from another origin at run time.
export interface WebFile {
  contentType: string;
  body: string;
}

/** File name -> file. `index.html` is the page's template. */
export type WebBundle = Record<string, WebFile>;

export const webPages = ['playground', 'docs'] as const;
export type WebPage = (typeof webPages)[number];
