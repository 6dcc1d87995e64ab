/**
 * Pictures for the spike raster, pure (data in through props), drawn on
 * canvases one pixel per neuron or per image pixel and scaled up by the
 * stylesheet without smoothing:
 *  - SpikeMap: one layer's spikes for one image at one timestep (layout:
 *    spike-map.ts), in the colour of what it shows;
 *  - InputImage: the image that went in.
 * Mid-tone colours that read on the light and the dark panel alike.
 */
import { memo, useLayoutEffect, useMemo, useRef } from 'react';
import { spikeMapLayout, spikeMapPixels, type Rgba } from './spike-map.ts';

/** What a map shows: image A's spikes, image B's, or where they differ. */
export type SpikeMapKind = 'a' | 'b' | 'differ';

/** The colours of the spike maps; the stylesheet's --spike-a, --spike-b and --spike-differ (src/ui/theme.css) are these. */
export const SPIKE_COLORS: Readonly<Record<SpikeMapKind, Rgba>> = {
  a: [78, 121, 167, 255],
  b: [242, 142, 43, 255],
  differ: [225, 87, 89, 255],
};
/** A neuron that did not fire: a grey that shows on either theme. */
export const REST_COLOR: Rgba = [128, 128, 128, 56];

export interface SpikeMapProps {
  /** the layer's bit-packed spikes at one step (src/core/snn/raster.ts) */
  row: Uint8Array;
  /** the layer's shape for one image at one step: [H, W, C] or [N] */
  shape: readonly number[];
  kind: SpikeMapKind;
  /** what the map shows, for screen readers and tests */
  label: string;
  testId?: string;
}

export const SpikeMap = memo(function SpikeMap({ row, shape, kind, label, testId }: SpikeMapProps) {
  const ref = useRef<HTMLCanvasElement>(null);
  const layout = useMemo(() => spikeMapLayout(shape), [shape]);
  useLayoutEffect(() => {
    const canvas = ref.current;
    if (!canvas) return;
    canvas.width = layout.width;
    canvas.height = layout.height;
    const ctx = canvas.getContext('2d');
    if (!ctx) return;
    const img = ctx.createImageData(layout.width, layout.height);
    img.data.set(spikeMapPixels(row, layout, SPIKE_COLORS[kind], REST_COLOR));
    ctx.putImageData(img, 0, 0);
  }, [row, layout, kind]);
  return <canvas ref={ref} className={`spike-map spike-map-${kind}`} role="img" aria-label={label} data-testid={testId} style={{ aspectRatio: `${layout.width} / ${layout.height}` }} />;
});

export interface InputImageProps {
  /** bytes, HWC */
  pixels: Uint8Array;
  shape: readonly [number, number, number];
  label: string;
  testId?: string;
}

/** The image as the network saw it: grey levels for one channel, colour for three. */
export const InputImage = memo(function InputImage({ pixels, shape, label, testId }: InputImageProps) {
  const ref = useRef<HTMLCanvasElement>(null);
  useLayoutEffect(() => {
    const canvas = ref.current;
    if (!canvas) return;
    const [h, w, c] = shape;
    canvas.width = w;
    canvas.height = h;
    const ctx = canvas.getContext('2d');
    if (!ctx) return;
    const img = ctx.createImageData(w, h);
    for (let p = 0; p < w * h; p++) {
      const o = p * 4;
      img.data[o] = pixels[p * c];
      img.data[o + 1] = pixels[p * c + (c === 3 ? 1 : 0)];
      img.data[o + 2] = pixels[p * c + (c === 3 ? 2 : 0)];
      img.data[o + 3] = 255;
    }
    ctx.putImageData(img, 0, 0);
  }, [pixels, shape]);
  return <canvas ref={ref} className="input-image" role="img" aria-label={label} data-testid={testId} />;
});
