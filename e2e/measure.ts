/**
 * Browser-side measurement of a budget-slider move: from the input event to
 * the points redrawn (performance mark `neuronas:points-drawn`), and to the
 * end of the next frame. Shared by the e2e perf check and the bench.
 */
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
  tdur?: number;
}

/**
 * Records the page's main-thread tasks with a Chromium trace (category
 * `toplevel`: each task with its wall and thread time) until `stop()`.
 * Thread time is what the page's own script and rendering cost; wall time
 * also holds the time the thread waited for a core, which a machine loaded
 * by other processes stretches (so long-task durations alone are a noisy
 * gate there). Chromium only.
 */
export async function traceMainThread(page: Page): Promise<{ stop(): Promise<MainThreadTask[]> }> {
  const cdp = await page.context().newCDPSession(page);
  const events: TraceEvent[] = [];
  cdp.on('Tracing.dataCollected', (d) => void events.push(...(d.value as unknown as TraceEvent[])));
  await cdp.send('Tracing.start', { traceConfig: { includedCategories: ['toplevel', 'blink.user_timing'], recordMode: 'recordContinuously' }, transferMode: 'ReportEvents' });
  // The page's main thread is the one that makes these marks.
  await page.evaluate(`performance.mark('neuronas:trace-start')`);
  return {
    async stop() {
      await page.evaluate(`performance.mark('neuronas:trace-end')`);
      const complete = new Promise<void>((resolve) => cdp.once('Tracing.tracingComplete', () => resolve()));
      await cdp.send('Tracing.end');
      await complete;
      await cdp.detach();
      const start = events.find((e) => e.name === 'neuronas:trace-start');
      const end = events.find((e) => e.name === 'neuronas:trace-end');
      if (!start || !end) throw new Error('the trace holds no marks of the page');
      return events
        .filter((e) => e.pid === start.pid && e.tid === start.tid && e.ph === 'X' && (e.name === 'ThreadControllerImpl::RunTask' || e.name === 'RunTask') && e.ts > start.ts && e.ts < end.ts)
        .map((e) => ({ wallMs: (e.dur ?? 0) / 1000, cpuMs: e.tdur === undefined ? NaN : e.tdur / 1000 }));
    },
  };
}
