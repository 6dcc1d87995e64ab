# Sourced by every NeuroNAS job (search-shard.sbatch, train-shard.sbatch,
# merge.sbatch): Node.js and the project on the node that runs the job.
#
# The project is one checkout on a filesystem every node sees (NEURONAS_HOME,
# set by submit.sh), with its packages installed once on the login node
# (`npm ci`: compute nodes often have no network). Node.js 20 or later comes
# from the PATH, or from an environment module when the cluster has them.
: "${NEURONAS_HOME:?NEURONAS_HOME is not set: submit with deploy/slurm/submit.sh}"
if ! command -v node >/dev/null 2>&1 && command -v module >/dev/null 2>&1; then
	module load nodejs 2>/dev/null || module load node 2>/dev/null || true
fi
if ! node -e 'process.exit(Number(process.versions.node.split(".")[0]) >= 20 ? 0 : 1)' 2>/dev/null; then
	echo "neuronas: Node.js 20 or later is needed on $(hostname) (PATH=$PATH)" >&2
	exit 1
fi
if [ ! -d "$NEURONAS_HOME/node_modules" ]; then
	echo "neuronas: $NEURONAS_HOME/node_modules is missing: run npm ci there on the login node" >&2
	exit 1
fi
# One tfjs engine per task: a core for it, and no thread pool fighting the other tasks on the node.
export OMP_NUM_THREADS=1
neuronas() {
	node "$NEURONAS_HOME/bin/neuronas.mjs" "$@"
}
