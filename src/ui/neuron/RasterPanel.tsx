/**
 * What the training-free score compares: one LIF layer of a candidate, its
 * spikes at every timestep for two test images, side by side, where they
 * differ, and per step the Hamming distance and the kernel entry exactly as
 * the score computes them (src/core/snn/raster.ts pairKernel, through the
 * score's own function). The network is the untrained one the score builds:
 * the search's seed, the score batch beside the two images.
 *
 * Its choices (candidate, images, layer) stay on the page and out of the
 * link: they name a candidate, and the link carries the search's inputs, not
 * which candidate is open, so a shared link could not bring the same
 * network back.
 */
import { useEffect, useId, useMemo, useState } from 'react';
import { EMBEDDED_DATASETS, isEmbeddedDatasetName, type EmbeddedDatasetName } from '../../core/data/datasets.ts';
import { formatCount } from '../../core/metrics.ts';
import { KERNEL_EPS, pairKernel, xorRows, type PairKernel } from '../../core/snn/raster.ts';
import type { SpikeRasterResult } from '../../protocol/training.ts';
import { useStudio } from '../state/store.ts';
import { pageRasterController, useRaster, type RasterController } from './raster-controller.ts';
import { InputImage, SpikeMap, type SpikeMapKind } from './SpikeMap.tsx';

/** Row (image, step) of a result's packed spikes. */
function rowOf(r: SpikeRasterResult, image: number, t: number): Uint8Array {
  const start = (image * r.timesteps + t) * r.rowBytes;
  return r.spikes.subarray(start, start + r.rowBytes);
}

export interface StepComparison extends PairKernel {
  t: number;
  differ: Uint8Array;
}

/** Per step, the two images' spike vectors compared as the score's kernel compares them. */
export function compareSteps(r: SpikeRasterResult): StepComparison[] {
  const out: StepComparison[] = [];
  for (let t = 0; t < r.timesteps; t++) {
    const a = rowOf(r, 0, t);
    const b = rowOf(r, 1, t);
    out.push({ t, ...pairKernel(a, b, r.neurons), differ: xorRows(a, b) });
  }
  return out;
}

function imageName(r: SpikeRasterResult, i: number): string {
  const img = r.images[i];
  const names = isEmbeddedDatasetName(r.dataset) ? EMBEDDED_DATASETS[r.dataset].classNames : null;
  const label = names ? names[img.label] : String(img.label);
  return `test image ${img.index} (${r.dataset === 'mnist' ? `digit ${label}` : label})`;
}

const fixed = (v: number, digits: number) => (Number.isFinite(v) ? v.toFixed(digits) : '–');

/** The raster of a result: images, maps per step, and the kernel table. Pure. */
export function RasterView({ result }: { result: SpikeRasterResult }) {
  const steps = useMemo(() => compareSteps(result), [result]);
  const n = result.neurons;
  const mean = (f: (s: StepComparison) => number) => steps.reduce((a, s) => a + f(s), 0) / steps.length;
  const rows: { kind: SpikeMapKind; title: string; row: (t: number) => Uint8Array; note: (s: StepComparison) => string }[] = [
    { kind: 'a', title: `A: ${imageName(result, 0)}`, row: (t) => rowOf(result, 0, t), note: (s) => `${formatCount(s.countA)} spikes` },
    { kind: 'b', title: `B: ${imageName(result, 1)}`, row: (t) => rowOf(result, 1, t), note: (s) => `${formatCount(s.countB)} spikes` },
    { kind: 'differ', title: 'A ≠ B: the neurons the Hamming distance counts', row: (t) => steps[t].differ, note: (s) => `H = ${formatCount(s.hamming)}` },
  ];
  return (
    <div className="raster-view" data-testid="raster-view" data-layer={result.layer}>
      <div className="raster-images">
        {result.images.slice(0, 2).map((img, i) => (
          <figure key={i} className="raster-image">
            <InputImage pixels={img.pixels} shape={result.imageShape} label={imageName(result, i)} testId={`raster-image-${i}`} />
            <figcaption>
              <strong>{i === 0 ? 'A' : 'B'}</strong>: {imageName(result, i)}
            </figcaption>
          </figure>
        ))}
      </div>
      <div className="raster-grid" role="group" aria-label={`Spikes of layer ${result.layer} at each of ${result.timesteps} timesteps`}>
        {rows.map((r) => (
          <div key={r.kind} className="raster-row">
            <div className={`raster-row-title raster-row-${r.kind}`}>{r.title}</div>
            <div className="raster-cells" style={{ gridTemplateColumns: `repeat(${result.timesteps}, minmax(0, 200px))` }}>
              {steps.map((s) => (
                <figure key={s.t} className="raster-cell">
                  <SpikeMap row={r.row(s.t)} shape={result.shape} kind={r.kind} label={`${r.title}, t = ${s.t}`} testId={`raster-map-${r.kind}-${s.t}`} />
                  <figcaption>
                    t = {s.t}: {r.note(s)}
                  </figcaption>
                </figure>
              ))}
            </div>
          </div>
        ))}
      </div>
      <table className="raster-table" data-testid="raster-table">
        <caption>
          What the score makes of A and B at {result.layer}, step by step: H, the neurons where exactly one of them spikes; Z, the H expected of two unrelated vectors
          with their spike counts, (s_A·(N − s_B) + (N − s_A)·s_B) / N; and the kernel entry K = N − ½·H / (Z + {KERNEL_EPS}), with N = {formatCount(n)} neurons. Two images
          the network tells apart have H near Z (M near ½); identical spikes give H = 0 and K = N. The score averages K over every layer and step, for every pair of its batch,
          and takes log|det K|.
        </caption>
        <thead>
          <tr>
            <th scope="col">Step t</th>
            <th scope="col">Spikes s_A</th>
            <th scope="col">Spikes s_B</th>
            <th scope="col">Hamming H</th>
            <th scope="col">Expected Z</th>
            <th scope="col">M = ½·H / (Z + ε)</th>
            <th scope="col">K entry = N − M</th>
          </tr>
        </thead>
        <tbody>
          {steps.map((s) => (
            <tr key={s.t}>
              <th scope="row">{s.t}</th>
              <td>{formatCount(s.countA)}</td>
              <td>{formatCount(s.countB)}</td>
              <td>{formatCount(s.hamming)}</td>
              <td>{fixed(s.expected, 1)}</td>
              <td>{fixed(s.rescaled, 4)}</td>
              <td>{fixed(s.kernel, 3)}</td>
            </tr>
          ))}
        </tbody>
        <tfoot>
          <tr>
            <th scope="row">Mean</th>
            <td>{fixed(mean((s) => s.countA), 1)}</td>
            <td>{fixed(mean((s) => s.countB), 1)}</td>
            <td>{fixed(mean((s) => s.hamming), 1)}</td>
            <td>{fixed(mean((s) => s.expected), 1)}</td>
            <td>{fixed(mean((s) => s.rescaled), 4)}</td>
            <td data-testid="raster-kernel-mean">{fixed(mean((s) => s.kernel), 3)}</td>
          </tr>
        </tfoot>
      </table>
    </div>
  );
}

/** The raster's data sets: the embedded ones (a user's CIFAR-10 files live only in the search's workers). */
const RASTER_DATASETS: readonly EmbeddedDatasetName[] = ['mnist', 'fashion-mnist'];

function ImageIndex({ label, value, max, onChange, testId }: { label: string; value: number; max: number; onChange(v: number): void; testId: string }) {
  const id = useId();
  return (
    <div className="raster-field">
      <label htmlFor={id}>{label}</label>
      <input id={id} type="number" min={0} max={max} step={1} value={value} data-testid={testId} onChange={(e) => onChange(e.currentTarget.valueAsNumber)} />
    </div>
  );
}

export function RasterPanel({ controller = pageRasterController() }: { controller?: RasterController }) {
  const seed = useStudio((s) => s.params.seed);
  const contextBatch = useStudio((s) => s.params.scoreBatch);
  const pageDataset = useStudio((s) => s.params.dataset);
  const selected = useStudio((s) => s.selected);
  const firstGenome = useStudio((s) => (s.results.count > 0 ? s.results.genomes[0] : null));
  const phase = useRaster(controller, (s) => s.phase);
  const result = useRaster(controller, (s) => s.result);
  const error = useRaster(controller, (s) => s.error);

  const [genome, setGenome] = useState<string | null>(null);
  const [dataset, setDataset] = useState<EmbeddedDatasetName>(isEmbeddedDatasetName(pageDataset) ? pageDataset : 'mnist');
  const [imageA, setImageA] = useState(0);
  const [imageB, setImageB] = useState(1);
  const [layer, setLayer] = useState<string | undefined>(undefined);
  const [armed, setArmed] = useState(false);
  const genomeId = useId();
  const layerId = useId();
  const datasetId = useId();

  // Until a candidate is typed or chosen, the raster follows the candidate open in the detail, else the first one shown.
  const candidate = genome ?? selected?.genome ?? firstGenome ?? '';
  const testImages = EMBEDDED_DATASETS[dataset].split.test;
  const indexProblem = [imageA, imageB].find((i) => !(Number.isInteger(i) && i >= 0 && i < testImages));
  const problem =
    candidate.trim() === ''
      ? 'Choose a candidate: click a point on the chart, or type a genome.'
      : indexProblem !== undefined
        ? `Test images are numbered 0 to ${testImages - 1} in ${EMBEDDED_DATASETS[dataset].title}; ${Number.isNaN(indexProblem) ? 'type a number' : `${indexProblem} is not one`}.`
        : null;
  const layers = result && result.genome === candidate.trim() ? result.layers : null;

  useEffect(() => {
    if (!armed || problem) return;
    // Typing an index or a genome moves several times a second: ask once it rests.
    const timer = setTimeout(() => controller.request({ genome: candidate.trim(), dataset, images: [imageA, imageB], seed, contextBatch, ...(layer ? { layer } : {}) }), 250);
    return () => clearTimeout(timer);
  }, [armed, problem, controller, candidate, dataset, imageA, imageB, seed, contextBatch, layer]);

  return (
    <section className="panel raster-panel" aria-labelledby="raster-panel-title" data-testid="raster-panel" data-phase={phase}>
      <h3 id="raster-panel-title">A layer’s spikes, as the score compares them</h3>
      <p className="panel-note">
        The training-free score runs a batch of images through the untrained network and compares, at every LIF layer and timestep, which neurons each pair of images makes
        spike. Pick a candidate, two test images and a layer: here are the two spike vectors, where they differ, and the kernel entry the score builds from them. Untrained
        weights, seeded with the search’s seed ({seed}), with the score’s {contextBatch}-image batch run beside the two images for the batch norms. Trained weights are not kept
        by the search, so this shows the untrained network only.
      </p>
      <div className="raster-controls">
        <div className="raster-field raster-genome">
          <label htmlFor={genomeId}>Candidate (genome)</label>
          <input
            id={genomeId}
            type="text"
            className="genome"
            spellCheck={false}
            value={candidate}
            placeholder="c16-h128-t4-w8-301203"
            data-testid="raster-genome"
            onChange={(e) => {
              setGenome(e.currentTarget.value);
              setLayer(undefined);
            }}
          />
          {selected && selected.genome !== candidate ? (
            <button
              type="button"
              onClick={() => {
                setGenome(selected.genome);
                setLayer(undefined);
              }}
            >
              Use the candidate open in the detail
            </button>
          ) : null}
        </div>
        <div className="raster-field">
          <label htmlFor={datasetId}>Images from</label>
          <select id={datasetId} value={dataset} onChange={(e) => setDataset(e.currentTarget.value as EmbeddedDatasetName)} data-testid="raster-dataset">
            {RASTER_DATASETS.map((d) => (
              <option key={d} value={d}>
                {EMBEDDED_DATASETS[d].title}
              </option>
            ))}
          </select>
        </div>
        <ImageIndex label="Test image A" value={imageA} max={testImages - 1} onChange={setImageA} testId="raster-image-a" />
        <ImageIndex label="Test image B" value={imageB} max={testImages - 1} onChange={setImageB} testId="raster-image-b" />
        <div className="raster-field">
          <label htmlFor={layerId}>LIF layer</label>
          <select id={layerId} value={layer ?? layers?.[0]?.name ?? ''} disabled={!layers} onChange={(e) => setLayer(e.currentTarget.value)} data-testid="raster-layer">
            {layers ? (
              layers.map((l) => (
                <option key={l.name} value={l.name}>
                  {l.name} ({l.shape.join('×')})
                </option>
              ))
            ) : (
              <option value="">the first (choose after the first run)</option>
            )}
          </select>
        </div>
        {armed ? null : (
          <button type="button" className="primary" disabled={problem !== null} onClick={() => setArmed(true)} data-testid="raster-show">
            Show the spikes
          </button>
        )}
      </div>
      {problem && armed ? <p className="raster-problem">{problem}</p> : null}
      {!armed ? <p className="panel-note">Runs one forward pass in a training worker of its own; after the first, every change here runs again.</p> : null}
      {phase === 'running' ? (
        <p className="panel-note" role="status">
          Running the network…
        </p>
      ) : null}
      {phase === 'error' && error ? (
        <p className="raster-problem" role="alert">
          {error}
        </p>
      ) : null}
      {result ? (
        <>
          <p className="panel-note" data-testid="raster-summary">
            {result.genome}, layer {result.layer}: {result.shape.join('×')} = {formatCount(result.neurons)} neurons, T = {result.timesteps} timesteps; {result.backend},{' '}
            {Math.round(result.ms)} ms.
          </p>
          <RasterView result={result} />
        </>
      ) : null}
    </section>
  );
}
