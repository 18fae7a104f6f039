/**
 * The HTML document of the training panel and of the side-bar detail view: a strict
 * Content-Security-Policy (no inline styles, no inline scripts but the one with the nonce, nothing
 * remote), the stylesheet and the webview bundle. The body holds only an empty `#app` and says which
 * of the two it is (`data-mode`); dist/webview.js builds the panel or the detail view in it.
 */
import { randomBytes } from 'node:crypto';

/** What the document needs from the webview: where resources come from and how they are named. */
export interface PanelHtmlOptions {
  /** `webview.cspSource`: the origin the webview's resources are served from. */
  cspSource: string;
  /** A fresh random nonce per document (`makeNonce`). */
  nonce: string;
  /** `asWebviewUri` of dist/webview.js. */
  scriptUri: string;
  /** `asWebviewUri` of media/panel.css. */
  styleUri: string;
  /** The document title, "Scratchnet: NAME" (escaped here). */
  title: string;
  /**
   * `panel` (default): the whole training panel; `detail`: only the selected layer's detail, for the
   * side-bar webview view.
   */
  mode?: 'panel' | 'detail';
}

/** A 32-character nonce: 24 bytes from the crypto random generator, base64url-encoded. */
export function makeNonce(): string {
  return randomBytes(24).toString('base64url');
}

const ESCAPES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;' };

/** Escapes text for HTML content and for double-quoted attribute values. */
export function escapeHtml(s: string): string {
  return s.replace(/[&<>"]/g, (c) => ESCAPES[c]);
}

/** The Content-Security-Policy of the panel. */
export function panelCsp(cspSource: string, nonce: string): string {
  return (
    [
      "default-src 'none'",
      `img-src ${cspSource} data:`,
      `style-src ${cspSource}`,
      `script-src 'nonce-${nonce}'`,
      `font-src ${cspSource}`,
    ].join('; ') + ';'
  );
}

/** The whole panel document. */
export function panelHtml(opts: PanelHtmlOptions): string {
  const e = escapeHtml;
  const mode = opts.mode === 'detail' ? 'detail' : 'panel';
  return `<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="UTF-8">
<meta http-equiv="Content-Security-Policy" content="${e(panelCsp(opts.cspSource, opts.nonce))}">
<meta name="viewport" content="width=device-width, initial-scale=1.0">
<link rel="stylesheet" href="${e(opts.styleUri)}">
<title>${e(opts.title)}</title>
</head>
<body data-mode="${mode}">
<main id="app" aria-label="${e(opts.title)}"><p class="placeholder">Loading${mode === 'detail' ? '' : ' the training panel'}…</p></main>
<script nonce="${e(opts.nonce)}" src="${e(opts.scriptUri)}"></script>
</body>
</html>
`;
}
