/**
 * `neuronas` command line: one entry, a registry of subcommands. Each
 * subcommand returns its exit code; usage errors exit 2 with one line.
 */
import { readFile } from 'node:fs/promises';
import type { CliIO } from './io.ts';

type Command = { summary: string; run: (argv: string[], io: CliIO) => Promise<number> };

const COMMANDS: Record<string, () => Promise<Command>> = {
  search: async () => ({ summary: 'search architectures under hardware budgets (NeuroNAS and baselines)', run: (await import('./search.ts')).runSearchCommand }),
  estimate: async () => ({ summary: 'cost a network on the CIM hardware model', run: (await import('./estimate.ts')).runEstimate }),
  neuron: async () => ({ summary: 'simulate one LIF neuron (snnTorch or SpikingJelly convention)', run: (await import('./neuron.ts')).runNeuron }),
  train: async () => ({ summary: 'train a spiking network on MNIST/Fashion-MNIST, quantize it, report accuracy', run: (await import('./train.ts')).runTrain }),
  merge: async () => ({ summary: 'merge the shard files of a sharded search into one run', run: (await import('./shards.ts')).runMerge }),
  'train-top': async () => ({ summary: "train a sharded search's top k, one shard of them", run: (await import('./shards.ts')).runTrainTop }),
  deploy: async () => ({ summary: 'render a sharded search for a cluster (Kubernetes Jobs)', run: (await import('./deploy.ts')).runDeploy }),
  export: async () => ({ summary: 'write an architecture as runnable PyTorch code (and its trained weights)', run: (await import('./export.ts')).runExport }),
  score: async () => ({ summary: "SNASNet's training-free score of an untrained network on a seeded batch", run: (await import('./score.ts')).runScore }),
  calibrate: async () => ({ summary: 'measure how well each proxy (score, parameters, …) predicts trained accuracy', run: (await import('./calibrate.ts')).runCalibrate }),
};

async function readStdin(): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of process.stdin) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}

export const nodeIO: CliIO = {
  readStdin,
  readFile: (path) => readFile(path, 'utf8'),
  out: (s) => process.stdout.write(s.endsWith('\n') ? s : s + '\n'),
  err: (s) => process.stderr.write(s.endsWith('\n') ? s : s + '\n'),
};

function usage(): string {
  const lines = ['usage: neuronas <command> [options]   (neuronas <command> --help for its options)', '', 'commands:'];
  for (const name of Object.keys(COMMANDS)) lines.push(`  ${name}`);
  return lines.join('\n');
}

async function main(argv: string[]): Promise<number> {
  const [name, ...rest] = argv;
  if (!name || name === '--help' || name === '-h') {
    nodeIO.out(usage());
    return name ? 0 : 2;
  }
  const load = COMMANDS[name];
  if (!load) {
    nodeIO.err(`neuronas: unknown command '${name}' (known: ${Object.keys(COMMANDS).join(', ')})`);
    return 2;
  }
  const command = await load();
  return command.run(rest, nodeIO);
}

main(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
  },
  (e: unknown) => {
    // A bug, not bad input: still one line, but say it is internal.
    nodeIO.err(`neuronas: internal error: ${e instanceof Error ? e.message : String(e)}`);
    process.exitCode = 1;
  },
);
