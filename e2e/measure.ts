/**
 * Browser-side measurement of a budget-slider move: from the input event to
 * the points redrawn (performance mark `neuronas:points-drawn`), and to the
 * end of the next frame. Shared by the e2e perf check and the bench.
 */
import { Worker } from 'node:worker_threads';
import type { Page } from 'playwright-core';

export interface RedrawStats {
  candidates: number;
  moves: number;
  /** input event → feasibility recomputed, React committed, canvas redrawn (synchronous), ms */
  inputToDrawnMedianMs: number;
  inputToDrawnP90Ms: number;
  /** the canvas pass alone, ms */
  drawMedianMs: number;
  /** input event → the next frame done (includes waiting for vsync), ms */
  inputToNextFrameMedianMs: number;
}

const IN_PAGE = `async function (moves) {
  var slider = document.querySelector('[data-testid=slider-maxAreaMm2]');
  var setValue = Object.getOwnPropertyDescriptor(HTMLInputElement.prototype, 'value').set;
  var nextFrameDone = function () {
    return new Promise(function (resolve) {
      requestAnimationFrame(function () {
        var c = new MessageChannel();
        c.port1.onmessage = function () { resolve(performance.now()); };
        c.port2.postMessage(0);
      });
    });
  };
  var out = [];
  for (var k = 0; k < moves; k++) {
    await nextFrameDone();
    performance.clearMarks('neuronas:points-drawn');
    var t0 = performance.now();
    setValue.call(slider, String(120 + (k % 12) * 12));
    slider.dispatchEvent(new Event('input', { bubbles: true }));
    var marks = performance.getEntriesByName('neuronas:points-drawn');
    var mark = marks[marks.length - 1];
    var t2 = await nextFrameDone();
    out.push({ drawn: mark ? mark.startTime - t0 : NaN, draw: mark && mark.detail ? mark.detail.drawMs : NaN, frame: t2 - t0 });
  }
  return out;
}`;

export async function measureSliderRedraw(page: Page, moves = 30): Promise<RedrawStats> {
  // Sent as source text: tsx (the bench's loader) would otherwise inject helpers the page does not have.
  const rows = (await page.evaluate(`(${IN_PAGE})(${Number(moves)})`)) as { drawn: number; draw: number; frame: number }[];
  const sorted = (a: number[]) => [...a].sort((x, y) => x - y);
  const median = (a: number[]) => sorted(a)[a.length >> 1];
  const p90 = (a: number[]) => sorted(a)[Math.floor(a.length * 0.9)];
  const round = (v: number) => Math.round(v * 100) / 100;
  const candidates = Number((await page.getByTestId('candidate-count').innerText()).replace(/[^0-9]/g, ''));
  return {
    candidates,
    moves,
    inputToDrawnMedianMs: round(median(rows.map((r) => r.drawn))),
    inputToDrawnP90Ms: round(p90(rows.map((r) => r.drawn))),
    drawMedianMs: round(median(rows.map((r) => r.draw))),
    inputToNextFrameMedianMs: round(median(rows.map((r) => r.frame))),
  };
}

/** One main-thread task: its wall time, and the CPU time its thread spent on it. */
export interface MainThreadTask {
  /** trace timestamp of its start, µs (CLOCK_MONOTONIC) */
  startUs: number;
  wallMs: number;
  cpuMs: number;
}

interface TraceEvent {
  name: string;
  ph: string;
  pid: number;
  tid: number;
  ts: number;
  dur?: number;
}

type Cdp = Awaited<ReturnType<ReturnType<Page['context']>['newCDPSession']>>;

async function recordTrace(cdp: Cdp, categories: string[]): Promise<() => Promise<TraceEvent[]>> {
  const events: TraceEvent[] = [];
  const onData = (d: { value: object[] }) => void events.push(...(d.value as TraceEvent[]));
  cdp.on('Tracing.dataCollected', onData);
  await cdp.send('Tracing.start', { traceConfig: { includedCategories: categories, recordMode: 'recordContinuously' }, transferMode: 'ReportEvents' });
  return async () => {
    const complete = new Promise<void>((resolve) => cdp.once('Tracing.tracingComplete', () => resolve()));
    await cdp.send('Tracing.end');
    await complete;
    cdp.off('Tracing.dataCollected', onData);
    return events;
  };
}

/** The OS process and thread ids of the page's main thread: the thread that makes a performance mark, as traced. */
async function mainThreadIds(page: Page, cdp: Cdp): Promise<{ pid: number; tid: number }> {
  const stop = await recordTrace(cdp, ['blink.user_timing']);
  await page.evaluate(`performance.mark('neuronas:which-thread')`);
  const mark = (await stop()).find((e) => e.name === 'neuronas:which-thread');
  if (!mark) throw new Error('the trace holds no mark of the page');
  return { pid: mark.pid, tid: mark.tid };
}

/**
 * Samples a thread's CPU time from Linux's per-thread scheduler statistics
 * (/proc/PID/task/TID/schedstat, first field: ns spent on a CPU) about every
 * `periodMs`, in a worker thread of this process, with CLOCK_MONOTONIC
 * timestamps (the clock Chromium's trace uses on Linux).
 *
 * The kernel brings that counter up to date when the thread is switched out
 * (a task that ends and sleeps: exact) and at every scheduler tick while it
 * runs (4 ms at this kernel's HZ = 250): so CPU over an interval is exact to
 * within a tick at each end where tasks run back to back, plus the sampling
 * period.
 */
async function sampleThreadCpu(pid: number, tid: number, periodMs = 1): Promise<{ stop(): Promise<Float64Array> }> {
  const source = `
    const { parentPort, workerData } = require('node:worker_threads');
    const { openSync, readSync, closeSync } = require('node:fs');
    const { path, periodMs, flag } = workerData;
    const stopFlag = new Int32Array(flag);
    const fd = openSync(path, 'r');
    const buf = Buffer.alloc(128);
    const out = [];
    while (Atomics.load(stopFlag, 0) === 0) {
      const n = readSync(fd, buf, 0, buf.length, 0);
      const ns = Number(buf.toString('latin1', 0, n).split(' ')[0]);
      out.push(Number(process.hrtime.bigint()), ns);
      if (out.length === 2) parentPort.postMessage('sampling');
      Atomics.wait(stopFlag, 0, 0, periodMs);
    }
    closeSync(fd);
    parentPort.postMessage(new Float64Array(out));
  `;
  const flag = new SharedArrayBuffer(4);
  const worker = new Worker(source, { eval: true, workerData: { path: `/proc/${pid}/task/${tid}/schedstat`, periodMs, flag } });
  let started!: () => void;
  const sampling = new Promise<void>((resolve) => (started = resolve));
  const samples = new Promise<Float64Array>((resolve, reject) => {
    worker.on('message', (m: unknown) => (m === 'sampling' ? started() : resolve(m as Float64Array)));
    worker.once('error', reject);
  });
  await Promise.race([sampling, samples]);
  return {
    async stop() {
      const f = new Int32Array(flag);
      Atomics.store(f, 0, 1);
      Atomics.notify(f, 0);
      const s = await samples;
      await worker.terminate();
      return s;
    },
  };
}

/** The thread's CPU ns at monotonic time `tNs`, interpolated between the samples (pairs: time ns, cpu ns). */
function cpuAt(samples: Float64Array, tNs: number): number {
  const n = samples.length / 2;
  if (n === 0 || tNs < samples[0] || tNs > samples[2 * (n - 1)]) return NaN;
  let lo = 0;
  let hi = n - 1;
  while (hi - lo > 1) {
    const mid = (lo + hi) >> 1;
    if (samples[2 * mid] <= tNs) lo = mid;
    else hi = mid;
  }
  const t0 = samples[2 * lo];
  const t1 = samples[2 * hi];
  const c0 = samples[2 * lo + 1];
  const c1 = samples[2 * hi + 1];
  return t1 === t0 ? c0 : c0 + ((c1 - c0) * (tNs - t0)) / (t1 - t0);
}

/**
 * Records the page's main-thread tasks, with the CPU time each one used,
 * until `stop()`. Chromium on Linux only, started without its sandbox (as
 * the e2e tests and the bench start it: its trace ids are then the OS's).
 *
 * - Task boundaries come from a Chromium trace (category `toplevel`: each
 *   task's start and wall duration, which every trace carries).
 * - CPU time comes from the kernel, not from the trace's thread time
 *   (`tdur`): Chromium 156 as Debian ships it (156.0.8078.114) left `tdur`
 *   out of every task on a fresh machine, so a gate on it read NaN. The
 *   kernel's count does not depend on what the browser traced before.
 *
 * Wall time also holds the time the thread waited for a core, which other
 * processes (and the search's own workers, on two cores) stretch without
 * bound; CPU time is what the page's own script and rendering cost.
 * Before it returns, it checks that it watches the right thread: a 40 ms
 * busy loop in the page must show as CPU time on it.
 */
export async function traceMainThread(page: Page): Promise<{ stop(): Promise<MainThreadTask[]> }> {
  if (process.platform !== 'linux') throw new Error('traceMainThread reads /proc: Linux only');
  const cdp = await page.context().newCDPSession(page);
  const { pid, tid } = await mainThreadIds(page, cdp);
  const sampler = await sampleThreadCpu(pid, tid);
  const stopTrace = await recordTrace(cdp, ['toplevel', 'blink.user_timing']);
  const spinStart = Number(process.hrtime.bigint());
  await page.evaluate(`(() => { const t = performance.now(); while (performance.now() - t < 40); })()`);
  const spinEnd = Number(process.hrtime.bigint());
  await page.evaluate(`performance.mark('neuronas:trace-start')`);
  return {
    async stop() {
      await page.evaluate(`performance.mark('neuronas:trace-end')`);
      const events = await stopTrace();
      await cdp.detach();
      const samples = await sampler.stop();
      const spinCpuMs = (cpuAt(samples, spinEnd) - cpuAt(samples, spinStart)) / 1e6;
      if (!(spinCpuMs >= 10)) throw new Error(`the CPU samples of thread ${pid}/${tid} do not show the page's 40 ms busy loop (${spinCpuMs} ms): not the page's main thread`);
      const start = events.find((e) => e.name === 'neuronas:trace-start');
      const end = events.find((e) => e.name === 'neuronas:trace-end');
      if (!start || !end) throw new Error('the trace holds no marks of the page');
      if (start.pid !== pid || start.tid !== tid) throw new Error(`the page's main thread moved from ${pid}/${tid} to ${start.pid}/${start.tid} (a navigation to another process?)`);
      return events
        .filter((e) => e.pid === pid && e.tid === tid && e.ph === 'X' && (e.name === 'ThreadControllerImpl::RunTask' || e.name === 'RunTask') && e.ts > start.ts && e.ts < end.ts)
        .map((e) => {
          const dur = e.dur ?? 0;
          return { startUs: e.ts, wallMs: dur / 1000, cpuMs: (cpuAt(samples, (e.ts + dur) * 1000) - cpuAt(samples, e.ts * 1000)) / 1e6 };
        });
    },
  };
}

/** The gate on a page's main-thread tasks during a search: none over 50 ms of CPU, at most one over 30 ms. */
export function mainThreadTaskProblems(tasks: readonly MainThreadTask[], limits = { maxCpuMs: 50, heavyCpuMs: 30, heavyAllowed: 1 }): string[] {
  const problems: string[] = [];
  if (tasks.length === 0) problems.push('no main-thread task was recorded');
  const unmeasured = tasks.filter((t) => !Number.isFinite(t.cpuMs));
  if (unmeasured.length) problems.push(`${unmeasured.length} task(s) have no CPU measure`);
  for (const t of tasks) if (t.cpuMs > limits.maxCpuMs) problems.push(`a task used ${t.cpuMs.toFixed(1)} ms of CPU (${t.wallMs.toFixed(1)} ms wall), over ${limits.maxCpuMs} ms`);
  const heavy = tasks.filter((t) => t.cpuMs > limits.heavyCpuMs).length;
  if (heavy > limits.heavyAllowed) problems.push(`${heavy} tasks used over ${limits.heavyCpuMs} ms of CPU (at most ${limits.heavyAllowed} may)`);
  return problems;
}
