// Disassembles the machine code V8 compiled for WebAssembly (and JavaScript) functions, where
// `node --print-wasm-code` prints nothing (Node builds without V8's disassembler, this one included).
// `node --perf-prof` writes every compiled function's code into a jitdump file (jit-PID.dump, in the
// working directory); this reads that file and hands the code of the functions whose name matches to
// objdump (binutils).
//
//   node --perf-prof --no-wasm-lazy-compilation SCRIPT ...        writes jit-PID.dump
//   node scripts/jit-disasm.mjs jit-PID.dump [FILTER] [--out DIR]  lists the matching functions,
//                                                                  writes DIR/fN.txt (Intel syntax)
//
// Wasm functions appear as `JS:wasm-function[I]-I-turbofan` (or `…-liftoff`, the first tier); built
// with AssemblyScript's `--debug` they keep their names (`JS:gemm/gemm-4-turbofan`). Use the
// TurboFan version: that is what runs once a kernel is hot. Record layout: the jitdump format in
// Linux's tools/perf/Documentation/jitdump-specification.txt (JIT_CODE_LOAD records, id 0).
import { execFileSync } from 'node:child_process';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

const args = process.argv.slice(2);
const oi = args.indexOf('--out');
if (oi >= 0 && oi + 1 >= args.length) {
  console.error('jit-disasm: --out needs a folder');
  process.exit(2);
}
const out = oi >= 0 ? args[oi + 1] : 'jit-disasm';
const [file, filter = ''] = oi >= 0 ? args.filter((_, i) => i !== oi && i !== oi + 1) : args;
if (!file) {
  console.error('usage: node scripts/jit-disasm.mjs jit-PID.dump [FILTER] [--out DIR]');
  process.exit(2);
}
const buf = readFileSync(file);
if (buf.length < 40 || buf.readUInt32LE(0) !== 0x4a695444) {
  console.error(`${file}: not a jitdump file`);
  process.exit(2);
}
const hits = [];
let off = buf.readUInt32LE(8); // the header's size
while (off + 16 <= buf.length) {
  const id = buf.readUInt32LE(off);
  const size = buf.readUInt32LE(off + 4);
  if (size === 0) break;
  if (id === 0) {
    // JIT_CODE_LOAD: header (id, size, timestamp), pid, tid, vma, code_addr, code_size, code_index,
    // then the name (NUL-terminated) and the code bytes
    const codeSize = Number(buf.readBigUInt64LE(off + 40));
    const nameStart = off + 56;
    let nameEnd = nameStart;
    while (nameEnd < buf.length && buf[nameEnd] !== 0) nameEnd++;
    if (nameEnd >= buf.length || off + size > buf.length) break; // a record cut off (the process was killed)
    const name = buf.toString('utf8', nameStart, nameEnd);
    if (name.includes(filter)) hits.push({ name, code: buf.subarray(nameEnd + 1, nameEnd + 1 + codeSize) });
  }
  off += size;
}
mkdirSync(out, { recursive: true });
hits.forEach((h, i) => {
  const bin = join(out, `f${i}.bin`);
  writeFileSync(bin, h.code);
  const text = execFileSync('objdump', ['-D', '-b', 'binary', '-m', 'i386:x86-64', '-M', 'intel', bin], {
    maxBuffer: 1 << 28,
  }).toString();
  writeFileSync(join(out, `f${i}.txt`), `${h.name}\n${text}`);
  console.log(`${join(out, `f${i}.txt`)}  ${h.name}  ${h.code.length} bytes`);
});
if (hits.length === 0) console.log(`no function in ${file} matches "${filter}"`);
