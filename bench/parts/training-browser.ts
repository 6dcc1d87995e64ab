/**
 * The training speed in the browser: the reference network
 * (src/tf/reference-net.ts) trained in the studio's own training worker
 * (src/workers/training.worker.ts, through src/worker-host/training-client.ts) in
 * Debian's Chromium, headless, against a production build of a small bench
 * page (bench/browser/) served by `vite preview` with COOP/COEP.
 *
 * Reports, under the `training` part (bench/main.ts merges it in):
 *   wasm_chromium            wasm, single thread (SIMD build): the bar's figure
 *   wasm_threaded_chromium   wasm asking for 2 threads (the threaded SIMD build,
 *                            needs cross-origin isolation and an unminified
 *                            worker bundle); tfjs caps the pool at
 *                            hardwareConcurrency / 2, so 1 thread on 2 cores
 *   webgl_chromium           webgl (SwiftShader here: no GPU), few steps
 *   auto_chromium            what `auto` picks in the worker and why, with the probes
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium, type Page } from 'playwright-core';
import { build, preview } from 'vite';
import type { BrowserBenchRequest, BrowserBenchResult } from '../browser/main.ts';
import { contentSecurityPolicy } from '../../scripts/vite-csp.ts';

const CHROMIUM = '/usr/bin/chromium';
const ARGS = ['--no-sandbox', '--disable-background-networking', '--disable-component-update', '--disable-sync'];
const HERE = dirname(fileURLToPath(import.meta.url));
const ROOT = resolve(HERE, '../..');

const round = (v: number, d = 1) => Math.round(v * 10 ** d) / 10 ** d;

async function run(page: Page, url: string, request: BrowserBenchRequest, timeoutMs: number): Promise<BrowserBenchResult> {
  const t0 = performance.now();
  try {
    return await runOnce(page, url, request, timeoutMs);
  } finally {
    if (process.env.NEURONAS_BENCH_VERBOSE) process.stderr.write(`training-browser: ${JSON.stringify(request)} ${((performance.now() - t0) / 1000).toFixed(1)} s\n`);
  }
}

async function runOnce(page: Page, url: string, request: BrowserBenchRequest, timeoutMs: number): Promise<BrowserBenchResult> {
  await page.goto(url);
  await page.waitForFunction('document.body.dataset.ready === "1"', null, { timeout: 30_000 });
  // Page-side code goes as source text (tsx, the bench's loader, would inject helpers the page lacks).
  let timer: ReturnType<typeof setTimeout> | undefined;
  try {
    return (await Promise.race([
      page.evaluate(`window.__trainingBench(${JSON.stringify(request)})`),
      new Promise((_, reject) => {
        timer = setTimeout(() => reject(new Error(`timed out after ${timeoutMs / 1000} s`)), timeoutMs);
      }),
    ])) as BrowserBenchResult;
  } finally {
    // A pending timer keeps Node's event loop alive: left running, each run held the finished bench open for its full 300 s.
    clearTimeout(timer);
  }
}

function summary(r: BrowserBenchResult): Record<string, unknown> {
  const b = r.bench!;
  return {
    samples_per_s: round(b.samplesPerS),
    ms_per_step: round(b.msPerStep, 2),
    backend: b.backend,
    wasm_threads: b.wasmThreads,
    steps: b.steps,
    batch: b.batch,
    timesteps: b.timesteps,
    loss_first_last: [round(b.firstLoss, 4), round(b.lastLoss, 4)],
    tensors_leaked: b.tensorsAfter - b.tensorsBefore,
    cross_origin_isolated: r.crossOriginIsolated,
    place: 'Chromium Web Worker (headless, /usr/bin/chromium)',
  };
}

/** Options: steps of the timed run (default 30). */
export async function benchTrainingBrowser(opts: { steps?: number } = {}): Promise<Record<string, unknown>> {
  const steps = opts.steps ?? 30;
  const outDir = await mkdtemp(join(tmpdir(), 'neuronas-bench-training-'));
  let server: Awaited<ReturnType<typeof preview>> | null = null;
  const browser = await chromium.launch({ executablePath: CHROMIUM, args: ARGS, headless: true });
  const out: Record<string, unknown> = {};
  try {
    const root = join(ROOT, 'bench/browser');
    const configFile = join(ROOT, 'vite.config.ts');
    const tb = performance.now();
    await build({ root, configFile, logLevel: 'error', publicDir: false, build: { outDir, emptyOutDir: true } });
    if (process.env.NEURONAS_BENCH_VERBOSE) process.stderr.write(`training-browser: build ${((performance.now() - tb) / 1000).toFixed(1)} s\n`);
    // The threaded run starts tfjs's pthread workers from blob: URLs, which the studio's policy refuses.
    const headers = { 'Content-Security-Policy': contentSecurityPolicy({ header: true, threadedWasm: true }) };
    server = await preview({ root, configFile, logLevel: 'error', build: { outDir }, preview: { port: 0, host: '127.0.0.1', open: false, headers } });
    const url = server.resolvedUrls?.local[0];
    if (!url) throw new Error('vite preview did not report a URL');
    const page = await browser.newPage();
    const errors: string[] = [];
    page.on('pageerror', (e) => errors.push(e.message));

    const single = await run(page, url, { backend: 'wasm', wasmThreads: 1, steps }, 300_000);
    out.wasm_chromium = summary(single);
    try {
      const threaded = await run(page, url, { backend: 'wasm', wasmThreads: 2, steps }, 300_000);
      out.wasm_threaded_chromium = {
        ...summary(threaded),
        threads_requested: 2,
        threads_note:
          (threaded.bench!.wasmThreads ?? 1) > 1
            ? threaded.init.wasmThreadsNote ?? null
            : `the threaded SIMD build loaded (${threaded.init.wasmThreadsNote ?? ''}), but tfjs-backend-wasm caps XNNPACK's pool at navigator.hardwareConcurrency / 2 = ${Math.floor(threaded.hardwareConcurrency / 2)} thread(s) on this ${threaded.hardwareConcurrency}-core machine`,
      };
    } catch (e) {
      out.wasm_threaded_chromium = { error: e instanceof Error ? e.message : String(e) };
    }
    try {
      const gl = await run(page, url, { backend: 'webgl', steps: 5, warmup: 1 }, 300_000);
      out.webgl_chromium = gl.init.backend === 'webgl' ? { ...summary(gl), renderer: gl.init.renderer ?? null, software_gpu: gl.init.softwareGpu } : { skipped: gl.init.reason };
    } catch (e) {
      out.webgl_chromium = { error: e instanceof Error ? e.message : String(e) };
    }
    const auto = await run(page, url, { backend: 'auto', steps: 0 }, 300_000);
    out.auto_chromium = {
      backend: auto.init.backend,
      reason: auto.init.reason,
      probes: auto.init.probes,
      software_gpu: auto.init.softwareGpu,
      renderer: auto.init.renderer ?? null,
      wasm_threads: auto.init.wasmThreads ?? null,
      init_ms: round(auto.init.ms),
    };
    if (errors.length) out.page_errors = errors;
    return out;
  } finally {
    await browser.close();
    await server?.close();
    await rm(outDir, { recursive: true, force: true });
  }
}
