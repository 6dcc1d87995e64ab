/**
 * Where each neuron of a LIF layer goes in its spike map: a convolutional
 * layer's [H, W, C] maps as C tiles of H×W (one per channel, left to right,
 * top to bottom, a pixel apart), a fully connected layer's N neurons as a
 * near-square block. One pixel per neuron; the page scales the map up
 * without smoothing.
 */

export interface SpikeMapLayout {
  /** map size in pixels */
  width: number;
  height: number;
  /** one tile per channel (a fully connected layer: one tile) */
  tiles: number;
  tilesAcross: number;
  tileWidth: number;
  tileHeight: number;
  /** neurons in the layer */
  neurons: number;
  /** gap between tiles, px */
  gap: number;
}

export const TILE_GAP = 1;

export function spikeMapLayout(shape: readonly number[]): SpikeMapLayout {
  const neurons = shape.reduce((a, d) => a * d, 1);
  if (!(neurons >= 1) || shape.some((d) => !Number.isInteger(d) || d < 1)) throw new RangeError(`a spike map needs a layer shape of whole sizes ≥ 1 (got [${shape.join(', ')}])`);
  if (shape.length === 3) {
    const [h, w, c] = shape;
    const across = Math.ceil(Math.sqrt(c));
    const down = Math.ceil(c / across);
    return { width: across * w + (across - 1) * TILE_GAP, height: down * h + (down - 1) * TILE_GAP, tiles: c, tilesAcross: across, tileWidth: w, tileHeight: h, neurons, gap: TILE_GAP };
  }
  const w = Math.ceil(Math.sqrt(neurons));
  const h = Math.ceil(neurons / w);
  return { width: w, height: h, tiles: 1, tilesAcross: 1, tileWidth: w, tileHeight: h, neurons, gap: TILE_GAP };
}

/** The pixel (x, y) of neuron q (its index in the layer's row-major [H, W, C] or [N]). */
export function neuronPixel(layout: SpikeMapLayout, q: number): [number, number] {
  // A fully connected layer is one tile: channel 0, rows of tileWidth neurons.
  const c = q % layout.tiles;
  const pos = Math.floor(q / layout.tiles);
  const x = pos % layout.tileWidth;
  const y = Math.floor(pos / layout.tileWidth);
  const tx = c % layout.tilesAcross;
  const ty = Math.floor(c / layout.tilesAcross);
  return [tx * (layout.tileWidth + layout.gap) + x, ty * (layout.tileHeight + layout.gap) + y];
}

export type Rgba = readonly [number, number, number, number];

/**
 * The map's RGBA pixels: `spike` where the row's bit is set, `rest` at a
 * neuron that did not fire, transparent in the gaps between tiles.
 */
export function spikeMapPixels(row: Uint8Array, layout: SpikeMapLayout, spike: Rgba, rest: Rgba): Uint8ClampedArray {
  const out = new Uint8ClampedArray(layout.width * layout.height * 4);
  for (let q = 0; q < layout.neurons; q++) {
    const [x, y] = neuronPixel(layout, q);
    const c = ((row[q >>> 3] >>> (q & 7)) & 1) === 1 ? spike : rest;
    const o = (y * layout.width + x) * 4;
    out[o] = c[0];
    out[o + 1] = c[1];
    out[o + 2] = c[2];
    out[o + 3] = c[3];
  }
  return out;
}
