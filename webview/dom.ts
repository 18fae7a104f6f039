/**
 * Small DOM builders. Text always goes in through `textContent`, never as HTML, so strings from a
 * run (layer ids, error messages) cannot inject markup.
 */

/** Attributes, classes and text of an element built by `el`. */
export interface ElOptions {
  id?: string;
  className?: string;
  text?: string;
  attrs?: Record<string, string>;
}

/** Creates an element with the given options and children. */
export function el<K extends keyof HTMLElementTagNameMap>(
  tag: K,
  opts: ElOptions = {},
  children: (Node | string)[] = [],
): HTMLElementTagNameMap[K] {
  const e = document.createElement(tag);
  if (opts.id) e.id = opts.id;
  if (opts.className) e.className = opts.className;
  if (opts.text !== undefined) e.textContent = opts.text;
  for (const [k, v] of Object.entries(opts.attrs ?? {})) e.setAttribute(k, v);
  for (const c of children) e.append(c);
  return e;
}

/** Sets an element's text only when it changed (avoids needless layout and screen-reader noise). */
export function setText(e: Element, text: string): void {
  if (e.textContent !== text) e.textContent = text;
}

/**
 * Shows or hides an element, touching the DOM only on a change: the panel re-renders several times
 * a second while a run streams, and re-setting an attribute to its value still makes the renderer
 * recompute styles.
 */
export function setHidden(e: HTMLElement, hidden: boolean): void {
  if (e.hidden !== hidden) e.hidden = hidden;
}

/** Enables or disables a control, touching the DOM only on a change (see setHidden). */
export function setDisabled(e: HTMLButtonElement | HTMLInputElement | HTMLSelectElement, disabled: boolean): void {
  if (e.disabled !== disabled) e.disabled = disabled;
}

/** Sets an attribute, touching the DOM only on a change (see setHidden). */
export function setAttr(e: Element, name: string, value: string): void {
  if (e.getAttribute(name) !== value) e.setAttribute(name, value);
}
