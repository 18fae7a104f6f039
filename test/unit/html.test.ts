import assert from 'node:assert/strict';
import { escapeHtml, makeNonce, panelCsp, panelHtml } from '../../src/panels/html';

const CSP_SOURCE = 'https://*.vscode-cdn.net';
const OPTS = {
  cspSource: CSP_SOURCE,
  nonce: 'abcDEF0123456789abcDEF0123456789',
  scriptUri: 'https://file+.vscode-resource.vscode-cdn.net/ext/dist/webview.js',
  styleUri: 'https://file+.vscode-resource.vscode-cdn.net/ext/media/panel.css',
  title: 'Scratchnet: two-layer',
};

/** The content of the CSP meta tag. */
function csp(html: string): string {
  const m = /<meta http-equiv="Content-Security-Policy" content="([^"]*)">/.exec(html);
  assert.ok(m, 'a CSP meta tag');
  return m[1];
}

/** The directives of a policy, by name. */
function directives(policy: string): Map<string, string[]> {
  const out = new Map<string, string[]>();
  for (const d of policy
    .split(';')
    .map((s) => s.trim())
    .filter(Boolean)) {
    const [name, ...values] = d.split(/\s+/);
    out.set(name, values);
  }
  return out;
}

describe('panel html', () => {
  it('has a strict Content-Security-Policy', () => {
    const html = panelHtml(OPTS);
    const d = directives(csp(html));
    assert.deepEqual(d.get('default-src'), ["'none'"]);
    assert.deepEqual(d.get('img-src'), [CSP_SOURCE, 'data:']);
    assert.deepEqual(d.get('style-src'), [CSP_SOURCE]);
    assert.deepEqual(d.get('script-src'), [`'nonce-${OPTS.nonce}'`]);
    assert.deepEqual(d.get('font-src'), [CSP_SOURCE]);
    assert.equal(d.size, 5);
    assert.doesNotMatch(html, /unsafe-inline|unsafe-eval/);
    assert.equal(csp(html), panelCsp(CSP_SOURCE, OPTS.nonce));
  });

  it('the CSP meta tag comes before anything that loads', () => {
    const html = panelHtml(OPTS);
    const at = html.indexOf('Content-Security-Policy');
    assert.ok(at > 0 && at < html.indexOf('<link') && at < html.indexOf('<script'));
  });

  it('loads one script, with the nonce, and one stylesheet', () => {
    const html = panelHtml(OPTS);
    const scripts = [...html.matchAll(/<script\b([^>]*)>/g)];
    assert.equal(scripts.length, 1);
    assert.match(scripts[0][1], new RegExp(`nonce="${OPTS.nonce}"`));
    assert.match(scripts[0][1], new RegExp(`src="${OPTS.scriptUri.replace(/[.+*]/g, '\\$&')}"`));
    assert.equal([...html.matchAll(/<link\b[^>]*rel="stylesheet"[^>]*>/g)].length, 1);
    assert.ok(html.includes(`href="${OPTS.styleUri}"`));
  });

  it('has no inline styles or inline event handlers', () => {
    const html = panelHtml(OPTS);
    assert.doesNotMatch(html, /\sstyle\s*=/i);
    assert.doesNotMatch(html, /<style\b/i);
    assert.doesNotMatch(html, /\son[a-z]+\s*=/i);
  });

  it('references no remote URLs besides the webview resources it is given', () => {
    const html = panelHtml({
      ...OPTS,
      scriptUri: 'vscode-resource:/dist/webview.js',
      styleUri: 'vscode-resource:/media/panel.css',
      cspSource: 'vscode-resource:',
    });
    assert.doesNotMatch(html, /https?:\/\//);
    assert.doesNotMatch(html, /\/\/[a-z0-9.-]+\.[a-z]{2,}/i);
  });

  it('escapes the title', () => {
    const html = panelHtml({ ...OPTS, title: 'Scratchnet: <img src=x onerror=alert(1)> & "net"' });
    assert.ok(html.includes('<title>Scratchnet: &lt;img src=x onerror=alert(1)&gt; &amp; &quot;net&quot;</title>'));
    assert.doesNotMatch(html, /<img/);
  });

  it('escapes attribute values', () => {
    const html = panelHtml({ ...OPTS, scriptUri: 'x" onload="alert(1)', styleUri: 'y"><script>alert(2)</script>' });
    assert.doesNotMatch(html, /onload="/);
    assert.equal([...html.matchAll(/<script\b/g)].length, 1);
    assert.equal(escapeHtml(`a<b>&"c"'`), `a&lt;b&gt;&amp;&quot;c&quot;'`);
  });

  it('gives the webview an #app root to build in', () => {
    assert.match(panelHtml(OPTS), /<main id="app"/);
  });

  it('tells the webview whether it is the panel or the side-bar detail view (data-mode)', () => {
    assert.match(panelHtml(OPTS), /<body data-mode="panel">/);
    assert.match(panelHtml({ ...OPTS, mode: 'panel' }), /<body data-mode="panel">/);
    assert.match(panelHtml({ ...OPTS, mode: 'detail' }), /<body data-mode="detail">/);
    const bogus = { ...OPTS, mode: '"><script>alert(1)</script>' as unknown as 'panel' };
    assert.match(panelHtml(bogus), /<body data-mode="panel">/, 'anything else is the panel');
    assert.equal([...panelHtml(bogus).matchAll(/<script\b/g)].length, 1);
  });

  it('makeNonce: 32 random base64url characters, different every time', () => {
    const nonces = new Set(Array.from({ length: 200 }, makeNonce));
    assert.equal(nonces.size, 200);
    for (const n of nonces) assert.match(n, /^[A-Za-z0-9_-]{32}$/);
  });
});
