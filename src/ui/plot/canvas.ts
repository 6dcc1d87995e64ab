/** Canvas set-up shared by every canvas the studio draws on (the plots' layers, the crossbar map). */

export function devicePixelRatio(): number {
  return typeof window === 'undefined' ? 1 : window.devicePixelRatio || 1;
}

/**
 * Sizes the canvas's backing store to `width` × `height` CSS pixels at
 * `dpr` (left as it is when it already fits: setting a size clears the
 * canvas and reallocates it), and returns its 2-D context drawing in CSS
 * pixels; null where the canvas has no 2-D context.
 */
export function fitCanvas(canvas: HTMLCanvasElement, width: number, height: number, dpr: number): CanvasRenderingContext2D | null {
  const w = Math.round(width * dpr);
  const h = Math.round(height * dpr);
  if (canvas.width !== w) canvas.width = w;
  if (canvas.height !== h) canvas.height = h;
  const ctx = canvas.getContext('2d');
  ctx?.setTransform(dpr, 0, 0, dpr, 0, 0);
  return ctx;
}
