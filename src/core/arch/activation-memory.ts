/**
 * How much memory a candidate's forward pass and training step hold per
 * image, from its layer list, and the batch that fits a memory budget.
 *
 * Why it matters: tfjs-backend-wasm keeps every tensor in one WebAssembly
 * heap that cannot grow past 4 GiB, and a forward pass (src/tf/model.ts)
 * runs in one tf.tidy, so every intermediate map of the pass stays alive
 * until the pass ends; a training step also keeps one gradient of each.
 * The widest, longest candidates of the default space hold ~53 MiB per
 * image in an evaluation pass and ~107 MiB in a training step (C = 64,
 * T = 8, six conv3×3 edges; measured on wasm), so a test batch of 250
 * images needed 13 GiB: malloc failed and the pass died with "memory access
 * out of bounds". Batches sized from these figures keep every pass inside
 * a fixed budget, whatever the candidate.
 *
 * The count follows the forward pass of src/tf/model.ts tensor by tensor
 * (float32, per image; T = timesteps, a map of h×h×c at T steps is T·h²·c
 * floats; "kept" = alive until the pass ends):
 *   stem, direct encoding   conv and batch norm of the static image (h₁²·C
 *                           each), then T copies of it
 *   stem, rate encoding     the Poisson draw (uniforms, tiled image, mask,
 *                           spikes: T·h₁²·c_in each) then conv and BN (T·h₁²·C each)
 *   each cell conv edge     conv output and BN output (2 maps)
 *   each cell LIF           one spike map per node that feeds a conv edge
 *   each cell node sum      one map per node summing two or more edges;
 *                           each avg-pool edge one map
 *   down block              BN and LIF of its input (2 maps at C), conv and
 *                           BN at 2C before the 2×2 pool, the pooled map
 *   head                    BN and LIF at 2C (2 maps), the pooled map, fc1's
 *                           output and its LIF's spikes (T·hidden each)
 *   a backward cell         runs one timestep at a time (src/tf/model.ts
 *                           runTemporalCell), its LIFs as steppers of
 *                           ordinary tfjs ops (src/tf/lif.ts lifStepper), each
 *                           op's output kept: per LIF node `stepLifMaps` maps
 *                           and the concatenated spikes; per conv edge
 *                           (forward or backward) conv and BN; per avg-pool
 *                           edge one map; per node summing two or more edges
 *                           of a kind, or adding its state, one map; the
 *                           input's split and the output's concatenation
 *   transient               one more map of the largest size (the membrane
 *                           of a LIF or the scaled copy of an eval batch norm,
 *                           freed when its op ends) at the peak
 * A training step keeps the same forward maps on the gradient tape and
 * builds one gradient of each, which tf.grads frees only when the whole
 * backward pass is done: TRAIN_FACTOR × the forward count. Its weight
 * gradients (and, with micro-batches, their running sum) do not depend on
 * the batch: `trainFixed`.
 *
 * tests/activation-memory.test.ts checks these counts against the bytes
 * tfjs-backend-wasm actually allocates (every malloc of a tensor buffer,
 * peak over the pass) for candidates across the search space: the estimate
 * is never below the measurement and at most 1.5× it (measured over 23
 * candidates: 1.05–1.20× for evaluation, 1.12–1.45× for training). Backward
 * cells were counted as forward ones until their timestep loop was: 2.6–2.7×
 * below the measurement (a C = 64, T = 8 backward candidate's training
 * micro-batch could outgrow the heap); now 1.15–1.16× and 1.32–1.47×.
 */
import { EDGES, EDGE_FROM, EDGE_TO, OP_CODE, backwardEdgeActive, forwardEdgeActive, isTemporalCell, liveNodes, opHasWeights, type Cell } from './cell.ts';
import { layerList, stageSizes, type Architecture } from './architecture.ts';
import { layerWeights } from '../layers.ts';
import { DEFAULT_LIF, type LifConfig } from '../snn/lif.ts';

export type InputEncoding = 'direct' | 'rate';

export interface ActivationMemory {
  /** bytes one image adds to the peak of an evaluation (or scoring) forward pass */
  evalPerImage: number;
  /** bytes one image adds to the peak of a training step (forward tape plus gradients) */
  trainPerImage: number;
  /** bytes a training step needs whatever its batch: the weight gradients and their micro-batch sum */
  trainFixed: number;
}

const FLOAT_BYTES = 4;

/**
 * A training step holds the forward maps and one gradient of each: twice the
 * forward count, and a little more, for the batch-norm statistics it saves
 * and the temporaries of the conv gradients (measured 1.84–2.11× the
 * evaluation pass on wasm; 2.25 keeps the estimate above every measurement).
 */
export const TRAIN_FACTOR = 2.25;

/**
 * The memory one pass (an evaluation batch, a training micro-batch) may use
 * for its tensors: a quarter of the 4 GiB a WebAssembly heap can reach, so
 * the model, the optimizer state, the allocator's fragmentation and the data
 * batches fit beside it; each worker of the page has its own heap.
 */
export const PASS_MEMORY_BUDGET = 1024 * 1024 * 1024;

/**
 * Maps one timestep of a stepped LIF (src/tf/lif.ts lifStepper) leaves on the
 * tape, counted from its ops: the charge, the spike, the detached reset's
 * spike and the reset membrane. A spike is `step(p − θ)` (snnTorch) or
 * `1 − step(θ − p)` (SpikingJelly): 2 or 3 ops. The default neuron: 11.
 */
export function stepLifMaps(cfg: LifConfig): number {
  if (cfg.model === 'snntorch') return 2 + 4 + 2; // mem_reset, the update (mul, add, mul, sub or sub, mul, mul, add), the spike
  const fire = 3;
  const rel = cfg.vReset === 0 ? 0 : 1;
  const charge = cfg.decayInput || cfg.vReset !== 0 ? 3 : 2;
  const detached = cfg.detachReset ? fire : 0;
  const reset = cfg.reset === 'hard' ? (cfg.vReset === 0 ? 2 : 4) : 2;
  return rel + charge + fire + detached + reset;
}

/** Floats per image a backward cell's timestep loop holds (see the file comment), `map` a whole map of its stage. */
function temporalCellFloats(cell: Cell, map: number, stepMap: number, lif: LifConfig): number {
  const live = liveNodes(cell);
  const forwardIn = [0, 0, 0, 0];
  const backwardIn = [0, 0, 0, 0];
  const lifNodes = new Set<number>();
  let floats = 2 * map; // the input split into timesteps, the output's concatenation
  const edge = (code: number, from: number): void => {
    if (opHasWeights(code)) {
      floats += 2 * map;
      lifNodes.add(from);
    } else if (code === OP_CODE.avgpool3x3) floats += map;
  };
  for (let e = 0; e < EDGES; e++) {
    if (forwardEdgeActive(cell, e, live)) {
      forwardIn[EDGE_TO[e]]++;
      edge(cell.forward[e], EDGE_FROM[e]);
    }
    if (backwardEdgeActive(cell, e, live)) {
      backwardIn[EDGE_FROM[e]]++;
      edge(cell.backward[e], EDGE_TO[e]);
    }
  }
  // Each stepper's first membrane (one timestep), its maps per step, and its spikes concatenated.
  floats += lifNodes.size * (stepMap + (stepLifMaps(lif) + 1) * map);
  for (let n = 0; n < 4; n++) {
    if (forwardIn[n] >= 2) floats += map;
    if (backwardIn[n] >= 2) floats += map;
    // Its state added to its input; a node fed only by backward edges reads zeros at t = 0 and then its state.
    if (backwardIn[n] > 0) floats += n === 0 || forwardIn[n] > 0 ? map : stepMap;
  }
  return floats;
}

/** Floats one image holds at the peak of an evaluation forward pass (see the file comment). */
function evalFloatsPerImage(arch: Architecture, encoding: InputEncoding, lif: LifConfig): number {
  const T = arch.timesteps;
  const [h1, h2] = stageSizes(arch.input);
  const wide = 2 * arch.channels;
  let floats = 0;
  let largestMap = 0;
  const map = (h: number, c: number) => {
    const size = T * h * h * c;
    if (size > largestMap) largestMap = size;
    return size;
  };
  const lifNodes = new Set<string>();
  const temporal = arch.cells.map(isTemporalCell);
  for (const l of layerList(arch)) {
    const name = l.name ?? '';
    if (name === 'stem') {
      const image = l.hin * l.hin * l.cout;
      floats += encoding === 'direct' ? 2 * image + (T > 1 ? T * image : 0) : 4 * T * l.hin * l.hin * l.cin + 2 * map(l.hin, l.cout);
    } else if (name === 'down') {
      floats += 2 * map(l.hin, l.cin) + 2 * map(l.hin, l.cout) + map(l.hout, l.cout);
    } else if (name === 'fc1') {
      // BN and LIF of the head's input (2C at stage 2), its pooled spikes (fc1's input), fc1 and its LIF.
      floats += 2 * map(h2, wide) + T * l.cin + 2 * T * l.cout;
    } else if (name === 'fc2') {
      floats += l.cin + l.cout;
    } else if (l.kind === 'conv') {
      // A backward cell's edges are counted with its timestep loop below.
      if (temporal[Number(name.charAt(4)) - 1]) continue;
      // A cell edge `cellK.eIJ`: conv + BN; node I's LIF once per cell.
      floats += 2 * map(l.hin, l.cout);
      const node = name.slice(0, name.indexOf('.')) + '.' + name.charAt(name.length - 2);
      if (!lifNodes.has(node)) {
        lifNodes.add(node);
        floats += map(l.hin, l.cin);
      }
    }
  }
  // Node sums and avg-pool edges carry no weights, so the layer list leaves them out: count them from the cells.
  const sizes: [number, number][] = [
    [h1, arch.channels],
    [h2, wide],
  ];
  arch.cells.forEach((cell, k) => {
    const [h, c] = sizes[k];
    if (temporal[k]) {
      floats += temporalCellFloats(cell, map(h, c), h * h * c, lif);
      return;
    }
    const live = liveNodes(cell);
    const incoming = [0, 0, 0, 0];
    for (let e = 0; e < EDGES; e++) {
      if (!forwardEdgeActive(cell, e, live)) continue;
      incoming[EDGE_TO[e]]++;
      if (cell.forward[e] === OP_CODE.avgpool3x3) floats += map(...sizes[k]);
    }
    for (const n of incoming) if (n >= 2) floats += map(...sizes[k]);
  });
  return floats + largestMap;
}

/** Trainable parameters of the model built from `arch`: weights, FC biases, and γ, β of every batch norm. */
function parameterCount(arch: Architecture): number {
  let n = 0;
  for (const l of layerList(arch)) {
    n += layerWeights(l);
    n += l.kind === 'fc' ? l.cout : 2 * l.cout;
  }
  // The batch norms in front of the down block's LIF (C) and the head's (2C).
  return n + 2 * arch.channels + 2 * 2 * arch.channels;
}

/** The memory `arch`'s passes need per image (see the file comment), its LIFs `lif` (a backward cell steps them as ordinary ops). */
export function activationMemory(arch: Architecture, encoding: InputEncoding = 'direct', lif: LifConfig = DEFAULT_LIF): ActivationMemory {
  const evalPerImage = FLOAT_BYTES * evalFloatsPerImage(arch, encoding, lif);
  return {
    evalPerImage,
    trainPerImage: Math.ceil(TRAIN_FACTOR * evalPerImage),
    trainFixed: 2 * FLOAT_BYTES * parameterCount(arch),
  };
}

/**
 * The largest batch of at most `wanted` images whose pass fits `budget`
 * bytes: (budget − fixed) / perImage, rounded down. 0 when not even one
 * image fits.
 */
export function batchForMemory(perImage: number, wanted: number, budget: number = PASS_MEMORY_BUDGET, fixed = 0): number {
  if (!(perImage > 0) || !(wanted >= 1)) throw new RangeError(`batchForMemory needs perImage > 0 and wanted ≥ 1 (got ${perImage}, ${wanted})`);
  return Math.max(0, Math.min(Math.floor(wanted), Math.floor((budget - fixed) / perImage)));
}
