/**
 * Rendering React components in a DOM test environment (happy-dom, set per
 * file with `// @vitest-environment happy-dom`), with what that
 * environment lacks and a browser has:
 *
 * - Layout. happy-dom lays nothing out: every box is 0 × 0 and its
 *   ResizeObserver never reports. `render` installs a ResizeObserver that
 *   reports the size the test asks for for every observed element, once, as
 *   a browser does after the first layout; the plots size themselves from
 *   it. Boxes stay at the page's origin (getBoundingClientRect), so pointer
 *   events' client coordinates are positions in the element they are sent
 *   to, and text measures 0 × 0, so recharts never drops a tick label.
 *   (Recharts' warning that a chart is 0 × 0 before the observer reports is
 *   dropped.)
 * - A 2-D canvas. happy-dom's canvases have no context. A canvas's
 *   `getContext('2d')` returns a real one, Skia's (@napi-rs/canvas), of the
 *   canvas's current backing-store size, so what a component draws can be
 *   read back as pixels with `canvasPixel`.
 */
import { act, type ReactNode } from 'react';
import { createRoot, type Root } from 'react-dom/client';
import { createCanvas, type Canvas } from '@napi-rs/canvas';

(globalThis as { IS_REACT_ACT_ENVIRONMENT?: boolean }).IS_REACT_ACT_ENVIRONMENT = true;

let layoutSize = { width: 800, height: 400 };

class SizedResizeObserver {
  private readonly callback: ResizeObserverCallback;
  private live = true;
  constructor(callback: ResizeObserverCallback) {
    this.callback = callback;
  }
  observe(target: Element): void {
    const { width, height } = layoutSize;
    queueMicrotask(() => {
      if (!this.live) return;
      const entry = { target, contentRect: { x: 0, y: 0, top: 0, left: 0, width, height, right: width, bottom: height } } as unknown as ResizeObserverEntry;
      this.callback([entry], this as unknown as ResizeObserver);
    });
  }
  unobserve(): void {}
  disconnect(): void {
    this.live = false;
  }
}

const warn = console.warn;
console.warn = (...args: unknown[]) => {
  if (typeof args[0] === 'string' && args[0].startsWith('The width(0) and height(0) of chart should be greater than 0')) return;
  warn(...args);
};

const backing = new WeakMap<HTMLCanvasElement, Canvas>();

function installCanvas(): void {
  const proto = HTMLCanvasElement.prototype as unknown as { getContext(type: string): unknown };
  proto.getContext = function (this: HTMLCanvasElement, type: string) {
    if (type !== '2d') return null;
    let c = backing.get(this);
    // A browser canvas is cleared and reallocated when its size changes: so is this one.
    if (!c || c.width !== this.width || c.height !== this.height) {
      c = createCanvas(this.width, this.height);
      backing.set(this, c);
    }
    const ctx = c.getContext('2d');
    // Code reads ctx.canvas for the backing-store size: the DOM element's, as in a browser.
    Object.defineProperty(ctx, 'canvas', { value: this, configurable: true });
    return ctx;
  };
}

export interface Rendered {
  container: HTMLElement;
  rerender(ui: ReactNode): Promise<void>;
  unmount(): void;
}

const mounted: Root[] = [];

/** Renders `ui` into a fresh container whose observed elements are `size` CSS px, and waits for the sized render. */
export async function render(ui: ReactNode, size = { width: 800, height: 400 }): Promise<Rendered> {
  layoutSize = size;
  globalThis.ResizeObserver = SizedResizeObserver as unknown as typeof ResizeObserver;
  installCanvas();
  const container = document.createElement('div');
  document.body.append(container);
  const root = createRoot(container);
  mounted.push(root);
  await act(async () => root.render(ui));
  return {
    container,
    async rerender(next) {
      await act(async () => root.render(next));
    },
    unmount() {
      act(() => root.unmount());
      container.remove();
    },
  };
}

/** Unmounts everything `render` mounted (call in afterEach). */
export function cleanup(): void {
  for (const root of mounted.splice(0)) act(() => root.unmount());
  document.body.innerHTML = '';
}

/** The RGBA of one device pixel of a canvas a component drew on. */
export function canvasPixel(canvas: HTMLCanvasElement, x: number, y: number): [number, number, number, number] {
  const ctx = canvas.getContext('2d')!;
  const d = ctx.getImageData(Math.round(x), Math.round(y), 1, 1).data;
  return [d[0], d[1], d[2], d[3]];
}

/** Texts of the elements matching `selector` under `root`, in document order. */
export function texts(root: ParentNode, selector: string): string[] {
  return Array.from(root.querySelectorAll(selector), (e) => e.textContent ?? '');
}
