/** Problems of a network file land on the right line: syntax errors, spec errors and shape errors. */
import assert from 'node:assert/strict';
import { specProblems } from '../../src/diagnostics/specDiagnostics';

function lineOf(text: string, offset: number): number {
  return text.slice(0, offset).split('\n').length;
}

describe('network file diagnostics', () => {
  it('finds nothing wrong in a valid file', () => {
    const text = JSON.stringify({ input: [784], layers: [{ type: 'affine', units: 50, activation: 'relu' }, { type: 'affine', units: 10 }] }, null, 2);
    assert.deepEqual(specProblems(text), []);
  });

  it('puts a kernel larger than its input on the kernel line of that layer', () => {
    const text = ['{', '  "input": [1, 4, 4],', '  "layers": [', '    {', '      "type": "conv",', '      "filters": 3,', '      "kernel": 5', '    },', '    { "type": "affine", "units": 10 }', '  ]', '}'].join('\n');
    const p = specProblems(text);
    assert.equal(p.length, 1);
    assert.equal(lineOf(text, p[0].start), 7);
    assert.match(p[0].message, /kernel 5×5 is larger than its input 4×4/);
  });

  it('puts an affine whose inputs do not match on its inputs property', () => {
    const text = ['{', '  "input": [784],', '  "layers": [', '    { "type": "affine", "units": 50 },', '    { "type": "affine", "inputs": 40, "units": 10 }', '  ]', '}'].join('\n');
    const p = specProblems(text);
    assert.equal(p.length, 1);
    assert.equal(lineOf(text, p[0].start), 5);
    assert.equal(text.slice(p[0].start, p[0].end), '"inputs": 40');
    assert.match(p[0].message, /expects 40 inputs but the previous layer gives \(50\)/);
  });

  it('reports spec errors at their property and a missing property at its layer', () => {
    const text = ['{', '  "input": [784],', '  "layers": [', '    { "type": "affine" },', '    { "type": "relu", "units": 3 },', '    { "type": "affine", "units": 10 }', '  ]', '}'].join('\n');
    const p = specProblems(text);
    assert.equal(p.length, 2);
    assert.equal(lineOf(text, p[0].start), 4);
    assert.match(p[0].message, /"units" is required/);
    assert.equal(lineOf(text, p[1].start), 5);
    assert.match(p[1].message, /unknown property "units"/);
  });

  it('reports JSON syntax errors where they are', () => {
    const text = '{\n  "input": [784],\n  "layers": [ { "type": "affine" "units": 10 } ]\n}';
    const p = specProblems(text);
    assert.ok(p.length >= 1);
    assert.equal(lineOf(text, p[0].start), 3);
    assert.match(p[0].message, /^JSON: /);
  });
});
