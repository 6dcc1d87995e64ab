#!/bin/sh
# Submits a sharded NeuroNAS search to Slurm as four chained jobs:
#
#   1. neuronas-search  array of N shards: each costs every candidate and
#                       scores its own (search --out WORK/search)
#   2. neuronas-merge   afterok:1 → WORK/scored.json
#   3. neuronas-train   afterok:2, array of T shards: the top k, dealt by
#                       estimated training time (train-top --out WORK/train)
#   4. neuronas-merge   afterok:3 → WORK/run.json (the studio imports it)
#
# usage: deploy/slurm/submit.sh --shards N [--train-shards T] --work DIR [--wait]
#                               [--partition P] [--time HH:MM:SS] -- SEARCH OPTIONS…
#
# SEARCH OPTIONS are `neuronas search`'s (no --json, --out or --shard; no spaces
# inside a value). --train-samples, --backend and --cifar go to the train jobs
# too. Every job runs this checkout (it must be on a filesystem the nodes
# see; npm ci once here first). A dependent job whose job failed is cancelled
# (--kill-on-invalid-dep); a failed shard can be resubmitted alone
# (sbatch --array=I … search-shard.sbatch) and resumes its file.
# With --wait, waits for the final merge and exits 0 only if every job
# completed. Prints the job ids, then the path of the run.
set -eu
here=$(cd "$(dirname "$0")" && pwd)
NEURONAS_HOME=$(cd "$here/../.." && pwd)
shards=""
train_shards=""
work=""
wait=0
extra=""
while [ $# -gt 0 ]; do
	case $1 in
	--shards) shards=$2; shift 2 ;;
	--train-shards) train_shards=$2; shift 2 ;;
	--work) work=$2; shift 2 ;;
	--wait) wait=1; shift ;;
	--partition) extra="$extra --partition=$2"; shift 2 ;;
	--time) extra="$extra --time=$2"; shift 2 ;;
	--) shift; break ;;
	*) echo "submit.sh: unknown option $1 (options go before --, search options after)" >&2; exit 2 ;;
	esac
done
[ -n "$shards" ] && [ -n "$work" ] || { echo "usage: $0 --shards N [--train-shards T] --work DIR [--wait] -- SEARCH OPTIONS…" >&2; exit 2; }
train_shards=${train_shards:-$shards}
search_args="$*"
train_args=""
while [ $# -gt 0 ]; do
	case $1 in
	--train-samples | --backend | --cifar) train_args="$train_args $1 $2"; shift 2 ;;
	--out | --shard | --shards | --json) echo "submit.sh: $1 is set by the jobs themselves" >&2; exit 2 ;;
	*) shift ;;
	esac
done
[ -d "$NEURONAS_HOME/node_modules" ] || (cd "$NEURONAS_HOME" && npm ci)
mkdir -p "$work/logs"
work=$(cd "$work" && pwd)
# Bad search options fail here, in one line, not in N jobs; the split is kept beside the run.
# shellcheck disable=SC2086
node "$NEURONAS_HOME/bin/neuronas.mjs" search $search_args --shards "$shards" --plan >"$work/plan.json" || exit 2
export NEURONAS_HOME NEURONAS_WORK="$work" NEURONAS_SEARCH_ARGS="$search_args" NEURONAS_TRAIN_ARGS="$train_args"
log="$work/logs/%x-%A_%a.out"
# shellcheck disable=SC2086
search=$(sbatch --parsable $extra --array=0-$((shards - 1)) --output="$log" "$here/search-shard.sbatch")
# shellcheck disable=SC2086
scored=$(sbatch --parsable $extra --dependency=afterok:"$search" --kill-on-invalid-dep=yes --output="$work/logs/%x-scored-%j.out" "$here/merge.sbatch" scored)
# shellcheck disable=SC2086
train=$(sbatch --parsable $extra --dependency=afterok:"$scored" --kill-on-invalid-dep=yes --array=0-$((train_shards - 1)) --output="$log" "$here/train-shard.sbatch")
# shellcheck disable=SC2086
final=$(sbatch --parsable $extra --dependency=afterok:"$train" --kill-on-invalid-dep=yes --output="$work/logs/%x-final-%j.out" "$here/merge.sbatch" final)
echo "search $search scored $scored train $train final $final"
if [ $wait -eq 1 ]; then
	# sbatch --wait polls every 2 s then 8 s; squeue every 0.2 s is quicker.
	while [ -n "$(squeue -h -j "$search,$scored,$train,$final" 2>/dev/null)" ]; do sleep 0.2; done
	failed=""
	for id in $search $scored $train $final; do
		# Every task of an array, as scontrol lists them.
		states=$(scontrol show job "$id" 2>/dev/null | sed -n 's/.*JobState=\([A-Z_]*\).*/\1/p' | sort -u | tr '\n' ' ')
		[ "$states" = "COMPLETED " ] || failed="$failed $id($states)"
	done
	if [ -n "$failed" ]; then
		echo "submit.sh: jobs did not complete:$failed; logs in $work/logs" >&2
		exit 1
	fi
fi
echo "$work/run.json"
