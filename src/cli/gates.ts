/** `scratchnet gates`: the perceptron gates of chapter 2 and the single-perceptron XOR experiment. */
import { gateTables, trainSinglePerceptron, XOR_TARGETS } from '../engine/perceptron';
import { parseFlags } from './args';
import { emitJson } from './output';

export function gatesCommand(argv: string[]): void {
  const flags = parseFlags('gates', argv, { json: 'boolean', seed: 'int' });
  const gates = gateTables();
  const { bestAccuracy, best } = trainSinglePerceptron(XOR_TARGETS, { seed: (flags.seed as number | undefined) ?? 0 });
  if (flags.json) {
    emitJson({ gates, singleLayerXorBestAccuracy: bestAccuracy });
    return;
  }
  console.log('inputs   (0,0) (1,0) (0,1) (1,1)');
  for (const [name, outs] of Object.entries(gates)) console.log(`${name.padEnd(8)} ${outs.map((o) => String(o).padStart(5)).join(' ')}`);
  console.log(`A single perceptron trained on XOR gets at best ${bestAccuracy * 4} of 4 right (w = ${best.w.map((v) => v.toFixed(2)).join(', ')}, b = ${best.b.toFixed(2)}); XOR needs two layers.`);
}
