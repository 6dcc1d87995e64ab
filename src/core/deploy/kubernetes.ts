/**
 * A sharded search as Kubernetes objects, rendered from the command line's
 * own search options, so the manifests and the command cannot disagree:
 *
 *   PersistentVolumeClaim  NAME-work (ReadWriteMany), unless an existing
 *                          claim is named: every pod's /work
 *   Job NAME-search        Indexed, completions N, parallelism P: pod I runs
 *                          `neuronas search OPTIONS --shards N --out /work/search`
 *                          (I from JOB_COMPLETION_INDEX); a restarted pod resumes
 *                          its shard file
 *   Job NAME-merge         waits for N finished search shards, merges them
 *                          into /work/scored.json
 *   Job NAME-train         Indexed, T shards of the top k (train-top), each
 *                          waiting for scored.json
 *   Job NAME-final         waits for T finished train shards, merges
 *                          everything into /work/run.json
 *
 * Kubernetes has no dependencies between Jobs, so each later Job's init
 * container waits for the files the one before it finishes (a shard file
 * is finished when it holds its `done` record). Pure: no cluster is asked.
 */

export interface KubernetesDeployment {
  /** prefix of every object's name (a DNS label) */
  name: string;
  /** the CLI's container image (deploy/kubernetes/Dockerfile) */
  image: string;
  shards: number;
  parallelism: number;
  trainShards: number;
  trainParallelism: number;
  /** an existing ReadWriteMany claim; null: render one */
  volumeClaim: string | null;
  /** the rendered claim's size */
  storage: string;
  /** `neuronas search` options, validated by the caller (no --out, --shard, --shards, --json) */
  searchArgs: readonly string[];
  /** the options the train shards must share with the search (--train-samples, --backend, --cifar) */
  trainArgs: readonly string[];
  /** CPU and memory each shard's pod asks for */
  cpu: string;
  memory: string;
}

type Obj = Record<string, unknown>;

const WORK = '/work';
/** Polls for the files a Job waits on; sh and grep are in the node image. */
const POLL_S = 10;

function waitFor(condition: string, what: string): string {
  return `until ${condition}; do echo "waiting for ${what}"; sleep ${POLL_S}; done`;
}

/** Finished shard files of a phase: those holding their done record. */
function finishedShards(dir: string, count: number): string {
  return `[ "$(grep -l '"type":"done"' ${dir}/*.jsonl 2>/dev/null | wc -l)" -ge ${count} ]`;
}

export function renderKubernetes(d: KubernetesDeployment): Obj[] {
  const claim = d.volumeClaim ?? `${d.name}-work`;
  const labels = { 'app.kubernetes.io/name': 'neuronas', 'app.kubernetes.io/instance': d.name };
  const resources = { requests: { cpu: d.cpu, memory: d.memory }, limits: { memory: d.memory } };
  const volumes = [{ name: 'work', persistentVolumeClaim: { claimName: claim } }];
  const volumeMounts = [{ name: 'work', mountPath: WORK }];
  const container = (name: string, args: string[]): Obj => ({ name, image: d.image, args, resources, volumeMounts, env: [{ name: 'OMP_NUM_THREADS', value: '1' }] });
  const waiter = (script: string): Obj => ({ name: 'wait', image: d.image, command: ['sh', '-c', script], volumeMounts });
  const job = (suffix: string, spec: Obj, main: Obj, init: Obj | null): Obj => ({
    apiVersion: 'batch/v1',
    kind: 'Job',
    metadata: { name: `${d.name}-${suffix}`, labels: { ...labels, 'app.kubernetes.io/component': suffix } },
    spec: {
      ...spec,
      template: {
        metadata: { labels: { ...labels, 'app.kubernetes.io/component': suffix } },
        spec: {
          // A pod restarted in place finds its shard file on the volume and resumes it.
          restartPolicy: 'OnFailure',
          ...(init ? { initContainers: [init] } : {}),
          containers: [main],
          volumes,
        },
      },
    },
  });
  const objects: Obj[] = [];
  if (d.volumeClaim === null) {
    objects.push({
      apiVersion: 'v1',
      kind: 'PersistentVolumeClaim',
      metadata: { name: claim, labels },
      spec: { accessModes: ['ReadWriteMany'], resources: { requests: { storage: d.storage } } },
    });
  }
  objects.push(
    job(
      'search',
      { completionMode: 'Indexed', completions: d.shards, parallelism: d.parallelism, backoffLimit: 3 * d.shards },
      container('search', ['search', ...d.searchArgs, '--shards', String(d.shards), '--out', `${WORK}/search`]),
      null,
    ),
    job(
      'merge',
      { backoffLimit: 3 },
      container('merge', ['merge', `${WORK}/search`, '--out', `${WORK}/scored.json`]),
      waiter(waitFor(finishedShards(`${WORK}/search`, d.shards), `${d.shards} finished search shards`)),
    ),
    job(
      'train',
      { completionMode: 'Indexed', completions: d.trainShards, parallelism: d.trainParallelism, backoffLimit: 3 * d.trainShards },
      container('train', ['train-top', '--run', `${WORK}/scored.json`, ...d.trainArgs, '--shards', String(d.trainShards), '--out', `${WORK}/train`]),
      waiter(waitFor(`[ -f ${WORK}/scored.json ]`, 'the scored run')),
    ),
    job(
      'final',
      { backoffLimit: 3 },
      container('final', ['merge', `${WORK}/search`, `${WORK}/train`, '--out', `${WORK}/run.json`]),
      waiter(waitFor(finishedShards(`${WORK}/train`, d.trainShards), `${d.trainShards} finished train shards`)),
    ),
  );
  return objects;
}

/** The objects as one JSON document kubectl applies (`kubectl apply -f FILE`). */
export function kubernetesList(objects: Obj[]): string {
  return JSON.stringify({ apiVersion: 'v1', kind: 'List', items: objects }, null, 2);
}
