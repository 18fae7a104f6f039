/** `scratchnet gradcheck`: backpropagation against numerical gradients for every parameter of a network. */
import { gradientCheck } from '../engine/gradcheck';
import { buildNetwork } from '../engine/network';
import { findPreset } from '../engine/presets';
import { Rng } from '../engine/rng';
import { Tensor, sizeOf } from '../engine/tensor';
import { oneOf, parseFlags, positiveInt } from './args';
import { emitJson, fmt } from './output';
import { NETWORK_FLAGS, resolveSpec } from './resolve';

export function gradcheckCommand(argv: string[]): void {
  const flags = parseFlags('gradcheck', argv, { ...NETWORK_FLAGS, dtype: 'string', batch: 'int', seed: 'int', json: 'boolean' });
  const dtype = oneOf(flags, 'dtype', ['float64', 'float32'] as const, 'gradcheck') ?? 'float64';
  let spec = resolveSpec(flags, 'gradcheck');
  const preset = typeof flags.preset === 'string' ? findPreset(flags.preset) : undefined;
  if (preset?.gradcheckSpec && flags.hidden === undefined) spec = { ...preset.gradcheckSpec, training: spec.training, init: spec.init };
  const seed = (flags.seed as number | undefined) ?? 0;
  const batch = positiveInt(flags, 'batch', 'gradcheck') ?? 3; // the book checks on 3 images
  const rng = new Rng(seed + 7);
  const net = buildNetwork(spec, { dtype, seed });
  // Inputs uniform in [0, 1) like MNIST pixels; labels uniform over the classes.
  const x = Tensor.zeros([batch, ...spec.input], dtype); // (batch, ...input)
  for (let i = 0; i < x.size; i++) x.data[i] = rng.random();
  const classes = sizeOf(net.outShape);
  const t = new Int32Array(batch);
  for (let i = 0; i < batch; i++) t[i] = rng.int(classes);
  const json = flags.json === true;
  const result = gradientCheck(net, x, t, {
    onParam: (name, r) => {
      if (!json) console.log(`${name.padEnd(16)} mean |num − bp| ${fmt(r.meanAbsDiff, 3).padEnd(10)} relative error ${fmt(r.relativeError, 3)}`);
    },
  });
  const params = Object.fromEntries(Object.entries(result.params).map(([k, v]) => [k, { meanAbsDiff: v.meanAbsDiff, relativeError: v.relativeError }]));
  if (json) emitJson({ preset: spec.name ?? 'network', dtype, maxRelativeError: result.maxRelativeError, params });
  else console.log(`max relative error ${fmt(result.maxRelativeError, 3)} (${dtype}, batch ${batch})`);
}
