#!/bin/sh
# Fuzzes the scenario, model, profile and sweep loaders and @include (tests/fuzz/fuzz-loader.c) with libFuzzer,
# AddressSanitizer and UBSan, seeded with every shipped and test data file.
#   tests/fuzz/run.sh [SECONDS [JOBS]]      defaults: 300 seconds, 8 jobs
# Needs clang plus the build dependencies; builds from the committed tree (git archive HEAD) in
# a temporary folder, so the working tree's own build is untouched.  Findings (crash-*, leak-*,
# timeout-*) and fuzz.log are left in the current folder; exit status 0 when there are none.
set -eu
secs=${1:-300}
jobs=${2:-8}
src=$(cd "$(dirname "$0")/../.." && pwd)
work=$(mktemp -d "${TMPDIR:-/tmp}/tiersim-fuzz.XXXXXX")
trap 'rm -rf "$work"' EXIT

git -C "$src" archive HEAD | tar -x -C "$work"
cd "$work"
./autogen.sh >/dev/null 2>&1
./configure -q --with-cuda=no CC=clang \
  CFLAGS="-g -O1 -fsanitize=fuzzer-no-link,address,undefined -fno-sanitize-recover=undefined" >/dev/null
make -s -j"$jobs" libtiersim.a >/dev/null 2>&1
deps="glib-2.0 gio-2.0 libconfig json-glib-1.0"
# shellcheck disable=SC2046
clang -g -O1 -fsanitize=fuzzer,address,undefined -fno-sanitize-recover=undefined -I. \
  $(pkg-config --cflags $deps) tests/fuzz/fuzz-loader.c libtiersim.a $(pkg-config --libs $deps) -lm \
  -o fuzz-loader

# Seeds: the first byte picks the loader (0 scenario, 1 model, 2 profile, 3 sweep, 4 scenario and
# @included file).
mkdir corpus
n=0
seed () { for f in "$@"; do n=$((n + 1)); { printf "\\$kind"; cat "$f"; } > "corpus/$n"; done; }
kind=000; seed scenarios/*.cfg tests/data/*.cfg tests/data/bad/*.cfg
kind=001; seed scenarios/models/*.cfg tests/data/models/*.cfg
kind=002; seed calib/profiles/*.cfg tests/data/profiles/*.cfg tests/data/bad/refs/*.cfg
kind=003; seed sweeps/*.cfg tests/data/sweeps/*.cfg tests/data/sweeps/bad/*.cfg
# 4: a scenario, a NUL, then inc.cfg, which the scenario may @include (good.cfg's own include)
n=$((n + 1)); { printf '\004'; sed 's/good-policies.cfg/inc.cfg/' tests/data/good.cfg; printf '\000'; cat tests/data/good-policies.cfg; } > "corpus/$n"

cd - >/dev/null
# Full unwinding on malloc: libconfig has no frame pointers, and a suppression needs its frames.
ASAN_OPTIONS=fast_unwind_on_malloc=0 LSAN_OPTIONS="suppressions=$work/tests/fuzz/lsan.supp" \
  "$work/fuzz-loader" -fork="$jobs" -max_total_time="$secs" -max_len=65536 -timeout=10 \
  -rss_limit_mb=2048 "$work/corpus" > fuzz.log 2>&1 || true
grep -E '^#[0-9]+: cov' fuzz.log | tail -1
for f in crash-* leak-* timeout-* oom-*; do
  if [ -e "$f" ]; then echo "fuzz: findings in $(pwd) (see fuzz.log)"; exit 1; fi
done
echo "fuzz: no findings in ${secs} s"
