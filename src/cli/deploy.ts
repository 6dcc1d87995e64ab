/**
 * `neuronas deploy kubernetes`: the Kubernetes objects of a sharded search
 * (core/deploy/kubernetes.ts), from the same search options `neuronas
 * search` takes, checked by the same parser before anything is rendered.
 */
import { writeFileSync } from 'node:fs';
import type { CliIO } from './io.ts';
import { UsageError } from './params-args.ts';
import { parseSearchArgs } from './search.ts';
import { SearchSpaceError } from '../core/arch/sampler.ts';
import { CostInputError } from '../core/cost/errors.ts';
import { ShardingError } from '../core/search/shards.ts';
import { kubernetesList, renderKubernetes, type KubernetesDeployment } from '../core/deploy/kubernetes.ts';

export function deployHelp(): string {
  return [
    'usage: neuronas deploy kubernetes --shards N --image IMAGE [options] -- SEARCH OPTIONS…',
    '',
    'Prints (or writes) the Kubernetes objects of a sharded search as one JSON List for',
    '`kubectl apply -f`: a ReadWriteMany volume claim, an Indexed Job of N search shards,',
    'a merge Job, an Indexed Job training the top k, and the final merge into',
    '/work/run.json on the volume. SEARCH OPTIONS are `neuronas search`\'s and are checked',
    'as it checks them; --train-samples, --backend and --cifar go to the train shards too.',
    '',
    '  --shards N            search shards (the Job\'s completions)',
    '  --parallelism P       search pods at once (default N)',
    '  --train-shards T      train shards (default 1)',
    '  --train-parallelism P (default T)',
    '  --image IMAGE         the CLI image (deploy/kubernetes/Dockerfile)',
    '  --name NAME           prefix of the objects\' names (default neuronas)',
    '  --volume-claim NAME   use this existing ReadWriteMany claim instead of rendering one',
    '  --storage SIZE        the rendered claim\'s size (default 1Gi)',
    '  --cpu C --memory M    what each pod asks for (default 1 and 4Gi)',
    '  --out FILE            write the List here (default: standard output)',
    '',
    'exit status: 0 ok; 2 bad input (one line on stderr)',
  ].join('\n');
}

const OWN = ['shards', 'parallelism', 'train-shards', 'train-parallelism', 'image', 'name', 'volume-claim', 'storage', 'cpu', 'memory', 'out'];
/** Options the search shares with its train shards. */
const SHARED_WITH_TRAIN = ['--train-samples', '--backend', '--cifar'];

/** The search options a train shard needs too: training images, backend, CIFAR-10 files. */
export function trainArgsOf(searchArgs: readonly string[]): string[] {
  const out: string[] = [];
  for (let i = 0; i < searchArgs.length; i++) {
    const [name, inline] = searchArgs[i].split('=', 2);
    if (!SHARED_WITH_TRAIN.includes(name)) continue;
    out.push(name, inline ?? searchArgs[++i]);
  }
  return out;
}

function whole(name: string, text: string | undefined, fallback: number): number {
  if (text === undefined) return fallback;
  const n = Number(text);
  if (!Number.isInteger(n) || n < 1) throw new UsageError(`--${name}: '${text}' is not a whole number of 1 or more`);
  return n;
}

export function parseDeployArgs(argv: string[]): KubernetesDeployment & { out: string | null } {
  const dash = argv.indexOf('--');
  const own = dash < 0 ? argv : argv.slice(0, dash);
  const searchArgs = dash < 0 ? [] : argv.slice(dash + 1);
  const opts = new Map<string, string>();
  for (let i = 0; i < own.length; i++) {
    const name = own[i].replace(/^--/, '');
    if (!own[i].startsWith('--') || !OWN.includes(name)) throw new UsageError(`unknown option ${own[i]} (search options go after --; see --help)`);
    const value = own[++i];
    if (value === undefined) throw new UsageError(`--${name} needs a value`);
    opts.set(name, value);
  }
  const shards = whole('shards', opts.get('shards'), 0);
  if (shards === 0) throw new UsageError('--shards N: how many search shards');
  const image = opts.get('image');
  if (!image) throw new UsageError('--image IMAGE: the CLI image the pods run (see deploy/kubernetes/Dockerfile)');
  const name = opts.get('name') ?? 'neuronas';
  if (!/^[a-z0-9]([-a-z0-9]{0,40}[a-z0-9])?$/.test(name)) throw new UsageError(`--name: '${name}' is not a DNS label of at most 42 characters (lower-case letters, digits, -)`);
  for (const a of searchArgs) {
    const n = a.split('=')[0];
    if (['--out', '--shard', '--shards', '--json', '--plan'].includes(n)) throw new UsageError(`${n}: the Jobs set it themselves; give only the search's options after --`);
  }
  // The search's own parser: what it refuses here, a pod would refuse later.
  parseSearchArgs([...searchArgs, '--shards', String(shards), '--plan'], {});
  const trainShards = whole('train-shards', opts.get('train-shards'), 1);
  return {
    name,
    image,
    shards,
    parallelism: whole('parallelism', opts.get('parallelism'), shards),
    trainShards,
    trainParallelism: whole('train-parallelism', opts.get('train-parallelism'), trainShards),
    volumeClaim: opts.get('volume-claim') ?? null,
    storage: opts.get('storage') ?? '1Gi',
    cpu: opts.get('cpu') ?? '1',
    memory: opts.get('memory') ?? '4Gi',
    searchArgs,
    trainArgs: trainArgsOf(searchArgs),
    out: opts.get('out') ?? null,
  };
}

export async function runDeploy(argv: string[], io: CliIO): Promise<number> {
  const [target, ...rest] = argv;
  if (!target || target === '--help' || target === '-h' || rest.includes('--help')) {
    io.out(deployHelp());
    return target ? 0 : 2;
  }
  if (target !== 'kubernetes') {
    io.err(`neuronas deploy: '${target}' is not a target (kubernetes; for Slurm, deploy/slurm/submit.sh)`);
    return 2;
  }
  let d: ReturnType<typeof parseDeployArgs>;
  try {
    d = parseDeployArgs(rest);
  } catch (e) {
    if (e instanceof UsageError || e instanceof SearchSpaceError || e instanceof CostInputError || e instanceof ShardingError) {
      io.err(`neuronas deploy kubernetes: ${e.message}`);
      return 2;
    }
    throw e;
  }
  const text = kubernetesList(renderKubernetes(d));
  if (d.out) writeFileSync(d.out, text + '\n');
  else io.out(text);
  return 0;
}
