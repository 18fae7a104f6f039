/**
 * Chart colours and fonts read from VS Code's theme variables. VS Code changes the variables and the
 * body class (`vscode-light`, `vscode-dark`, `vscode-high-contrast`, `vscode-high-contrast-light`)
 * when the user switches theme; `observeTheme` (a MutationObserver) reports that so charts can
 * re-read them.
 */

/** Colours and font a chart draws with. */
export interface ChartTheme {
  foreground: string;
  /** Grid lines: the foreground, faint. */
  grid: string;
  blue: string;
  red: string;
  green: string;
  orange: string;
  purple: string;
  yellow: string;
  /** The editor background, the zero of diverging colour maps and the low end of sequential ones. */
  background: string;
  /** Secondary text (axis notes, captions drawn on canvas). */
  description: string;
  fontFamily: string;
  fontSize: number;
}

/** Reads the current theme from the CSS variables VS Code defines. */
export function readChartTheme(target: Element = document.body): ChartTheme {
  const css = getComputedStyle(target);
  const v = (name: string, fallback: string): string => css.getPropertyValue(name).trim() || fallback;
  const foreground = v('--vscode-foreground', css.color);
  const highContrast = /\bvscode-high-contrast/.test(document.body.className);
  return {
    foreground,
    grid: highContrast
      ? v('--vscode-contrastBorder', foreground)
      : withAlpha(v('--vscode-charts-lines', foreground), 0.35),
    blue: v('--vscode-charts-blue', foreground),
    red: v('--vscode-charts-red', foreground),
    green: v('--vscode-charts-green', foreground),
    orange: v('--vscode-charts-orange', foreground),
    purple: v('--vscode-charts-purple', foreground),
    yellow: v('--vscode-charts-yellow', foreground),
    background: v('--vscode-editor-background', css.backgroundColor),
    description: v('--vscode-descriptionForeground', foreground),
    fontFamily: v('--vscode-font-family', css.fontFamily),
    fontSize: parseFloat(v('--vscode-font-size', css.fontSize)) || 13,
  };
}

/**
 * A CSS colour with its opacity multiplied by `alpha`; understands `#rgb`, `#rgba`, `#rrggbb`,
 * `#rrggbbaa` and `rgb()/rgba()`, and returns anything else unchanged.
 */
export function withAlpha(color: string, alpha: number): string {
  const c = color.trim();
  let m = /^#([0-9a-f]{3,4})$/i.exec(c);
  const hex = m
    ? m[1]
        .split('')
        .map((d) => d + d)
        .join('')
    : (/^#([0-9a-f]{6}|[0-9a-f]{8})$/i.exec(c)?.[1] ?? null);
  if (hex) {
    const n = (i: number) => parseInt(hex.slice(i, i + 2), 16);
    const a = hex.length === 8 ? n(6) / 255 : 1;
    return `rgba(${n(0)}, ${n(2)}, ${n(4)}, ${round(a * alpha)})`;
  }
  m = /^rgba?\(\s*([\d.]+)[\s,]+([\d.]+)[\s,]+([\d.]+)(?:[\s,/]+([\d.]+%?))?\s*\)$/i.exec(c);
  if (m) {
    const a = m[4] === undefined ? 1 : m[4].endsWith('%') ? parseFloat(m[4]) / 100 : parseFloat(m[4]);
    return `rgba(${m[1]}, ${m[2]}, ${m[3]}, ${round(a * alpha)})`;
  }
  return c;
}

function round(x: number): number {
  return Math.round(x * 1000) / 1000;
}

/**
 * Calls `onChange` (at most once per animation frame) when the theme may have changed: the body's
 * class or theme attributes changed, or the variables VS Code sets on the root element did (a
 * switch between two dark themes keeps the class). Returns a disposer.
 */
export function observeTheme(onChange: () => void): () => void {
  let frame = 0;
  const observer = new MutationObserver(() => {
    if (!frame) {
      frame = requestAnimationFrame(() => {
        frame = 0;
        onChange();
      });
    }
  });
  observer.observe(document.body, {
    attributes: true,
    attributeFilter: ['class', 'data-vscode-theme-id', 'data-vscode-theme-kind'],
  });
  observer.observe(document.documentElement, { attributes: true, attributeFilter: ['style'] });
  return () => {
    observer.disconnect();
    cancelAnimationFrame(frame);
  };
}
