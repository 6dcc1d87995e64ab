/**
 * A finished search run for the tests, made by the real pipeline in Node
 * with deterministic stand-ins for the scorer and the trainer (the page
 * cannot tell: it imports the run's JSON as it would a real one).
 */
import { layerList } from '../src/core/arch/architecture.ts';
import { parseGenome } from '../src/core/arch/genome.ts';
import { costingSettings, runDataFromSearch, runJson, type RunData } from '../src/core/files/run.ts';
import { defaultInputs } from '../src/core/inputs.ts';
import { runSearch, type Evaluators } from '../src/core/search/pipeline.ts';

function hash(text: string): number {
  let h = 2166136261;
  for (let i = 0; i < text.length; i++) h = Math.imul(h ^ text.charCodeAt(i), 16777619);
  return (h >>> 0) / 4294967296;
}

const evaluators: Evaluators = {
  async score(genomes, _signal, onScore) {
    genomes.forEach((g, i) => onScore(i, 40 + 30 * hash(g)));
  },
  async train(genome, epochs) {
    const layers = layerList(parseGenome(genome));
    const h = hash(genome);
    const final = 0.9 + 0.08 * h;
    const curve = Array.from({ length: epochs }, (_, e) => {
      const p = 1 - Math.exp(-(e + 1) / 2.2);
      return { epoch: e + 1, loss: 2.3 * (1 - p) + 0.12 + 0.02 * h, trainAccuracy: 0.1 + (final + 0.01 - 0.1) * p, testAccuracy: 0.1 + (final - 0.1) * p };
    });
    return {
      accuracyFloat: final,
      accuracyQuantized: final - 0.004 - 0.01 * h,
      spikeRates: layers.map((_, i) => Math.min(1, 0.08 + 0.5 * hash(`${genome}:${i}`) * (i === 0 ? 1.6 : 1))),
      epochs: curve,
      backend: 'cpu',
      samplesPerSecond: 850,
    };
  },
};

export async function makeSearchRun(): Promise<RunData> {
  const inputs = defaultInputs();
  inputs.params.samples = 400;
  inputs.params.seed = 3;
  const settings = { ...costingSettings(inputs), strategy: 'neuronas' as const, samples: 400, topK: 4, epochs: 8, dataset: 'mnist' };
  return runDataFromSearch(await runSearch(settings, evaluators), inputs);
}

export async function makeSearchRunJson(): Promise<string> {
  return runJson(await makeSearchRun(), new Date('2025-06-01T12:00:00Z'));
}
