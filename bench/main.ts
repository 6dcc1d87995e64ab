/**
 * `npm run bench [-- --only PART[,PART]]`: runs the benchmark parts and
 * prints one JSON object, keyed by part. Parts register here.
 */
import { cpus } from 'node:os';

type Part = () => Promise<Record<string, unknown>>;

const PARTS: Record<string, () => Promise<Part>> = {
  estimator: async () => (await import('./parts/estimator.ts')).benchEstimator,
  lif: async () => (await import('./parts/lif.ts')).benchLif,
  page: async () => (await import('./parts/page.ts')).benchPage,
  score: async () => (await import('./parts/score.ts')).benchScore,
  training: async () => (await import('./parts/training.ts')).benchTraining,
  accuracy: async () => (await import('./parts/accuracy.ts')).benchAccuracy,
  search: async () => (await import('./parts/search.ts')).benchSearch,
  calibration: async () => (await import('./parts/calibration.ts')).benchCalibration,
  files: async () => (await import('./parts/files.ts')).benchFiles,
  shards: async () => (await import('./parts/shards.ts')).benchShards,
};

function parseOnly(argv: string[]): string[] {
  const i = argv.indexOf('--only');
  if (i < 0) return Object.keys(PARTS);
  const names = (argv[i + 1] ?? '').split(',').filter(Boolean);
  const unknown = names.filter((n) => !(n in PARTS));
  if (names.length === 0 || unknown.length) {
    process.stderr.write(`bench: --only takes part names from: ${Object.keys(PARTS).join(', ')}\n`);
    process.exit(2);
  }
  return names;
}

const result: Record<string, unknown> = {
  machine: { node: process.version, platform: process.platform, arch: process.arch, cpus: cpus().length },
};
for (const name of parseOnly(process.argv.slice(2))) {
  const part = await PARTS[name]();
  result[name] = await part();
}
process.stdout.write(JSON.stringify(result, null, 2) + '\n');
