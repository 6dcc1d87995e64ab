/**
 * The fused LIF kernels for tfjs-backend-webgl (see src/tf/lif-kernels.ts
 * for the kernels' contract). A WebGL fragment shader writes exactly one
 * value per invocation, so "one thread per neuron looping over T" becomes
 * one invocation per (t, n) output that loops over the steps it depends on:
 * the forward invocation of step t replays steps 0…t of its neuron, the
 * backward one steps T−1…t. That is T(T+1)/2 instead of T steps of work per
 * neuron, cheap for the T ≤ 8 the studio trains with, and all of it stays in
 * registers: one draw call per output tensor instead of ~10 per timestep.
 *
 * Forward: program 1 writes `pre` (the potential each spike is read from);
 * program 2 thresholds `pre` into spikes, so spikes and the saved potential
 * come from the same stored values even on half-float textures.
 *
 * Constants are baked into the shader source (tfjs caches compiled programs
 * by source and shapes, so each distinct neuron config compiles once). GPU
 * arithmetic may contract a·b + c into one fused operation or divide through
 * a reciprocal, so WebGL results are float32-close to the cpu/wasm ones,
 * not bit-identical.
 *
 * Only types are imported from tfjs-backend-webgl: registering a kernel for
 * 'webgl' does not need the backend to be loaded (Node has none).
 */
import * as tf from '@tensorflow/tfjs-core';
import type { GPGPUProgram, MathBackendWebGL } from '@tensorflow/tfjs-backend-webgl';
import { backwardFactors, membraneTransfer, type LifKernelAttrs } from './lif-attrs.ts';

// Kernel names are repeated here (not imported from lif-kernels.ts, which imports this file).
const LIF_FORWARD = 'NeuronasLifForward';
const LIF_BACKWARD = 'NeuronasLifBackward';

/** A GLSL float literal (always with a point or an exponent; parenthesised for negatives). */
export function glslFloat(v: number): string {
  if (!Number.isFinite(v)) throw new Error(`LIF webgl: constant ${v} is not finite`);
  const s = Number.isInteger(v) && Math.abs(v) < 1e9 ? v.toFixed(1) : v.toPrecision(9);
  return `(${s})`;
}

/** The GLSL statements of one forward step: reads `xi` and the state, updates the state and `p`. */
function forwardStepGlsl(p: LifKernelAttrs): { init: string; step: string } {
  const TH = glslFloat(Math.fround(p.threshold));
  if (p.model === 'snntorch') {
    const BETA = glslFloat(Math.fround(p.beta));
    const step =
      p.reset === 'subtract'
        ? `p = (${BETA} * state + xi) - (state > ${TH} ? ${TH} : 0.0);`
        : `p = ${BETA} * (state > ${TH} ? 0.0 : state) + xi;`;
    return { init: 'float state = 0.0;', step: `${step}\n      state = p;` };
  }
  const TAU = glslFloat(Math.fround(p.tau));
  const VR = glslFloat(Math.fround(p.vReset));
  const KEEP = glslFloat(Math.fround(1 - 1 / p.tau));
  const hard = p.reset === 'hard';
  let charge: string;
  if (p.decayInput) charge = `p = state + (xi - (state - ${VR})) / ${TAU};`;
  else if (p.vReset === 0) charge = `p = state * ${KEEP} + xi;`;
  else charge = `p = (state - (state - ${VR}) / ${TAU}) + xi;`;
  const reset = hard ? VR : `(p - ${TH})`;
  return {
    init: `float state = ${hard ? VR : '0.0'};`,
    step: `${charge}\n      state = p >= ${TH} ? ${reset} : p;`,
  };
}

class LifPreProgram implements GPGPUProgram {
  variableNames = ['x'];
  outputShape: number[];
  userCode: string;
  constructor(T: number, N: number, p: LifKernelAttrs) {
    this.outputShape = [T, N];
    const { init, step } = forwardStepGlsl(p);
    this.userCode = `
  void main() {
    ivec2 coords = getOutputCoords();
    int t = coords.x;
    int n = coords.y;
    ${init}
    float p = 0.0;
    for (int k = 0; k < ${T}; k++) {
      if (k > t) break;
      float xi = getX(k, n);
      ${step}
    }
    setOutput(p);
  }`;
  }
}

class LifSpikeProgram implements GPGPUProgram {
  variableNames = ['pre'];
  outputShape: number[];
  userCode: string;
  constructor(T: number, N: number, p: LifKernelAttrs) {
    this.outputShape = [T, N];
    const cmp = p.model === 'snntorch' ? '>' : '>=';
    this.userCode = `
  void main() {
    ivec2 coords = getOutputCoords();
    float p = getPre(coords.x, coords.y);
    setOutput(p ${cmp} ${glslFloat(Math.fround(p.threshold))} ? 1.0 : 0.0);
  }`;
  }
}

class LifBackwardProgram implements GPGPUProgram {
  variableNames = ['dy', 'pre'];
  outputShape: number[];
  userCode: string;
  constructor(T: number, N: number, p: LifKernelAttrs) {
    this.outputShape = [T, N];
    const TH = glslFloat(Math.fround(p.threshold));
    const { a, b } = backwardFactors(p);
    const { c1, c2, c3 } = membraneTransfer(p);
    const sg =
      p.surrogate === 'atan'
        ? `float z = ${glslFloat((Math.PI / 2) * p.surrogateParam)} * d; float sg = ${glslFloat(p.surrogateParam / 2)} / (1.0 + z * z);`
        : `float q = 1.0 + ${glslFloat(p.surrogateParam)} * abs(d); float sg = 1.0 / (q * q);`;
    const s = p.model === 'snntorch' ? `(P > ${TH} ? 1.0 : 0.0)` : `(P >= ${TH} ? 1.0 : 0.0)`;
    // m = 1 + c1·S + (c2 + c3·P)·σ'
    const m = `1.0 + ${glslFloat(c1)} * s + (${glslFloat(c2)} + ${glslFloat(c3)} * P) * sg`;
    this.userCode = `
  void main() {
    ivec2 coords = getOutputCoords();
    int t = coords.x;
    int n = coords.y;
    float carry = 0.0;
    float g = 0.0;
    for (int j = 0; j < ${T}; j++) {
      int k = ${T - 1} - j;
      if (k < t) break;
      float P = getPre(k, n);
      float d = P - ${TH};
      ${sg}
      float s = ${s};
      float m = ${m};
      g = getDy(k, n) * sg + carry * m;
      carry = ${glslFloat(a)} * g;
    }
    setOutput(${glslFloat(b)} * g);
  }`;
  }
}

const webglForward: tf.KernelFunc = ({ inputs, backend, attrs }) => {
  const gl = backend as MathBackendWebGL;
  const x = inputs.x as tf.TensorInfo;
  const [T, N] = x.shape;
  const p = attrs as unknown as LifKernelAttrs;
  const pre = gl.runWebGLProgram(new LifPreProgram(T, N, p), [x], 'float32');
  const spikes = gl.runWebGLProgram(new LifSpikeProgram(T, N, p), [pre], 'float32');
  return [spikes, pre];
};

const webglBackward: tf.KernelFunc = ({ inputs, backend, attrs }) => {
  const gl = backend as MathBackendWebGL;
  const dy = inputs.dy as tf.TensorInfo;
  const pre = inputs.pre as tf.TensorInfo;
  const [T, N] = pre.shape;
  return gl.runWebGLProgram(new LifBackwardProgram(T, N, attrs as unknown as LifKernelAttrs), [dy, pre], 'float32');
};

export function registerLifWebGLKernels(): void {
  if (!tf.getKernel(LIF_FORWARD, 'webgl')) tf.registerKernel({ kernelName: LIF_FORWARD, backendName: 'webgl', kernelFunc: webglForward });
  if (!tf.getKernel(LIF_BACKWARD, 'webgl')) tf.registerKernel({ kernelName: LIF_BACKWARD, backendName: 'webgl', kernelFunc: webglBackward });
}
