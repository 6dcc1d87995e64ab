/**
 * The Kubernetes deployment: the objects `neuronas deploy kubernetes`
 * renders validate against the Kubernetes API schema (kubernetes-models;
 * no cluster here), their pods run the very search the options describe,
 * and the committed example is what the command renders today.
 */
import { describe, expect, it } from 'vitest';
import { readFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { Job } from 'kubernetes-models/batch/v1';
import { PersistentVolumeClaim } from 'kubernetes-models/v1';
import { runDeploy } from '../src/cli/deploy.ts';
import { parseSearchArgs } from '../src/cli/search.ts';
import { fakeIO } from './cli-io.ts';

const ROOT = resolve(import.meta.dirname, '..');
const SEARCH = ['--samples', '2000', '--seed', '5', '--top-k', '4', '--epochs', '3', '--train-samples', '2000', '--backend', 'wasm', '--max-energy-uj', '20'];

type Obj = { kind: string; metadata: { name: string }; spec: Record<string, any> };

async function render(argv: string[]): Promise<{ code: number; items: Obj[]; stderr: string[] }> {
  const io = fakeIO();
  const code = await runDeploy(['kubernetes', ...argv], io);
  return { code, items: code === 0 ? JSON.parse(io.stdout.join('')).items : [], stderr: io.stderr };
}

function validate(o: Obj): void {
  if (o.kind === 'Job') new Job(o as never).validate();
  else if (o.kind === 'PersistentVolumeClaim') new PersistentVolumeClaim(o as never).validate();
  else throw new Error(`unexpected kind ${o.kind}`);
}

describe('neuronas deploy kubernetes', () => {
  it('renders a claim, an Indexed search Job, a merge, an Indexed train Job and the final merge, each valid by the API schema', async () => {
    const { code, items } = await render(['--shards', '6', '--parallelism', '3', '--train-shards', '2', '--image', 'registry.example.org/neuronas:1', '--', ...SEARCH]);
    expect(code).toBe(0);
    expect(items.map((o) => `${o.kind} ${o.metadata.name}`)).toEqual([
      'PersistentVolumeClaim neuronas-work',
      'Job neuronas-search',
      'Job neuronas-merge',
      'Job neuronas-train',
      'Job neuronas-final',
    ]);
    for (const o of items) validate(o);
    const [, search, merge, train, final] = items;
    expect(search.spec).toMatchObject({ completionMode: 'Indexed', completions: 6, parallelism: 3 });
    expect(train.spec).toMatchObject({ completionMode: 'Indexed', completions: 2, parallelism: 2 });
    // The validator is real: a wrong type, a pod without containers, are refused.
    expect(() => validate({ ...search, spec: { ...search.spec, completions: '6' } })).toThrow(/completions must be integer/);
    const noContainers = structuredClone(merge);
    delete noContainers.spec.template.spec.containers;
    expect(() => validate(noContainers)).toThrow(/containers/);
    // Pod I of the search runs shard I/6 of exactly the search the options describe.
    const args: string[] = search.spec.template.spec.containers[0].args;
    expect(args[0]).toBe('search');
    const inPod = parseSearchArgs(args.slice(1), { JOB_COMPLETION_INDEX: '4' });
    const direct = parseSearchArgs([...SEARCH, '--json'], {});
    if (inPod === 'help' || direct === 'help') throw new Error('help');
    expect(inPod.settings).toEqual(direct.settings);
    expect([inPod.trainSamples, inPod.scoreBatch, inPod.backend]).toEqual([direct.trainSamples, direct.scoreBatch, direct.backend]);
    expect(inPod.shard).toEqual({ spec: { index: 4, count: 6 }, dir: '/work/search' });
    // The train shards train on the search's images with its backend; each later Job waits for the files before it.
    expect(train.spec.template.spec.containers[0].args).toEqual(['train-top', '--run', '/work/scored.json', '--train-samples', '2000', '--backend', 'wasm', '--shards', '2', '--out', '/work/train']);
    expect(merge.spec.template.spec.initContainers[0].command[2]).toContain(`-ge 6 ]`);
    expect(train.spec.template.spec.initContainers[0].command[2]).toContain('[ -f /work/scored.json ]');
    expect(final.spec.template.spec.containers[0].args).toEqual(['merge', '/work/search', '/work/train', '--out', '/work/run.json']);
  });

  it('uses an existing claim when named, and refuses what the search or the cluster would refuse, in one line', async () => {
    const own = await render(['--shards', '2', '--image', 'i', '--volume-claim', 'shared', '--', ...SEARCH]);
    expect(own.items.map((o) => o.kind)).not.toContain('PersistentVolumeClaim');
    expect(own.items[0].spec.template.spec.volumes).toEqual([{ name: 'work', persistentVolumeClaim: { claimName: 'shared' } }]);
    for (const [argv, message] of [
      [['--shards', '2', '--image', 'i', '--', '--strategy', 'evolution'], /^neuronas deploy kubernetes: evolution cannot be sharded/],
      [['--shards', '2', '--image', 'i', '--', '--epochs', '30'], /^neuronas deploy kubernetes: --epochs: Epochs: 30 is outside 1–20/],
      [['--shards', '2', '--image', 'i', '--', '--out', 'x'], /^neuronas deploy kubernetes: --out: the Jobs set it themselves/],
      [['--shards', '2', '--', ...SEARCH], /^neuronas deploy kubernetes: --image IMAGE/],
      [['--shards', 'two', '--image', 'i'], /^neuronas deploy kubernetes: --shards: 'two' is not a whole number/],
      [['--shards', '2', '--image', 'i', '--name', 'Big_Name'], /^neuronas deploy kubernetes: --name: 'Big_Name' is not a DNS label/],
      [['--samples', '10'], /^neuronas deploy kubernetes: unknown option --samples \(search options go after --/],
    ] as [string[], RegExp][]) {
      const r = await render(argv);
      expect(r.code).toBe(2);
      expect(r.stderr).toEqual([expect.stringMatching(message)]);
    }
  });

  it('keeps the committed CIFAR-10 example what the command renders', async () => {
    const io = fakeIO();
    const cifar = ['data_batch_1', 'data_batch_2', 'data_batch_3', 'data_batch_4', 'data_batch_5', 'test_batch'].map((f) => `/work/cifar/${f}.bin`).join(',');
    // The command in README.md ("Running on a cluster").
    const argv = ['--shards', '100', '--parallelism', '20', '--train-shards', '10', '--image', 'registry.example.org/neuronas:0.1.0', '--name', 'cifar10-search', '--storage', '5Gi', '--cpu', '1', '--memory', '8Gi', '--',
      '--dataset', 'cifar10', '--cifar', cifar, '--rank-by', 'snasnet', '--samples', '20000', '--seed', '1', '--top-k', '10', '--epochs', '20', '--train-samples', '45000', '--backend', 'wasm'];
    expect(await runDeploy(['kubernetes', ...argv], io)).toBe(0);
    const committed = await readFile(join(ROOT, 'deploy/kubernetes/cifar10-search.json'), 'utf8');
    expect(committed).toBe(io.stdout.join('') + '\n');
    for (const o of JSON.parse(committed).items) validate(o);
  });
});
