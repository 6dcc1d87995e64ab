#!/bin/sh
# A real one-machine Slurm cluster for tests and trials (Debian's slurm-wlm
# and munge): munged, slurmctld and slurmd with everything under one folder.
#
#   deploy/slurm/local-cluster.sh start DIR   # prints: export SLURM_CONF=DIR/slurm.conf
#   deploy/slurm/local-cluster.sh stop DIR
#
# Needs root (slurmd runs jobs as their users) and no systemd. After start,
# use Slurm's commands with SLURM_CONF=DIR/slurm.conf in the environment.
# stop cancels every job, waits for the queue to empty (running jobs outlive
# slurmd otherwise), then ends slurmd, slurmctld and, if start launched it,
# munged, by the pids in their pid files, waiting for each to exit.
# What it takes on such a machine: /work/shared/docs/slurm-local.md.
set -eu

usage() {
	echo "usage: $0 start|stop DIR" >&2
	exit 2
}
[ $# -eq 2 ] || usage
action=$1
dir=$(mkdir -p "$2" && cd "$2" && pwd)
conf=$dir/slurm.conf
export SLURM_CONF="$conf"

alive() { # pid: running, and not a zombie waiting to be reaped (PID 1 here may not reap promptly)
	kill -0 "$1" 2>/dev/null && [ "$(awk '{ print $3 }' "/proc/$1/stat" 2>/dev/null)" != Z ]
}

end() { # pid file: ends its process and waits up to 10 s for it to exit
	pid=$(cat "$1" 2>/dev/null) || return 0
	[ -n "$pid" ] || return 0
	kill "$pid" 2>/dev/null || true
	i=0
	while alive "$pid" && [ $i -lt 100 ]; do
		sleep 0.1
		i=$((i + 1))
	done
	if alive "$pid"; then
		echo "local-cluster: pid $pid ($1) did not exit; killing it" >&2
		kill -9 "$pid" 2>/dev/null || true
	fi
	rm -f "$1"
}

stop() {
	if alive "$(cat "$dir/slurmctld.pid" 2>/dev/null || echo 0)"; then
		jobs=$(squeue -h -o %A 2>/dev/null || true)
		if [ -n "$jobs" ]; then
			# shellcheck disable=SC2086
			scancel $jobs 2>/dev/null || true
			i=0
			while [ -n "$(squeue -h -o %A 2>/dev/null || true)" ] && [ $i -lt 200 ]; do
				sleep 0.1
				i=$((i + 1))
			done
		fi
	fi
	end "$dir/slurmd.pid"
	end "$dir/slurmctld.pid"
	if [ -f "$dir/munged.ours" ]; then
		end /run/munge/munged.pid
		rm -f "$dir/munged.ours"
	fi
}

start() {
	for tool in munged slurmctld slurmd sbatch; do
		command -v $tool >/dev/null 2>&1 || [ -x /usr/sbin/$tool ] || {
			echo "local-cluster: $tool is missing: apt-get install -y slurm-wlm munge" >&2
			exit 1
		}
	done
	[ "$(id -u)" -eq 0 ] || {
		echo "local-cluster: needs root (slurmd starts jobs as their users)" >&2
		exit 1
	}
	host=$(hostname -s)
	cpus=$(nproc)
	# Below the real figure, or slurmd marks the node invalid.
	mem=$(awk '/MemTotal/ { print int($2 / 1024 * 0.8) }' /proc/meminfo)
	mkdir -p "$dir/state" "$dir/spool" "$dir/log"
	cat >"$conf" <<CONF
ClusterName=neuronas-local
SlurmctldHost=$host(127.0.0.1)
SlurmUser=root
AuthType=auth/munge
MpiDefault=none
ProctrackType=proctrack/linuxproc
TaskPlugin=task/none
SelectType=select/cons_tres
SelectTypeParameters=CR_Core
JobAcctGatherType=jobacct_gather/none
AccountingStorageType=accounting_storage/none
JobCompType=jobcomp/none
StateSaveLocation=$dir/state
SlurmdSpoolDir=$dir/spool
SlurmctldPidFile=$dir/slurmctld.pid
SlurmdPidFile=$dir/slurmd.pid
SlurmctldLogFile=$dir/log/slurmctld.log
SlurmdLogFile=$dir/log/slurmd.log
MailProg=/bin/true
SchedulerParameters=batch_sched_delay=0,sched_min_interval=0
ReturnToService=2
MinJobAge=300
NodeName=$host NodeAddr=127.0.0.1 CPUs=$cpus RealMemory=$mem State=UNKNOWN
PartitionName=debug Nodes=ALL Default=YES MaxTime=INFINITE State=UP
CONF
	if ! munge -n 2>/dev/null | unmunge >/dev/null 2>&1; then
		mkdir -p /run/munge
		chown munge:munge /run/munge
		chmod 0755 /run/munge
		runuser -u munge -- /usr/sbin/munged
		touch "$dir/munged.ours"
		i=0
		until munge -n 2>/dev/null | unmunge >/dev/null 2>&1; do
			[ $i -lt 50 ] || { echo "local-cluster: munged did not come up" >&2; exit 1; }
			sleep 0.1
			i=$((i + 1))
		done
	fi
	/usr/sbin/slurmctld -f "$conf"
	i=0
	until scontrol ping 2>/dev/null | grep -q UP; do
		[ $i -lt 100 ] || { echo "local-cluster: slurmctld did not answer; see $dir/log/slurmctld.log" >&2; stop; exit 1; }
		sleep 0.1
		i=$((i + 1))
	done
	/usr/sbin/slurmd -f "$conf" -N "$host"
	i=0
	until [ "$(sinfo -h -N -o %t 2>/dev/null)" = idle ]; do
		[ $i -lt 200 ] || { echo "local-cluster: the node did not come up idle; see $dir/log/slurmd.log" >&2; stop; exit 1; }
		sleep 0.1
		i=$((i + 1))
	done
	# The first batch job after a fresh start waits about 3 s to be scheduled: a warm-up job takes that wait.
	id=$(sbatch --parsable --output=/dev/null --wrap=true)
	i=0
	while [ -n "$(squeue -h -j "$id" 2>/dev/null)" ] && [ $i -lt 300 ]; do
		sleep 0.1
		i=$((i + 1))
	done
	echo "export SLURM_CONF=$conf"
}

case $action in
start) start ;;
stop) stop ;;
*) usage ;;
esac
