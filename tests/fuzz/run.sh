#!/bin/sh
# Fuzzes every parser of outside text with libFuzzer, AddressSanitizer and UBSan, one target per
# tests/fuzz/fuzz-*.c:
#   fuzz-loader   scenario, model, profile and sweep files, and @include;
#   fuzz-csv      the CSV reader and writer (sim/out/csv);
#   fuzz-results  what plot and merge read back from results folders (CSV, manifest.json).
#   tests/fuzz/run.sh [--check] [SECONDS [JOBS]]
# runs each target for SECONDS (default 300) in JOBS processes (default 1; more: libFuzzer's
# -fork).  --check first runs the test suite (make check) in a build with AddressSanitizer and
# UBSan (without the fuzzers' coverage instrumentation, which makes it three times slower) and
# leaves its test-suite.log as test-suite-asan.log in the current folder.
# Needs clang (Debian: clang libclang-rt-dev) plus the build dependencies.  Builds the working
# tree's sources (in a git checkout: tracked files and untracked ones git does not ignore;
# otherwise the whole tree, cleaned of any build) in a temporary folder, so the tree's own build
# is untouched; make runs as many jobs as there are processors.  Seeds are made from committed
# files: the shipped and test data (loader), and the outputs of a run and a sweep of tests/data's
# hostile-name scenarios (csv, results).  Findings (crash-*, leak-*, timeout-*, oom-*) and
# fuzz-TARGET.log are left in the current folder; the last line of each log gives its
# executions.  Exit status 0 when the tests pass and no target found anything.
set -eu
check=no
if [ "${1:-}" = "--check" ]; then check=yes; shift; fi
secs=${1:-300}
jobs=${2:-1}
cpus=$(nproc)
src=$(cd "$(dirname "$0")/../.." && pwd)
here=$(pwd)
work=$(mktemp -d "${TMPDIR:-/tmp}/tiersim-fuzz.XXXXXX")
fuzztmp=$work
trap 'rm -rf "$work" "$fuzztmp"' EXIT

if git -C "$src" rev-parse --is-inside-work-tree >/dev/null 2>&1; then
  git -C "$src" ls-files -z -co --exclude-standard | (cd "$src" && tar --null -T - --ignore-failed-read -cf -) \
    | tar -x -C "$work"
else
  (cd "$src" && tar -cf - .) | tar -x -C "$work"
  [ ! -f "$work/Makefile" ] || make -C "$work" -s distclean >/dev/null 2>&1 || true
fi
cd "$work"
./autogen.sh >/dev/null 2>&1
san="address,undefined -fno-sanitize-recover=undefined"
# Leaks inside libconfig are not ours (tests/fuzz/lsan.supp).
export LSAN_OPTIONS="suppressions=$work/tests/fuzz/lsan.supp"

# build DIR FLAGS [TARGET...]: configures the tree in $work/DIR with clang and FLAGS, and makes
# the targets (default: all) there.
build () {
  bdir=$1; flags=$2; shift 2
  mkdir "$bdir" && cd "$bdir"
  ../configure -q --with-cuda=no CC=clang CFLAGS="-g -O1 $flags" >/dev/null
  make -s -j"$cpus" "$@" >/dev/null 2>&1
  cd "$work"
}

status=0
if [ "$check" = yes ]; then
  build check "-fsanitize=$san"
  (cd check && make -s -j"$cpus" check >/dev/null 2>&1) || status=1
  cp check/test-suite.log "$here/test-suite-asan.log" 2>/dev/null || status=1
fi

build fuzz "-fsanitize=fuzzer-no-link,$san" libtiersim.a tiersim
deps="glib-2.0 gio-2.0 libconfig json-glib-1.0"
for t in tests/fuzz/fuzz-*.c; do
  # shellcheck disable=SC2046
  clang -g -O1 -fsanitize=fuzzer,$san -Ifuzz -I. $(pkg-config --cflags $deps) "$t" fuzz/libtiersim.a \
    $(pkg-config --libs $deps) -ldoublefann -lm -o "fuzz/$(basename "${t%.c}")"
done

# Seeds.  fuzz-loader: the first byte picks the loader (0 scenario, 1 model, 2 profile, 3 sweep,
# 4 scenario and @included file).
mkdir -p seeds/loader seeds/csv seeds/results
n=0
seed () { for f in "$@"; do n=$((n + 1)); { printf "\\$kind"; cat "$f"; } > "seeds/$dir/$n"; done; }
dir=loader
kind=000; seed scenarios/*.cfg tests/data/*.cfg tests/data/bad/*.cfg
kind=001; seed scenarios/models/*.cfg tests/data/models/*.cfg
kind=002; seed calib/profiles/*.cfg tests/data/profiles/*.cfg tests/data/bad/refs/*.cfg
kind=003; seed sweeps/*.cfg tests/data/sweeps/*.cfg tests/data/sweeps/bad/*.cfg
# 4: a scenario, a NUL, then inc.cfg, which the scenario may @include (good.cfg's own include)
n=$((n + 1)); { printf '\004'; sed 's/good-policies.cfg/inc.cfg/' tests/data/good.cfg; printf '\000'; cat tests/data/good-policies.cfg; } > "seeds/loader/$n"

# The outputs of a run (names that CSV must quote) and of a sweep (axis names and labels too).
fuzz/tiersim run -q --plot -o out/run tests/data/hostile-name.cfg >/dev/null 2>&1 || true
fuzz/tiersim sweep -j 1 -o out/sweep tests/data/sweeps/hostile-names.cfg >/dev/null 2>&1
# fuzz-csv: 0 a table, 1 records, 2 records to write (fields split at 0x1f, records at NUL)
dir=csv
kind=000; seed out/run/*.csv out/sweep/points.csv
kind=001; seed out/run/jobs.csv out/sweep/points/000000/point.txt
n=$((n + 1)); printf '\002a,b\037"q""\037\015\012x\000\000\037\000plain' > seeds/csv/$n
# fuzz-results: 0 a run's summary.csv, jobs.csv and timeline.csv; 1 a sweep's points.csv;
# 2 a sweep's manifest.json, then point 0's point.txt and summary.csv (all NUL-separated)
{ printf '\000'; cat out/run/summary.csv; printf '\000'; cat out/run/jobs.csv; printf '\000'; cat out/run/timeline.csv; } > seeds/results/0
{ printf '\001'; cat out/sweep/points.csv; } > seeds/results/1
p=out/sweep/points/000000
{ printf '\002'; cat out/sweep/manifest.json; printf '\000'; cat $p/point.txt; printf '\000'; cat $p/summary.csv; } > seeds/results/2

cd "$here"
# The targets write and remove files at every input: in memory where there is a tmpfs.
if [ -d /dev/shm ] && [ -w /dev/shm ]; then fuzztmp=$(mktemp -d /dev/shm/tiersim-fuzz.XXXXXX); fi
# One job: one process (a fork per job restarts it often, which costs most of a short run).
fork=
[ "$jobs" -le 1 ] || fork=-fork=$jobs
targets=0
for c in "$work"/tests/fuzz/fuzz-*.c; do
  t=$(basename "$c" .c); t=${t#fuzz-}
  targets=$((targets + 1))
  log=fuzz-$t.log
  mkdir -p "$work/corpus-$t" "$work/seeds/$t"
  TMPDIR=$fuzztmp "$work/fuzz/fuzz-$t" $fork -max_total_time="$secs" -max_len=65536 -timeout=10 \
    -rss_limit_mb=2048 "$work/corpus-$t" "$work/seeds/$t" > "$log" 2>&1 || true
  # the last status line: "#N: cov..." with -fork, "#N\t... cov..." without
  execs=$(grep -E '^#[0-9]+[:[:space:]]' "$log" | tail -1 | sed 's/^#\([0-9]*\).*/\1/')
  echo "fuzz-$t: ${execs:-0} executions in $secs s" | tee -a "$log"
done
for f in crash-* leak-* timeout-* oom-*; do
  if [ -e "$f" ]; then echo "fuzz: findings in $here (see fuzz-*.log)"; status=1; break; fi
done
[ "$status" -ne 0 ] || echo "fuzz: no findings, $targets targets, ${secs} s each"
exit "$status"
