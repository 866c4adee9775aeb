#!/bin/sh
# A 4-shard sweep through a real single-node Slurm (slurmctld, slurmd and munge from Debian's
# slurm-wlm and munge packages, started here on localhost) must give the points.csv of a local
# run.  Skips (77) only when Slurm is not installed or cannot be started (it needs root).
set -u
TIERSIM=${TIERSIM:-./tiersim}
DATA=${TIERSIM_TEST_DATA:-$(dirname "$0")/data}
skip() { echo "# skipped: $*"; exit 77; }
for c in slurmctld slurmd munged mungekey sbatch sinfo squeue; do
  command -v "$c" >/dev/null 2>&1 || [ -x "/usr/sbin/$c" ] || skip "$c is not installed (Debian: slurm-wlm munge)"
done
[ "$(id -u)" -eq 0 ] || skip "slurmd needs root"
PATH=$PATH:/usr/sbin
dir=$(mktemp -d /tmp/tiersim-slurm-XXXXXX)
chmod 755 "$dir"
pids=""
cleanup() { for p in $pids; do kill "$p" 2>/dev/null; done; sleep 1; rm -rf "$dir"; }
trap cleanup EXIT

# munge with its own key, socket and files
mkdir -p "$dir/munge"
mungekey --create --keyfile="$dir/munge/key" >/dev/null 2>&1 || skip "mungekey failed"
munged --force --key-file="$dir/munge/key" --socket="$dir/munge/sock" --pid-file="$dir/munge/pid" \
  --log-file="$dir/munge/log" --seed-file="$dir/munge/seed" || skip "munged would not start"
pids="$(cat "$dir/munge/pid")"

host=$(hostname -s)
port=$(( 20000 + $$ % 20000 ))
mkdir -p "$dir/state" "$dir/spool"
cat > "$dir/slurm.conf" <<EOC
ClusterName=tiersimtest
SlurmctldHost=$host
SlurmctldPort=$port
SlurmdPort=$((port + 1))
SlurmUser=root
SlurmdUser=root
AuthType=auth/munge
AuthInfo=socket=$dir/munge/sock
CredType=cred/munge
StateSaveLocation=$dir/state
SlurmdSpoolDir=$dir/spool
SlurmctldPidFile=$dir/slurmctld.pid
SlurmdPidFile=$dir/slurmd.pid
SlurmctldLogFile=$dir/slurmctld.log
SlurmdLogFile=$dir/slurmd.log
ProctrackType=proctrack/linuxproc
TaskPlugin=task/none
JobAcctGatherType=jobacct_gather/none
SelectType=select/cons_tres
SelectTypeParameters=CR_CPU
ReturnToService=2
MpiDefault=none
NodeName=$host CPUs=$(nproc) State=UNKNOWN
PartitionName=test Nodes=ALL Default=YES MaxTime=INFINITE State=UP
EOC
export SLURM_CONF="$dir/slurm.conf"
slurmctld -D -i >/dev/null 2>&1 &
pids="$pids $!"
slurmd -D >/dev/null 2>&1 &
pids="$pids $!"
up=0
for i in $(seq 1 60); do
  state=$(sinfo -h -o %T 2>/dev/null | head -n 1)
  case "$state" in idle*|mixed*|allocated*) up=1; break ;; esac
  sleep 0.5
done
[ "$up" -eq 1 ] || skip "slurmctld/slurmd did not come up (state '$state'; see their logs)"

echo "1..1"
sweep="$DATA/sweeps/rates.cfg"
"$TIERSIM" sweep "$sweep" -o "$dir/local" >/dev/null 2>&1 || { echo "not ok 1 local sweep failed"; exit 1; }
"$TIERSIM" sweep "$sweep" --emit slurm --shards 4 -j 1 -o "$dir/slurm" >/dev/null || { echo "not ok 1 --emit slurm failed"; exit 1; }
sh "$dir/slurm/slurm-submit.sh" >/dev/null || { echo "not ok 1 sbatch failed"; exit 1; }
for i in $(seq 1 240); do
  [ -z "$(squeue -h 2>/dev/null)" ] && [ -f "$dir/slurm/points.csv" ] && break
  sleep 0.5
done
if [ -f "$dir/slurm/points.csv" ] && cmp -s "$dir/local/points.csv" "$dir/slurm/points.csv"; then
  echo "ok 1 4-shard sweep through Slurm equals the local run"
else
  echo "not ok 1 4-shard sweep through Slurm differs from the local run"
  for f in "$dir"/slurm/slurm-*.out; do [ -f "$f" ] && sed 's/^/# /' "$f"; done
  exit 1
fi
