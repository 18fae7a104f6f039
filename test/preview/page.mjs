// The preview page: the real panel document from `panelHtml`, with what VS Code adds around a webview
// replaced by stand-ins: a fake `acquireVsCodeApi` (records posted messages, keeps getState/setState
// in sessionStorage so a reload behaves like a hidden-and-shown webview), the theme's --vscode-*
// variables, and the theme class on the body.
import * as esbuild from 'esbuild';

/** Imports src/panels/html.ts (TypeScript) by bundling it in memory. */
export async function loadPanelHtml(root) {
  const out = await esbuild.build({
    entryPoints: [`${root}/src/panels/html.ts`],
    bundle: true,
    platform: 'node',
    format: 'esm',
    write: false,
    logLevel: 'warning',
  });
  const code = out.outputFiles[0].text;
  return import(`data:text/javascript;base64,${Buffer.from(code).toString('base64')}`);
}

/** Runs in the page before the webview bundle: VS Code's webview API, faked. */
const SHIM = `
window.__posted = [];
window.acquireVsCodeApi = (() => {
  let acquired = false;
  return () => {
    if (acquired) throw new Error('acquireVsCodeApi may be called only once');
    acquired = true;
    return {
      postMessage: (m) => { window.__posted.push(JSON.parse(JSON.stringify(m))); },
      getState: () => JSON.parse(sessionStorage.getItem('vscodeState') || 'null') ?? undefined,
      setState: (s) => { sessionStorage.setItem('vscodeState', JSON.stringify(s)); return s; },
    };
  };
})();
`;

/**
 * The preview document for a theme (`dark` or `light`) and mode (`panel` or `detail`), served from
 * `origin`.
 * @param {{ panelHtml: Function, makeNonce: Function }} html the module from `loadPanelHtml`
 */
export function previewDocument(html, origin, theme, title, mode = 'panel') {
  const nonce = html.makeNonce();
  const doc = html.panelHtml({
    cspSource: origin,
    nonce,
    scriptUri: `${origin}/dist/webview.js`,
    styleUri: `${origin}/media/panel.css`,
    title,
    mode,
  });
  const themeLink = `<link rel="stylesheet" href="${origin}/theme.css">\n`;
  const shim = `<script nonce="${nonce}">${SHIM}</script>\n`;
  const bodyClass = theme === 'light' ? 'vscode-light' : 'vscode-dark';
  const out = doc
    .replace('<link rel="stylesheet"', `${themeLink}<link rel="stylesheet"`)
    .replace('<body ', `<body class="${bodyClass}" data-vscode-theme-kind="${bodyClass}" `)
    .replace(`<script nonce="${nonce}" src=`, `${shim}<script nonce="${nonce}" src=`);
  if (!out.includes(shim) || !out.includes(themeLink) || !out.includes(bodyClass)) {
    throw new Error('the panel document no longer has the shape the preview expects');
  }
  return out;
}
