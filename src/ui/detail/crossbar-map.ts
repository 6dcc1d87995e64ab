/**
 * The crossbar mapping of one architecture as squares to draw: every
 * crossbar of every PE, packed into tiles in layer order as the cost model
 * packs them (layers share tiles), each filled in proportion to the cells
 * that hold a weight.
 *
 * A crossbar holds one X×X block of a layer's weight matrix (input channels
 * on rows, output columns on columns): block (r, c) is full except at the
 * matrix's last row and column blocks. In mode `neuronas` a layer's k²
 * kernel-tap blocks are packed into PEs of k_hw² crossbars; in mode
 * `spikesim` each block has a PE of its own whose first min(k², k_hw²)
 * crossbars are used.
 *
 * Big networks are aggregated so the picture stays fast and readable: one
 * square per crossbar up to MAX_CROSSBAR_SQUARES, else one per PE (its mean
 * fill) up to MAX_PE_SQUARES, else one per group of whole tiles. The layout
 * says which, for the caption.
 */
import type { CostReport, LayerReport } from '../../core/cost/report.ts';

export const MAX_CROSSBAR_SQUARES = 3000;
export const MAX_PE_SQUARES = 2048;
export const MAX_GROUP_SQUARES = 2048;

export interface MappedLayer {
  name: string;
  index: number;
  pes: number;
  crossbars: number;
  utilisation: number;
  /** global index of the layer's first PE (PEs are packed into tiles in this order) */
  firstPe: number;
  /** fill in [0, 1] of crossbar `slot` of the layer's PE `pe` */
  fill(pe: number, slot: number): number;
}

export interface Mapping {
  layers: MappedLayer[];
  /** crossbars per PE (k_hw²) and their grid side */
  perPe: number;
  peSide: number;
  pesPerTile: number;
  xbar: number;
  totalPes: number;
  totalCrossbars: number;
  tiles: number;
}

function blockFill(l: LayerReport, X: number, block: number): number {
  const r = Math.floor(block / l.col_blocks);
  const c = block - r * l.col_blocks;
  const rows = Math.min(X, l.cin - r * X);
  const cols = Math.min(X, l.columns - c * X);
  return (rows * cols) / (X * X);
}

export function mappingOf(report: CostReport): Mapping {
  const hw = report.hardware;
  const X = hw.xbar;
  const side = hw.kernel;
  const perPe = side * side;
  const spikesim = report.mode === 'spikesim';
  let firstPe = 0;
  const layers = report.layers.map((l): MappedLayer => {
    const k2 = l.k * l.k;
    const used = spikesim ? Math.min(k2, perPe) : k2;
    const blocks = l.row_blocks * l.col_blocks;
    const fill = spikesim
      ? (pe: number, slot: number) => (slot < used && pe < blocks ? blockFill(l, X, pe) : 0)
      : (pe: number, slot: number) => {
          // Crossbar j of the layer holds tap (j mod k²) of block ⌊j / k²⌋.
          const j = pe * perPe + slot;
          return j < blocks * k2 ? blockFill(l, X, Math.floor(j / k2)) : 0;
        };
    const m: MappedLayer = { name: l.name, index: l.index, pes: l.pes, crossbars: l.crossbars, utilisation: l.utilisation, firstPe, fill };
    firstPe += l.pes;
    return m;
  });
  return { layers, perPe, peSide: side, pesPerTile: hw.pes_per_tile, xbar: X, totalPes: firstPe, totalCrossbars: firstPe * perPe, tiles: report.tiles };
}

export type MapLevel = 'crossbar' | 'pe' | 'group';

export interface MapLayout {
  level: MapLevel;
  width: number;
  height: number;
  /** square size, CSS px */
  size: number;
  count: number;
  x: Float32Array;
  y: Float32Array;
  fill: Float32Array;
  /** index into mapping.layers of the square's layer (the majority layer of a group) */
  layer: Int32Array;
  /** first global PE of the square */
  pe: Int32Array;
  /** crossbar slot within its PE (crossbar level), else −1 */
  slot: Int16Array;
  /** PEs a square stands for (1 at the crossbar and PE levels) */
  pesPerSquare: number;
  /** outlines: tiles (crossbar and PE levels) and PEs (crossbar level) */
  tileRects: { x: number; y: number; w: number; h: number }[];
  peRects: { x: number; y: number; w: number; h: number }[];
  /** one sentence on what a square is */
  caption: string;
}

function tileColumns(pesPerTile: number): number {
  // Tiles wider than tall: 8 PEs as 4 × 2.
  return Math.max(1, Math.ceil(Math.sqrt(pesPerTile * 2)));
}

/** Mean fill of global PE g's crossbars, and its layer. */
function peFill(m: Mapping, layerOfPe: Int32Array, g: number): number {
  const l = m.layers[layerOfPe[g]];
  let s = 0;
  for (let slot = 0; slot < m.perPe; slot++) s += l.fill(g - l.firstPe, slot);
  return s / m.perPe;
}

function layerIndexOfPes(m: Mapping): Int32Array {
  const out = new Int32Array(m.totalPes);
  m.layers.forEach((l, i) => out.fill(i, l.firstPe, l.firstPe + l.pes));
  return out;
}

export function crossbarMapLayout(m: Mapping, width: number): MapLayout {
  const layerOfPe = layerIndexOfPes(m);
  if (m.totalCrossbars <= MAX_CROSSBAR_SQUARES) return tiledLayout(m, layerOfPe, width, 'crossbar');
  if (m.totalPes <= MAX_PE_SQUARES) return tiledLayout(m, layerOfPe, width, 'pe');
  return groupLayout(m, layerOfPe, width);
}

function alloc(n: number) {
  return { x: new Float32Array(n), y: new Float32Array(n), fill: new Float32Array(n), layer: new Int32Array(n), pe: new Int32Array(n), slot: new Int16Array(n) };
}

function tiledLayout(m: Mapping, layerOfPe: Int32Array, width: number, level: 'crossbar' | 'pe'): MapLayout {
  const perSquare = level === 'crossbar' ? m.perPe : 1;
  const squares = m.totalPes * perSquare;
  // Small networks get bigger squares, so a handful of tiles does not shrink to a corner.
  const size = squares <= 400 ? 12 : squares <= 1200 ? 9 : level === 'crossbar' ? 6 : 8;
  const inner = 1; // gap between crossbars of a PE
  const peGap = level === 'crossbar' ? 3 : 2;
  const pad = 3;
  const tileGap = 6;
  const side = level === 'crossbar' ? m.peSide : 1;
  const peW = side * size + (side - 1) * inner;
  const cols = tileColumns(m.pesPerTile);
  const rows = Math.ceil(m.pesPerTile / cols);
  const tileW = 2 * pad + cols * peW + (cols - 1) * peGap;
  const tileH = 2 * pad + rows * peW + (rows - 1) * peGap;
  const tilesPerRow = Math.max(1, Math.floor((width + tileGap) / (tileW + tileGap)));
  const tiles = Math.ceil(m.totalPes / m.pesPerTile);
  const a = alloc(squares);
  const tileRects: MapLayout['tileRects'] = [];
  const peRects: MapLayout['peRects'] = [];
  let i = 0;
  for (let t = 0; t < tiles; t++) {
    const tx = (t % tilesPerRow) * (tileW + tileGap);
    const ty = Math.floor(t / tilesPerRow) * (tileH + tileGap);
    tileRects.push({ x: tx + 0.5, y: ty + 0.5, w: tileW - 1, h: tileH - 1 });
    for (let p = 0; p < m.pesPerTile; p++) {
      const g = t * m.pesPerTile + p;
      if (g >= m.totalPes) break;
      const px = tx + pad + (p % cols) * (peW + peGap);
      const py = ty + pad + Math.floor(p / cols) * (peW + peGap);
      const li = layerOfPe[g];
      const l = m.layers[li];
      if (level === 'crossbar') {
        peRects.push({ x: px - 1, y: py - 1, w: peW + 2, h: peW + 2 });
        for (let s = 0; s < m.perPe; s++) {
          a.x[i] = px + (s % side) * (size + inner);
          a.y[i] = py + Math.floor(s / side) * (size + inner);
          a.fill[i] = l.fill(g - l.firstPe, s);
          a.layer[i] = li;
          a.pe[i] = g;
          a.slot[i] = s;
          i++;
        }
      } else {
        a.x[i] = px;
        a.y[i] = py;
        a.fill[i] = peFill(m, layerOfPe, g);
        a.layer[i] = li;
        a.pe[i] = g;
        a.slot[i] = -1;
        i++;
      }
    }
  }
  const tileRowsCount = Math.ceil(tiles / tilesPerRow);
  const height = Math.max(0, tileRowsCount * (tileH + tileGap) - tileGap);
  const caption =
    level === 'crossbar'
      ? `Every crossbar (${m.xbar}×${m.xbar} cells) of every PE (${m.peSide}×${m.peSide} crossbars), ${m.pesPerTile} PEs to a tile; the coloured part of a square is the share of its cells that hold a weight.`
      : `${fmt(m.totalCrossbars)} crossbars are too many to draw one by one: each square is one PE (${m.perPe} crossbars), filled to its crossbars' mean fill; ${m.pesPerTile} PEs to a tile.`;
  return { level, width, height, size, count: i, ...a, pesPerSquare: 1, tileRects, peRects, caption };
}

function groupLayout(m: Mapping, layerOfPe: Int32Array, width: number): MapLayout {
  const tilesPerSquare = Math.ceil(m.totalPes / (m.pesPerTile * MAX_GROUP_SQUARES));
  const pesPerSquare = tilesPerSquare * m.pesPerTile;
  const n = Math.ceil(m.totalPes / pesPerSquare);
  const size = 9;
  const gap = 2;
  const perRow = Math.max(1, Math.floor((width + gap) / (size + gap)));
  const a = alloc(n);
  const votes = new Float64Array(m.layers.length);
  for (let i = 0; i < n; i++) {
    const from = i * pesPerSquare;
    const to = Math.min(m.totalPes, from + pesPerSquare);
    votes.fill(0);
    let s = 0;
    for (let g = from; g < to; g++) {
      s += peFill(m, layerOfPe, g);
      votes[layerOfPe[g]]++;
    }
    let best = 0;
    for (let l = 1; l < votes.length; l++) if (votes[l] > votes[best]) best = l;
    a.x[i] = (i % perRow) * (size + gap);
    a.y[i] = Math.floor(i / perRow) * (size + gap);
    a.fill[i] = s / (to - from);
    a.layer[i] = best;
    a.pe[i] = from;
    a.slot[i] = -1;
  }
  const height = Math.max(0, Math.ceil(n / perRow) * (size + gap) - gap);
  const caption = `${fmt(m.totalPes)} PEs (${fmt(m.totalCrossbars)} crossbars) are too many to draw one by one: each square is ${tilesPerSquare === 1 ? 'one tile' : `${tilesPerSquare} tiles`} (${pesPerSquare} PEs), filled to its crossbars' mean fill and coloured by the layer holding most of it.`;
  return { level: 'group', width, height, size, count: n, ...a, pesPerSquare, tileRects: [], peRects: [], caption };
}

/** Index of the square under (x, y), or −1. */
export function squareAt(layout: MapLayout, x: number, y: number): number {
  const s = layout.size;
  for (let i = 0; i < layout.count; i++) {
    const dx = x - layout.x[i];
    const dy = y - layout.y[i];
    if (dx >= 0 && dx < s && dy >= 0 && dy < s) return i;
  }
  return -1;
}

/** What a square stands for, in one line. */
export function describeSquare(m: Mapping, layout: MapLayout, i: number): string {
  const g = layout.pe[i];
  const l = m.layers[layout.layer[i]];
  const pct = `${Math.round(layout.fill[i] * 100)} % full`;
  const tile = Math.floor(g / m.pesPerTile);
  if (layout.level === 'crossbar') return `${l.name} · tile ${tile + 1}, PE ${g - l.firstPe + 1} of ${l.pes}, crossbar ${layout.slot[i] + 1} of ${m.perPe} · ${pct}`;
  if (layout.level === 'pe') return `${l.name} · tile ${tile + 1}, PE ${g - l.firstPe + 1} of ${l.pes} · ${pct} on average`;
  const last = Math.min(m.totalPes, g + layout.pesPerSquare) - 1;
  return `tiles ${tile + 1}–${Math.floor(last / m.pesPerTile) + 1} (PEs ${g + 1}–${last + 1}), mostly ${l.name} · ${pct} on average`;
}

function fmt(n: number): string {
  return String(n).replace(/\B(?=(\d{3})+(?!\d))/g, ',');
}

/** Colours of the picture's frame lines (from the theme): tile outlines and PE outlines. */
export interface MapColors {
  tile: string;
  pe: string;
}

/**
 * Draws the layout on a context in CSS pixels: tile and PE outlines, then
 * each square faintly in its layer's colour with the filled part (its share
 * of cells holding a weight, from the bottom) solid.
 */
export function drawCrossbarMap(ctx: CanvasRenderingContext2D, layout: MapLayout, colors: MapColors, colorOfLayer: (layer: number) => string): void {
  ctx.clearRect(0, 0, layout.width, layout.height);
  ctx.lineWidth = 1;
  ctx.strokeStyle = colors.tile || '#888';
  for (const r of layout.tileRects) ctx.strokeRect(r.x, r.y, r.w, r.h);
  ctx.strokeStyle = colors.pe || '#ccc';
  for (const r of layout.peRects) ctx.strokeRect(r.x + 0.5, r.y + 0.5, r.w - 1, r.h - 1);
  const s = layout.size;
  for (let i = 0; i < layout.count; i++) {
    const f = layout.fill[i];
    ctx.globalAlpha = 0.22;
    ctx.fillStyle = colorOfLayer(layout.layer[i]);
    ctx.fillRect(layout.x[i], layout.y[i], s, s);
    if (f > 0) {
      ctx.globalAlpha = 1;
      // Quarter-pixel steps, at least one pixel: a nearly empty crossbar still shows.
      const h = Math.max(1, Math.round(f * s * 4) / 4);
      ctx.fillRect(layout.x[i], layout.y[i] + s - h, s, h);
    }
  }
  ctx.globalAlpha = 1;
}
