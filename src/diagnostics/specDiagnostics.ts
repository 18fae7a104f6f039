/**
 * Problems of a network file as text ranges: JSON syntax errors, spec errors and shape errors, each
 * placed on the property or layer it concerns. Pure (no `vscode`), so it is unit-tested in Node; the
 * extension turns the results into diagnostics in the Problems panel.
 */
import { findNodeAtLocation, getNodeValue, parseTree, printParseErrorCode, type Node, type ParseError } from 'jsonc-parser';
import { checkSpec, inferShapes, type NetworkSpec, type SpecPath } from '../engine/spec';

/** One problem, as offsets into the text. */
export interface TextProblem {
  start: number;
  end: number;
  message: string;
  severity: 'error' | 'warning';
}

/** The node a path points to, or the deepest existing ancestor (for a missing property). */
function nodeFor(root: Node, path: SpecPath): { node: Node; exact: boolean } {
  for (let n = path.length; n >= 0; n--) {
    const node = findNodeAtLocation(root, path.slice(0, n));
    if (node) return { node, exact: n === path.length };
  }
  return { node: root, exact: false };
}

function firstLineEnd(text: string, start: number, end: number): number {
  const nl = text.indexOf('\n', start);
  return nl < 0 || nl > end ? end : nl;
}

/** Range for a problem at `path`: the property (key and value), or the first line of an object. */
function rangeFor(text: string, root: Node, path: SpecPath): { start: number; end: number } {
  const { node, exact } = nodeFor(root, path);
  const target = exact && node.parent?.type === 'property' ? node.parent : node;
  if (target.type === 'object' || target.type === 'array' || (target.type === 'property' && target.children?.[1]?.type === 'object')) {
    return { start: target.offset, end: firstLineEnd(text, target.offset, target.offset + target.length) };
  }
  return { start: target.offset, end: target.offset + target.length };
}

/** Every problem of a network file's text. */
export function specProblems(text: string): TextProblem[] {
  const errors: ParseError[] = [];
  const root = parseTree(text, errors, { allowTrailingComma: false, disallowComments: false });
  if (errors.length || !root) {
    return errors.map((e) => ({
      start: e.offset,
      end: e.offset + Math.max(1, e.length),
      message: `JSON: ${printParseErrorCode(e.error)}`,
      severity: 'error' as const,
    }));
  }
  const value: unknown = getNodeValue(root);
  const problems = checkSpec(value);
  const all = problems.length ? problems : inferShapes(value as NetworkSpec).problems;
  return all.map((p) => ({ ...rangeFor(text, root, p.path), message: p.message, severity: 'error' as const }));
}
