/**
 * Backend choice for training and scoring: WebGPU, WebGL (OffscreenCanvas in
 * a worker), WASM and CPU in a browser worker; WASM (single thread) and CPU
 * in Node.
 *
 * `auto` does not trust names: on a machine whose only GPU is a software
 * rasteriser (SwiftShader, llvmpipe) WebGL runs several times slower than
 * WASM. So `auto` initialises each available backend, runs a short probe on
 * it (a conv + LIF + pool step, after one untimed warm-up that compiles
 * shaders) and keeps the fastest. The result says which
 * backend was chosen and why, with every probe's time.
 *
 * This file is environment-neutral: callers pass where the .wasm files are
 * (`src/tf/backend-node.ts` for Node; the worker passes Vite `?url` imports).
 */
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import { getThreadsCount, setThreadsCount, setWasmPaths } from '@tensorflow/tfjs-backend-wasm';
import { DEFAULT_LIF } from '../core/snn/lif.ts';
import { lifMultiStep } from './lif.ts';
import { guardWasmHeap } from './wasm-heap.ts';

export type BackendName = 'webgpu' | 'webgl' | 'wasm' | 'cpu';
export type BackendPreference = 'auto' | BackendName;
export const BACKEND_PREFERENCES: readonly BackendPreference[] = ['auto', 'webgpu', 'webgl', 'wasm', 'cpu'];

export type WasmFile = 'tfjs-backend-wasm.wasm' | 'tfjs-backend-wasm-simd.wasm' | 'tfjs-backend-wasm-threaded-simd.wasm';

export interface BackendEnv {
  /**
   * Where the three .wasm binaries are served: a folder prefix ending in '/'
   * (Node: the package's dist folder) or a map from file name to URL (the
   * browser build: same-origin URLs from Vite `?url` imports).
   */
  wasmPaths?: string | Partial<Record<WasmFile, string>>;
  /**
   * Threads for the WASM backend. 1 (the default) forces the single-threaded
   * SIMD build; n > 1 lets tfjs load the threaded build when the page is
   * cross-origin isolated (COOP/COEP), with n threads. Node is always single.
   */
  wasmThreads?: number;
  /** The probe to time; default `defaultProbe`. */
  probe?: Probe;
  /** Timed repetitions of the probe per backend (default 3; the median counts). */
  probeReps?: number;
  /** Backends `auto` may consider, in order (default webgpu, webgl, wasm, cpu where available). */
  candidates?: readonly BackendName[];
}

export interface ProbeResult {
  name: BackendName;
  /** median time of one probe run, ms; absent when the backend failed */
  ms?: number;
  /** time to initialise the backend and run the untimed warm-up, ms */
  initMs?: number;
  /** why the backend could not be used */
  error?: string;
}

export interface BackendChoice {
  backend: BackendName;
  /** one sentence: why this backend */
  reason: string;
  probes: ProbeResult[];
  /** the only GPU is a software rasteriser (SwiftShader, llvmpipe, …) */
  softwareGpu: boolean;
  /** the GPU's renderer string when one could be read */
  renderer?: string;
  /** threads the WASM backend runs on (1 unless the threaded build loaded) */
  wasmThreads?: number;
  /** when more than one WASM thread was asked for: why the threaded build could or could not load */
  wasmThreadsNote?: string;
}

/** A probe builds its inputs once, then runs one timed step per call; the step's result is read back. */
export interface Probe {
  setup(): { step(): tf.Tensor; dispose(): void };
}

/**
 * The default probe: the core of one multi-step spiking layer as scoring and
 * training run it — a conv3×3 (8 → 16 channels, 14×14) over T = 4 timesteps
 * folded into a batch of 8, the LIF recurrence over T (the fused kernel
 * where the backend has one, src/tf/lif.ts), an average pool — a few
 * milliseconds on WASM. It is small on purpose: few distinct kernels, so a
 * software GPU (SwiftShader compiles each WebGL shader slowly) does not spend
 * seconds compiling before it can be timed.
 */
export const defaultProbe: Probe = {
  setup() {
    const t = 4;
    const x = tf.randomUniform([t * 8, 14, 14, 8], 0, 1, 'float32', 1) as tf.Tensor4D;
    const w = tf.randomNormal([3, 3, 8, 16], 0, 0.4, 'float32', 2) as tf.Tensor4D;
    return {
      step: () =>
        tf.tidy(() => {
          const s = lifMultiStep(tf.conv2d(x, w, 1, 'same'), t, DEFAULT_LIF) as tf.Tensor4D;
          return tf.mean(tf.avgPool(s, 2, 2, 'valid'));
        }),
      dispose: () => tf.dispose([x, w]),
    };
  },
};

function isNode(): boolean {
  const p = (globalThis as { process?: { versions?: { node?: string } } }).process;
  return typeof p?.versions?.node === 'string' && typeof (globalThis as { window?: unknown }).window === 'undefined';
}

function errorText(e: unknown): string {
  if (e instanceof Error) return e.message;
  if (e && typeof e === 'object' && 'message' in e) return String((e as { message: unknown }).message);
  return String(e);
}

const SOFTWARE_RENDERER = /swiftshader|llvmpipe|softpipe|software|microsoft basic render|lavapipe/i;

interface GpuInfo {
  renderer?: string;
  software: boolean;
}

/** Reads the WebGL renderer string (unmasked when the debug extension is there) from a throwaway context. */
function webglInfo(): GpuInfo | null {
  try {
    const g = globalThis as { OffscreenCanvas?: new (w: number, h: number) => { getContext(kind: string): unknown }; document?: { createElement(tag: string): { getContext(kind: string): unknown } } };
    const canvas = g.OffscreenCanvas ? new g.OffscreenCanvas(1, 1) : g.document?.createElement('canvas');
    if (!canvas) return null;
    const gl = (canvas.getContext('webgl2') ?? canvas.getContext('webgl')) as WebGLRenderingContext | null;
    if (!gl) return null;
    const ext = gl.getExtension('WEBGL_debug_renderer_info');
    const renderer = String(gl.getParameter(ext ? ext.UNMASKED_RENDERER_WEBGL : gl.RENDERER) ?? '');
    gl.getExtension('WEBGL_lose_context')?.loseContext();
    return { renderer, software: SOFTWARE_RENDERER.test(renderer) };
  } catch {
    return null;
  }
}

interface GpuAdapterLike {
  info?: { vendor?: string; architecture?: string; device?: string; description?: string; isFallbackAdapter?: boolean };
  isFallbackAdapter?: boolean;
}

async function webgpuInfo(): Promise<GpuInfo | null> {
  const gpu = (globalThis as { navigator?: { gpu?: { requestAdapter(): Promise<GpuAdapterLike | null> } } }).navigator?.gpu;
  if (!gpu) return null;
  try {
    const adapter = await gpu.requestAdapter();
    if (!adapter) return null;
    const i = adapter.info ?? {};
    const renderer = [i.vendor, i.architecture, i.device, i.description].filter(Boolean).join(' ');
    return { renderer, software: Boolean(i.isFallbackAdapter ?? adapter.isFallbackAdapter) || SOFTWARE_RENDERER.test(renderer) };
  } catch {
    return null;
  }
}

let registeredBrowserBackends: Promise<void> | null = null;

/** Registers the GPU backends (browser only; their modules are loaded on demand). */
async function registerGpuBackends(): Promise<void> {
  registeredBrowserBackends ??= (async () => {
    await Promise.allSettled([import('@tensorflow/tfjs-backend-webgl'), import('@tensorflow/tfjs-backend-webgpu')]);
  })();
  return registeredBrowserBackends;
}

let wasmConfigured = false;

function configureWasm(env: BackendEnv): void {
  if (wasmConfigured) return;
  const threads = isNode() ? 1 : Math.max(1, Math.floor(env.wasmThreads ?? 1));
  // A single thread: tell tfjs the threaded build is unavailable so it loads the SIMD one.
  if (threads <= 1) tf.env().set('WASM_HAS_MULTITHREAD_SUPPORT', false);
  else setThreadsCount(threads);
  if (env.wasmPaths !== undefined) {
    if (typeof env.wasmPaths === 'string') setWasmPaths(env.wasmPaths);
    else setWasmPaths(env.wasmPaths as Record<string, string>);
  }
  wasmConfigured = true;
}

function available(name: BackendName): boolean {
  return tf.findBackendFactory(name) != null;
}

async function activate(name: BackendName): Promise<void> {
  if (!available(name)) throw new Error(`${name} is not available here`);
  if (name === 'webgpu' && tf.getBackend() !== 'webgpu') {
    const gpu = (globalThis as { navigator?: { gpu?: { requestAdapter(): Promise<unknown> } } }).navigator?.gpu;
    const adapter = gpu ? await gpu.requestAdapter().catch(() => null) : null;
    if (!adapter) throw new Error('no WebGPU adapter (navigator.gpu.requestAdapter() gave none)');
  }
  const ok = await tf.setBackend(name);
  if (!ok || tf.getBackend() !== name) throw new Error(`${name} failed to initialise`);
  await tf.ready();
  // A full heap must fail the job that asked, not corrupt every tensor (wasm-heap.ts).
  if (name === 'wasm') guardWasmHeap();
}

const SLOW_WARMUP_MS = 100;

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)];
}

async function probeBackend(name: BackendName, probe: Probe, reps: number): Promise<ProbeResult> {
  const t0 = performance.now();
  try {
    await activate(name);
    const p = probe.setup();
    try {
      const w0 = performance.now();
      const warm = p.step();
      await warm.data();
      warm.dispose();
      const warmMs = performance.now() - w0;
      const initMs = performance.now() - t0;
      // A backend whose warm-up alone took long gets one timed run: its verdict is clear and the probe stays short.
      const runs = warmMs > SLOW_WARMUP_MS ? 1 : reps;
      const times: number[] = [];
      for (let r = 0; r < runs; r++) {
        const s = performance.now();
        const out = p.step();
        await out.data();
        out.dispose();
        times.push(performance.now() - s);
      }
      return { name, ms: round(median(times)), initMs: round(initMs) };
    } finally {
      p.dispose();
    }
  } catch (e) {
    return { name, error: errorText(e) };
  }
}

function round(ms: number): number {
  return Math.round(ms * 100) / 100;
}

function wasmThreadsNow(): number | undefined {
  try {
    return tf.getBackend() === 'wasm' ? getThreadsCount() : undefined;
  } catch {
    return undefined;
  }
}

/**
 * Initialises a backend. An explicit preference is honoured when that backend
 * works (and falls back as `auto` would, saying so, when it does not); `auto`
 * probes every available backend and keeps the fastest.
 */
export async function initBackend(preference: BackendPreference = 'auto', env: BackendEnv = {}): Promise<BackendChoice> {
  if (!BACKEND_PREFERENCES.includes(preference)) throw new Error(`unknown backend '${preference}' (known: ${BACKEND_PREFERENCES.join(', ')})`);
  const node = isNode();
  configureWasm(env);
  const threadNote = await wasmThreadNote(env, node);
  let gpu: GpuInfo | null = null;
  if (!node) {
    await registerGpuBackends();
    gpu = webglInfo() ?? (await webgpuInfo());
  }
  const softwareGpu = gpu?.software ?? false;
  const base = { softwareGpu, ...(gpu?.renderer ? { renderer: gpu.renderer } : {}), ...(threadNote ? { wasmThreadsNote: threadNote } : {}) };
  const order: BackendName[] = (env.candidates ?? (node ? ['wasm', 'cpu'] : ['webgpu', 'webgl', 'wasm', 'cpu'])).filter((n) => node ? n === 'wasm' || n === 'cpu' : true);
  const probe = env.probe ?? defaultProbe;
  const reps = Math.max(1, env.probeReps ?? 3);

  let fallbackNote = '';
  if (preference !== 'auto') {
    const t0 = performance.now();
    try {
      await activate(preference);
      return { backend: preference, reason: `${preference} as requested`, probes: [{ name: preference, initMs: round(performance.now() - t0) }], ...base, ...threads(preference) };
    } catch (e) {
      fallbackNote = `${preference} was requested but failed (${errorText(e)}); `;
    }
  }

  const probes: ProbeResult[] = [];
  for (const name of order) {
    if (name === preference) {
      probes.push({ name, error: 'failed as requested backend' });
      continue;
    }
    if (!available(name)) {
      probes.push({ name, error: node && (name === 'webgl' || name === 'webgpu') ? 'not available in Node' : 'not available here' });
      continue;
    }
    // CPU (plain JS) is only worth probing when nothing faster works.
    if (name === 'cpu' && !node && probes.some((p) => p.ms !== undefined)) {
      probes.push({ name, error: 'skipped: a faster backend works' });
      continue;
    }
    probes.push(await probeBackend(name, probe, reps));
  }
  const ok = probes.filter((p): p is ProbeResult & { ms: number } => p.ms !== undefined);
  if (ok.length === 0) throw new Error(`no tfjs backend could be initialised: ${probes.map((p) => `${p.name}: ${p.error}`).join('; ')}`);
  const best = ok.reduce((a, b) => (b.ms < a.ms ? b : a));
  await activate(best.name);
  const timing = ok.map((p) => `${p.name} ${p.ms} ms`).join(', ');
  const others = ok.filter((p) => p !== best);
  const lead = others.length ? `, ${(Math.min(...others.map((p) => p.ms)) / best.ms).toFixed(1)}× faster than the next` : '';
  const gpuNote = softwareGpu ? ` (the GPU is a software renderer: ${gpu?.renderer})` : '';
  const reason = `${fallbackNote}fastest on the probe (${timing})${lead}${gpuNote}`;
  return { backend: best.name, reason, probes, ...base, ...threads(best.name) };
}

async function wasmThreadNote(env: BackendEnv, node: boolean): Promise<string | undefined> {
  if ((env.wasmThreads ?? 1) <= 1) return undefined;
  if (node) return 'Node: tfjs-backend-wasm runs single-threaded in Node';
  const isolated = (globalThis as { crossOriginIsolated?: boolean }).crossOriginIsolated === true;
  let supported = false;
  try {
    supported = Boolean(await tf.env().getAsync('WASM_HAS_MULTITHREAD_SUPPORT'));
  } catch {
    supported = false;
  }
  return `crossOriginIsolated ${isolated}, SharedArrayBuffer ${typeof SharedArrayBuffer !== 'undefined'}, threaded wasm supported ${supported}`;
}

function threads(name: BackendName): { wasmThreads?: number } {
  if (name !== 'wasm') return {};
  const n = wasmThreadsNow();
  return n === undefined ? {} : { wasmThreads: n };
}
