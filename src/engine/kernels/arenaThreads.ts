/**
 * A helper thread for the WebAssembly arena (wasmArena.ts): a `worker_threads` Worker that
 * instantiates the same GEMM and ops modules on the arena's own shared memory, so the two threads
 * work on the layers' buffers in place (no copies).
 *
 * A kernel call the arena splits is a *job* of P *parts* (P ≤ 63), each part one kernel call on a
 * disjoint piece of the output (rows or columns of a product, samples of a convolution, filters of a
 * weight gradient, planes of a pooling). The parts are fixed by the caller from the shapes alone, and
 * every part computes exactly what the unsplit kernel computes for its piece, so the result does not
 * depend on how many threads ran or which thread ran which part: no reduction crosses parts.
 *
 * Hand-over, through a control block in the arena:
 * - the caller writes the parts' arguments into the job table, then publishes one *claim word*
 *   `seq << 12 | P << 6 | next` (job number, parts, next part to take) and wakes the helper;
 * - both threads take parts with `Atomics.compareExchange(word, w, w + 1)` until next = P (a part is
 *   taken by exactly one thread; a helper still asleep, booting or descheduled simply takes none, and
 *   the caller then runs every part itself), the helper counting each part it finishes in DONE;
 * - the caller, out of parts, waits (spinning, then `Atomics.wait`) only for the parts the helper is
 *   still in;
 * - the helper, out of work, spins for `spinMs` on the claim word before it sleeps in
 *   `Atomics.wait`, so the split kernels that follow each other within a training step hand over
 *   without a futex wake-up.
 * Scratch areas (packed GEMM panels, sparse lists, repacked filters) are per thread: a job marks
 * which arguments are offsets into the running thread's scratch area (a bit mask), and each thread
 * adds its own base.
 */
import { median } from './timing';

/** The kernels a part may run: the GEMM instance's `gemm`, the ops instance's others. */
export const PART_KERNELS = [
  'gemm',
  'spmm_nn',
  'spmm_tn',
  'conv_fwd',
  'conv_dw',
  'block_sums',
  'maxpool2_fwd',
  'maxpool2_bwd',
  'sgd_bits',
  'gather_u8',
  'gather_u8_rows',
  'spmm_nn_rows',
  'spmm_tn_rows',
  'relu_pool_conv_bwd',
] as const;
export type PartKernel = (typeof PART_KERNELS)[number];

/** Most parts in one job (6 bits of the claim word). */
export const MAX_PARTS = 63;
/** Int32 arguments per part (the widest kernel, gemm and conv_fwd, takes 15). */
const ARGS = 16;
const REC = ARGS + 2; // kind, scratch mask, arguments

// Int32 slots of the control block; WORD and DONE on cache lines of their own.
const WORD = 0; // claim word; −1: exit
const DONE = 16; // parts the helper finished in the current job
const ERROR = 32; // set when a part threw in the helper
const HOLD = 30; // set by the caller while it backs off: helpers sleep at once instead of spinning
const SLEEPING = 31; // helpers in Atomics.wait (a helper that missed a job while asleep is not slow)
const SCRATCH = 33; // the helpers' scratch bases (one slot each, up to MAX_HELPERS)
/** Most helper threads. */
export const MAX_HELPERS = 15;
const JOBS = 48; // MAX_PARTS records of REC slots
export const CONTROL_BYTES = (JOBS + MAX_PARTS * REC) * 4;

const WORKER_SOURCE = `
const { workerData } = require('node:worker_threads');
const { gemmModule, opsModule, memory, ctl, spinMs, kinds, index } = workerData;
const imports = { env: { memory, abort() { throw new Error('wasm abort'); } } };
const g = new WebAssembly.Instance(gemmModule, imports).exports;
const o = new WebAssembly.Instance(opsModule, imports).exports;
const fns = kinds.map((k) => (k === 'gemm' ? g.gemm : o[k]));
const i32 = new Int32Array(memory.buffer, ctl, ${CONTROL_BYTES >> 2});
const a = new Array(${ARGS}).fill(0);
function runPart(i) {
  const r = ${JOBS} + i * ${REC};
  const fn = fns[i32[r]];
  const mask = i32[r + 1];
  const base = i32[${SCRATCH} + index];
  for (let j = 0; j < ${ARGS}; j++) a[j] = (mask >> j) & 1 ? (i32[r + 2 + j] + base) | 0 : i32[r + 2 + j];
  fn(a[0], a[1], a[2], a[3], a[4], a[5], a[6], a[7], a[8], a[9], a[10], a[11], a[12], a[13], a[14], a[15]);
}
for (;;) {
  const w = Atomics.load(i32, ${WORD});
  if (w === -1) break;
  const parts = (w >> 6) & 63;
  const next = w & 63;
  if (next < parts) {
    if (Atomics.compareExchange(i32, ${WORD}, w, w + 1) !== w) continue;
    try {
      runPart(next);
    } catch {
      Atomics.store(i32, ${ERROR}, 1);
    }
    Atomics.add(i32, ${DONE}, 1);
    Atomics.notify(i32, ${DONE});
    continue;
  }
  // nothing to take: spin on the claim word for spinMs (not while the caller backs off), then sleep
  // until the caller posts a job
  const t0 = performance.now();
  let spins = 0;
  while (Atomics.load(i32, ${WORD}) === w) {
    if ((++spins & 255) === 0 && (Atomics.load(i32, ${HOLD}) || performance.now() - t0 > spinMs)) {
      Atomics.add(i32, ${SLEEPING}, 1);
      Atomics.wait(i32, ${WORD}, w);
      Atomics.sub(i32, ${SLEEPING}, 1);
      break;
    }
  }
}
`;

/**
 * How a split call runs, as `SplitPolicy.plan` decides: handed to the helpers, or here alone —
 * backing off from a helper that looks descheduled, or because whole steps ran faster that way.
 */
export type SplitPlan = 'split' | 'backoff' | 'alone';

/**
 * When the calling thread runs split calls alone, with the helpers asleep (pure: `ArenaThreads.run`
 * feeds it its clock and the times it measures). Results never depend on it: a part computes the
 * same whichever thread runs it.
 *
 * - **Whole steps, 2 threads against 1.** The first call site seen (a kernel with its arguments:
 *   the same call once per training step) is the pilot; the time between two of its calls is one
 *   step, serial work included. Steps run in blocks: EXPLORE_STEPS (fewer when steps are long:
 *   about EXPLORE_MS of them, at least 6) of the other way (alone when
 *   splitting is preferred, split when running alone is), then the preferred way; the medians of
 *   the explore block and of the last steps before it decide, a switch needing a 3% gain in two
 *   comparisons in a row (the second 64 steps after the first: one can fall on a hiccup or on the
 *   warm-up). The preferred block lasts EXPLOIT_STEPS (or about EXPLOIT_MS of steps when they are
 *   long), doubling (up to 16×) while the preference holds. Why:
 *   when this VM's two vCPUs interfere (one physical core, or another guest on it) the parts ran
 *   1.25–1.5× slower than alone and the helper, spinning between calls, slowed the serial pieces
 *   too: two threads ran 25% slower than one, with nothing else to show for it.
 * - **Back-off** (within split steps): when the helpers look descheduled (the other core is busy)
 *   — this thread waited for them longer than two of its own parts took (and 0.1 ms), or they took
 *   no part though awake — the next 2, 4, … 512 calls run alone: a busy machine then costs a stall
 *   now and then, not one a call. A call with a short wait takes a step back.
 */
export class SplitPolicy {
  /** Off: every split call is handed over (tests); no back-off, no comparison. */
  enabled = true;
  /** Explore blocks run so far, and switches between splitting and running alone. */
  trials = 0;
  switches = 0;
  private skip = 0;
  private strikes = 0;
  private pilot: string | undefined;
  private lastPilot = -1;
  private preferAlone = false;
  private exploring = false;
  private left = EXPLOIT_STEPS;
  private exploitLength = EXPLOIT_STEPS;
  private exploreLength = EXPLORE_STEPS;
  private blockSteps = 0; // steps of the current block so far
  private wins = 0; // explore blocks in a row that beat the preferred way
  private explore: number[] = [];
  private recent: number[] = []; // the last steps of the preferred way

  /** Whether split calls now run alone because whole steps were faster that way. */
  get runningAlone(): boolean {
    return this.exploring !== this.preferAlone;
  }

  /** Calls still to run alone while backing off. */
  get backingOff(): number {
    return this.skip;
  }

  /** Before a split call of the site `key`, at `now` (ms). */
  plan(key: string, now: number): SplitPlan {
    if (!this.enabled) return 'split';
    this.step(key, now);
    if (this.runningAlone) return 'alone';
    if (this.skip > 0) {
      this.skip--;
      return 'backoff';
    }
    return 'split';
  }

  private step(key: string, now: number): void {
    if (this.pilot === undefined) this.pilot = key;
    if (key !== this.pilot) return;
    const dt = this.lastPilot >= 0 ? now - this.lastPilot : -1;
    this.lastPilot = now;
    // the first step of a block carries the change of way (a helper to wake): not counted
    if (dt >= 0 && this.left < (this.exploring ? this.exploreLength : this.exploitLength)) {
      if (this.exploring) this.explore.push(dt);
      else {
        this.recent.push(dt);
        if (this.recent.length > 2 * EXPLORE_STEPS) this.recent.shift();
        // long steps: a preferred block lasts about EXPLOIT_MS (times its doubling), not 256 of
        // them (SimpleConvNet's would take seconds before the first comparison)
        if (this.recent.length >= 8) {
          const cap = Math.round((EXPLOIT_MS * this.exploitLength) / EXPLOIT_STEPS / median(this.recent));
          this.left = Math.min(this.left, Math.max(1, cap - this.blockSteps));
        }
      }
    }
    this.blockSteps++;
    if (--this.left > 0) return;
    this.blockSteps = 0;
    if (!this.exploring) {
      this.exploring = true;
      // long steps (SimpleConvNet: 8 ms) need fewer of them to compare, and each one run the
      // slower way costs more: about EXPLORE_MS of steps, 6 to EXPLORE_STEPS of them
      const step = this.recent.length ? median(this.recent) : 0;
      this.exploreLength =
        step > 0 ? Math.max(6, Math.min(EXPLORE_STEPS, Math.round(EXPLORE_MS / step))) : EXPLORE_STEPS;
      this.left = this.exploreLength;
      this.explore = [];
      this.trials++;
      return;
    }
    this.exploring = false;
    const won =
      this.explore.length >= 4 && this.recent.length >= 4 && median(this.explore) < 0.97 * median(this.recent);
    if (won && ++this.wins >= 2) {
      // twice in a row (one comparison can fall on a hiccup, or on the warm-up): switch
      this.preferAlone = !this.preferAlone;
      this.switches++;
      this.wins = 0;
      this.exploitLength = EXPLOIT_STEPS;
      this.recent = this.explore;
    } else if (won) {
      this.exploitLength = EXPLOIT_STEPS / 4; // confirm soon
    } else {
      this.wins = 0;
      this.exploitLength = Math.min(16 * EXPLOIT_STEPS, 2 * this.exploitLength);
    }
    this.left = this.exploitLength;
  }

  /**
   * After a split call: the parts this thread ran and the helpers ran, this thread's time per part
   * and its wait for the helpers (ms), whether a helper was asleep at the start. True: back off.
   */
  afterSplit(ran: number, theirs: number, perPart: number, waited: number, asleep: boolean): boolean {
    if (this.enabled && ran > 0 && (waited > Math.max(0.1, 2 * perPart) || (theirs === 0 && !asleep))) {
      this.strikes = Math.min(this.strikes + 1, 9);
      this.skip = 1 << this.strikes;
      return true;
    }
    if (this.strikes > 0 && theirs > 0 && waited < 0.5 * perPart) this.strikes--;
    return false;
  }
}

/** One part: a kernel, its arguments (int32), and which of them are offsets into the thread's scratch. */
export interface Part {
  kind: number;
  args: number[];
  /** Bit j set: argument j is an offset into the running thread's scratch area. */
  scratch: number;
}

export interface ArenaThreadsOptions {
  /** How long a helper spins for the next job before it sleeps, in ms (default 0.5). */
  spinMs?: number;
  /** How long the calling thread spins for the helpers' last parts before it sleeps, in ms (default 1). */
  waitSpinMs?: number;
}

export interface ArenaThreads {
  /** Threads that run parts, the calling one included. */
  readonly threads: number;
  /**
   * Runs the parts on the calling thread and the helpers; returns when all are done. When the call
   * runs here alone (backing off, `SplitPolicy`, or `alone`), `whole` — the unsplit call, given the
   * calling thread's scratch base — runs instead of the parts one after another, without the work
   * each part repeats (a shared operand packed again); the parts are the unsplit arithmetic, so the
   * results are the same bits either way.
   */
  run(parts: Part[], whole?: (base: number) => void): void;
  /**
   * Makes each thread's scratch area at least `bytes` long (call before taking operand offsets: it
   * may grow the memory). Returns the calling thread's base.
   */
  scratch(bytes: number): number;
  /** What the threads did so far. */
  readonly stats: ArenaThreadStats;
  /** Whether the caller backs off when the helpers look descheduled (default true; tests turn it off). */
  backoff: boolean;
  /** Every split call runs on the calling thread alone, as the policy's alone plan (tests, benchmarks). */
  alone: boolean;
  /** Ends the helper threads. */
  dispose(): void;
}

/** What the arena's threads did so far (`WasmArena.threadStats`). */
export interface ArenaThreadStats {
  /** Kernel calls split into parts. */
  jobs: number;
  /** Parts of those calls. */
  parts: number;
  /** Parts the helper threads ran (the calling thread ran the others). */
  helperParts: number;
  /** Times the calling thread waited too long for a helper and backed off. */
  backoffs: number;
  /** Split kernel calls run on the calling thread alone while backing off. */
  jobsAlone: number;
  /** Milliseconds the calling thread waited for the helpers' last parts, and spent in split calls. */
  waitMs: number;
  jobMs: number;
  /**
   * Comparisons of whole steps on 1 thread against split (`SplitPolicy`), and how many of them
   * changed the way split calls run.
   */
  trials: number;
  switches: number;
}

/** Stats of threads that did nothing yet (or of an arena on one thread). */
export function emptyThreadStats(): ArenaThreadStats {
  return { jobs: 0, parts: 0, helperParts: 0, backoffs: 0, jobsAlone: 0, waitMs: 0, jobMs: 0, trials: 0, switches: 0 };
}

type Fn = (...a: number[]) => void;

const partArgs = new Array<number>(ARGS).fill(0);

/**
 * Runs part `p` on this thread with `fns` (this thread's instances of the PART_KERNELS), the
 * arguments `p.scratch` marks offset by `base` (this thread's scratch area). No allocation.
 */
export function runPart(fns: readonly Fn[], p: Part, base: number): void {
  const a = partArgs;
  for (let j = 0; j < ARGS; j++)
    a[j] = j < p.args.length ? ((p.scratch >> j) & 1 ? (p.args[j] + base) | 0 : p.args[j]) : 0;
  fns[p.kind](a[0], a[1], a[2], a[3], a[4], a[5], a[6], a[7], a[8], a[9], a[10], a[11], a[12], a[13], a[14], a[15]);
}

/** Steps (calls of the pilot site) run the other way in each comparison. */
const EXPLORE_STEPS = 16;
/** …or fewer, about this many milliseconds of them (at least 6). */
const EXPLORE_MS = 40;
/** A preferred block lasts at most about this long (times its doubling) when steps are long. */
const EXPLOIT_MS = 1000;
/** Steps run the preferred way between comparisons (doubling while the preference holds). */
const EXPLOIT_STEPS = 256;

/**
 * Starts `helpers` helper threads on `memory` (the arena's), with the control block at `ctl` (CONTROL_BYTES,
 * in the arena). `local` are the calling thread's instances of the PART_KERNELS, in that order.
 * `allocScratch(bytes)` gives a zeroed block in the arena and returns its offset. Throws where worker
 * threads are missing.
 */
export function startArenaThreads(
  memory: WebAssembly.Memory,
  gemmModule: WebAssembly.Module,
  opsModule: WebAssembly.Module,
  local: Fn[],
  ctl: number,
  helpers: number,
  allocScratch: (bytes: number) => { off: number; release(): void },
  options: ArenaThreadsOptions = {},
): ArenaThreads {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const { Worker } = require('node:worker_threads') as typeof import('node:worker_threads');
  const i32 = new Int32Array(memory.buffer, ctl, CONTROL_BYTES >> 2);
  i32.fill(0);
  const count = Math.max(1, Math.min(MAX_HELPERS, Math.floor(helpers)));
  const workers: { terminate(): unknown }[] = [];
  for (let index = 0; index < count; index++) {
    const worker = new Worker(WORKER_SOURCE, {
      eval: true,
      workerData: {
        gemmModule,
        opsModule,
        memory,
        ctl,
        spinMs: options.spinMs ?? 0.5,
        kinds: [...PART_KERNELS],
        index,
      },
    });
    worker.unref();
    worker.on('error', () => {
      // a helper that failed takes no parts: the other threads run them
    });
    workers.push(worker);
  }

  const waitSpinMs = options.waitSpinMs ?? 1;
  let seq = 0;
  let scratchBytes = 0;
  let mine: { off: number; release(): void } | undefined;
  let theirs: { off: number; release(): void }[] = [];
  const policy = new SplitPolicy();
  // the policy's comparisons are read from it, not copied in at every call
  const stats: ArenaThreadStats = {
    ...emptyThreadStats(),
    get trials() {
      return policy.trials;
    },
    get switches() {
      return policy.switches;
    },
  };
  let holding = false;
  const runLocal = (p: Part, base: number): void => runPart(local, p, base);

  return {
    threads: count + 1,
    backoff: true,
    alone: false,
    stats,
    scratch(bytes) {
      if (bytes > scratchBytes || !mine) {
        const size = Math.max(bytes, 2 * scratchBytes, 65536);
        mine?.release();
        for (const t of theirs) t.release();
        mine = allocScratch(size);
        theirs = workers.map(() => allocScratch(size));
        scratchBytes = size;
        theirs.forEach((t, j) => Atomics.store(i32, SCRATCH + j, t.off));
      }
      return mine.off;
    },
    run(parts, whole) {
      const n = parts.length;
      if (n > MAX_PARTS) throw new RangeError(`arena threads: ${n} parts, at most ${MAX_PARTS}`);
      const base = this.scratch(0);
      if (n === 1) {
        runLocal(parts[0], base);
        return;
      }
      policy.enabled = this.backoff;
      // the call site's key is built only when the policy is on (it is a string per call)
      const plan = this.alone
        ? 'alone'
        : this.backoff
          ? policy.plan(`${n}:${parts[0].kind}:${parts[0].args.join(',')}`, performance.now())
          : 'split';
      if (plan !== 'split') {
        // backing off, or whole steps run faster on this thread alone: the unsplit call (or all
        // parts here, in order), with the helpers asleep (a spinning helper on a shared core would
        // slow this one)
        stats.jobsAlone++;
        if (!holding) {
          Atomics.store(i32, HOLD, 1);
          holding = true;
        }
        if (whole) whole(base);
        else for (const p of parts) runLocal(p, base);
        return;
      }
      if (holding) {
        Atomics.store(i32, HOLD, 0);
        holding = false;
      }
      const asleep = Atomics.load(i32, SLEEPING) > 0;
      const tStart = performance.now();
      for (let i = 0; i < n; i++) {
        const r = JOBS + i * REC;
        const p = parts[i];
        i32[r] = p.kind;
        i32[r + 1] = p.scratch;
        for (let j = 0; j < ARGS; j++) i32[r + 2 + j] = j < p.args.length ? p.args[j] : 0;
      }
      Atomics.store(i32, DONE, 0);
      Atomics.store(i32, ERROR, 0);
      seq = (seq + 1) & 0xfffff;
      const w0 = (seq << 12) | (n << 6);
      Atomics.store(i32, WORD, w0);
      Atomics.notify(i32, WORD);
      let ran = 0;
      for (;;) {
        const w = Atomics.load(i32, WORD);
        const next = w & 63;
        if (next >= n) break;
        if (Atomics.compareExchange(i32, WORD, w, w + 1) !== w) continue;
        runLocal(parts[next], base);
        ran++;
      }
      const theirsCount = n - ran;
      const tOwn = performance.now();
      // spin for up to waitSpinMs (a futex sleep adds a wake-up, slow in a VM), then sleep until
      // the helper's notify (which also yields this core to a helper that shares it)
      let spins = 0;
      for (;;) {
        const d = Atomics.load(i32, DONE);
        if (d === theirsCount) break;
        if ((++spins & 255) === 0 && performance.now() - tOwn > waitSpinMs) Atomics.wait(i32, DONE, d, 1);
      }
      const waited = performance.now() - tOwn;
      stats.waitMs += waited;
      stats.jobMs += waited + (tOwn - tStart);
      if (policy.afterSplit(ran, theirsCount, (tOwn - tStart) / Math.max(ran, 1), waited, asleep)) {
        stats.backoffs++;
        Atomics.store(i32, HOLD, 1);
        holding = true;
      }
      stats.jobs++;
      stats.parts += n;
      stats.helperParts += theirsCount;
      if (Atomics.load(i32, ERROR)) throw new Error('arena threads: a kernel failed in the helper thread');
    },
    dispose() {
      Atomics.store(i32, WORD, -1);
      Atomics.notify(i32, WORD);
      for (const w of workers) void w.terminate();
    },
  };
}
