/**
 * Runs kept in the browser: the record shapes and their migration
 * (core/runs/records.ts), on a real pipeline run.
 */
import { describe, expect, it } from 'vitest';
import { layerList } from '../src/core/arch/architecture.ts';
import { parseGenome } from '../src/core/arch/genome.ts';
import { costingSettings, runDataFromSearch, runJson, toRunDocument, type RunData } from '../src/core/files/run.ts';
import { defaultInputs } from '../src/core/inputs.ts';
import { chunkOfRun, foldChunks, migrateRunRecord, RUN_RECORD_SCHEMA, runDataOfStored, type StoredRunChunk, type StoredRunHeader, type StoredRunV1 } from '../src/core/runs/records.ts';
import { runSearch, type SearchSettings } from '../src/core/search/pipeline.ts';

async function smallRun(): Promise<RunData> {
  const inputs = defaultInputs();
  inputs.params.samples = 80;
  inputs.params.seed = 11;
  const settings = { ...costingSettings(inputs), strategy: 'neuronas' as const, samples: 80, topK: 3, epochs: 2, dataset: 'mnist' };
  const run = await runSearch(settings, {
    async score(genomes, _s, onScore) {
      genomes.forEach((g, i) => onScore(i, (g.length * 7919) % 101 + i / 1000));
    },
    async train(genome, epochs) {
      const curve = Array.from({ length: epochs }, (_, e) => ({ epoch: e + 1, loss: 2 / (e + 1), trainAccuracy: 0.3 + e / 10, testAccuracy: 0.25 + e / 10 }));
      return { accuracyFloat: 0.7, accuracyQuantized: 0.6 + (genome.length % 13) / 100, spikeRates: layerList(parseGenome(genome)).map(() => 0.3), epochs: curve, backend: 'cpu', samplesPerSecond: 10 };
    },
  });
  return runDataFromSearch(run, inputs);
}

/** A run document minus the moment it was written, its trained candidates and front in index order (a search lists them in training order). */
function doc(run: RunData) {
  const d = JSON.parse(runJson(run, new Date(0)));
  d.trained.sort((a: { index: number }, b: { index: number }) => a.index - b.index);
  d.front.sort((a: number, b: number) => a - b);
  return d;
}

describe('kept run records', () => {
  it('a version-1 record (the whole run file) migrates to a header and one chunk that read back as the same run', async () => {
    const run = await smallRun();
    const v1: StoredRunV1 = { schema: 1, id: 'r1', name: 'old run', createdAt: 1_700_000_000_000, document: JSON.parse(JSON.stringify(toRunDocument(run))) };
    const m = migrateRunRecord(v1);
    if (!m.ok) throw new Error(m.problem);
    expect(m.header.schema).toBe(RUN_RECORD_SCHEMA);
    expect(m.header).toMatchObject({ id: 'r1', name: 'old run', createdAt: 1_700_000_000_000, status: 'done', sampled: 80, chunks: 1 });
    expect(m.header.counts).toEqual({ costed: 80, rejected: run.counts!.rejectedBeforeScoring, scored: run.counts!.scored, trained: 3, failed: 0 });
    expect(m.chunks).toHaveLength(1);
    expect(doc(runDataOfStored(m.header, foldChunks(m.chunks)))).toEqual(doc(run));
    // A current record passes as it is.
    const again = migrateRunRecord(m.header);
    expect(again).toEqual({ ok: true, header: m.header, chunks: [] });
  });

  it('a damaged version-1 record, a newer record and an unknown one are refused with a message, not altered', () => {
    const bad = migrateRunRecord({ schema: 1, id: 'x', name: 'broken', createdAt: 0, document: { format: 'neuronas-run', format_version: 1 } });
    expect(bad.ok).toBe(false);
    expect(!bad.ok && bad.problem).toMatch(/^"broken" \(kept as version 1\) cannot be read: /);
    expect(migrateRunRecord({ schema: 3, id: 'y', name: 'future' })).toEqual({ ok: false, problem: '"future" was kept by a newer studio (record version 3); this one reads up to 2.' });
    expect(migrateRunRecord({ id: 'z' })).toEqual({ ok: false, problem: 'A kept run is not a run record this studio knows (version undefined).' });
  });

  it('chunks written as results arrive fold into the run, a later value replacing an earlier one', async () => {
    const run = await smallRun();
    const whole = chunkOfRun('r2', 0, run);
    const rows = whole.rows!;
    const n = rows.genomes.length;
    const slice = (a: number, b: number): StoredRunChunk['rows'] => ({ start: a, genomes: rows.genomes.slice(a, b), columns: Object.fromEntries(Object.entries(rows.columns).map(([k, v]) => [k, v.slice(a, b)])) as typeof rows.columns });
    const scored = run.candidates.filter((c) => c.score !== null);
    const half = Math.floor(scored.length / 2);
    const scores = (cs: typeof scored) => ({ index: Int32Array.from(cs, (c) => c.index), score: Float64Array.from(cs, (c) => c.score!) });
    // A failure first, then the same candidate trained (a resume trained it): the training wins.
    const failedThenTrained = run.trained[0];
    const chunks: StoredRunChunk[] = [
      // The order and times candidates finished in travel with the chunks (split over two, folded in seq order).
      { runId: 'r2', seq: 3, trained: run.trained, scores: scores(scored.slice(half)), evaluations: run.evaluations!.slice(half) },
      { runId: 'r2', seq: 0, rows: slice(0, 50) },
      { runId: 'r2', seq: 2, failures: [{ index: failedThenTrained.index, genome: failedThenTrained.genome, message: 'crashed' }], scores: { index: Int32Array.of(scored[0].index), score: Float64Array.of(-1) } },
      { runId: 'r2', seq: 1, rows: slice(50, n), scores: scores(scored.slice(0, half)), evaluations: run.evaluations!.slice(0, half) },
    ];
    // Re-sent score of candidate scored[0] in seq 2 replaces seq 1's; put the true value back in a later chunk.
    chunks.push({ runId: 'r2', seq: 4, scores: scores(scored.slice(0, 1)) });
    const folded = foldChunks(chunks);
    expect(folded.count).toBe(n);
    expect(folded.failures).toEqual([]);
    const header: StoredRunHeader = {
      schema: 2,
      id: 'r2',
      name: 'r2',
      createdAt: 0,
      updatedAt: 0,
      status: 'done',
      inputs: run.inputs,
      settings: run.settings as SearchSettings,
      sampled: n,
      counts: { costed: n, rejected: run.counts!.rejectedBeforeScoring, scored: run.counts!.scored, trained: 3, failed: 0 },
      timings: run.timings,
      chunks: 5,
    };
    expect(doc(runDataOfStored(header, folded))).toEqual(doc(run));
    // Without the last chunk, scored[0] keeps the value written after its first.
    expect(foldChunks(chunks.slice(0, 4)).scores[scored[0].index]).toBe(-1);
    // A header not done reads as a stopped run.
    expect(runDataOfStored({ ...header, status: 'running' }, folded).stopped).toBe(true);
  });
});
