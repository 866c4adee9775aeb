#!/bin/sh
# make install into a temporary DESTDIR, then the installed tiersim as a user has it: its data
# directory is where the data was installed, and from another folder it runs a shipped scenario
# and a shipped sweep by name, lists them, and its man page renders.  (The installed binary looks
# for $(pkgdatadir) without DESTDIR, so the runs name the staged copy with TIERSIM_DATADIR; test 2
# checks that the built-in path is that copy's.)
set -u
TIERSIM=${TIERSIM:-./tiersim}
builddir=$(cd "$(dirname "$TIERSIM")" && pwd)
MAKE=${MAKE:-make}
skip() { echo "1..0 # SKIP $*"; exit 0; }
command -v "$MAKE" >/dev/null 2>&1 || skip "no $MAKE"
[ -f "$builddir/Makefile" ] || skip "no Makefile beside $TIERSIM"
dir=$(mktemp -d /tmp/tiersim-install-XXXXXX)
trap 'rm -rf "$dir"' EXIT
echo "1..4"
fail() { echo "not ok $1"; shift; for f; do [ -f "$f" ] && sed 's/^/# /' "$f"; done; exit 1; }

# the test runs under make check: the inner make must not take the outer one's jobserver
env -u MAKEFLAGS -u MFLAGS -u MAKELEVEL "$MAKE" -s -C "$builddir" install DESTDIR="$dir/root" >"$dir/log" 2>&1 \
  || fail "1 make install DESTDIR=..." "$dir/log"
bin=$(find "$dir/root" -type f -path '*/bin/tiersim' | head -n 1)
data=$(find "$dir/root" -type d -path '*/share/tiersim' | head -n 1)
page=$(find "$dir/root" -type f -path '*/man1/tiersim.1' | head -n 1)
for f in scenarios/disb-a.cfg scenarios/models/resnet50_64.cfg calib/profiles/mi50.cfg sweeps/seeds.cfg; do
  [ -n "$data" ] && [ -f "$data/$f" ] || fail "1 installed data: no $f under '$data'" "$dir/log"
done
[ -n "$bin" ] && [ -x "$bin" ] && [ -n "$page" ] || fail "1 installed files: bin '$bin', man page '$page'" "$dir/log"
echo "ok 1 make install: the binary, the data and tiersim.1"

mkdir "$dir/elsewhere"
cd "$dir/elsewhere" || exit 1
builtin=$(env -u TIERSIM_DATADIR "$bin" version | sed -n 's/^data directory: //p')
[ "$dir/root$builtin" = "$data" ] || fail "2 the installed binary's data directory is '$builtin', installed at '$data'"
echo "ok 2 the installed binary looks for its data where it was installed"

export TIERSIM_DATADIR="$data"
"$bin" run disb-a -q --duration 0.2 >"$dir/run" 2>"$dir/err1" && head -n 1 "$dir/run" | grep -q '^policy ' \
  && grep -q '^rt-only ' "$dir/run" || fail "3 run disb-a -q" "$dir/run" "$dir/err1"
"$bin" list sweeps >"$dir/list" 2>&1 && grep -q '^seeds ' "$dir/list" || fail "3 list sweeps" "$dir/list"
"$bin" sweep seeds --emit slurm -o "$dir/sl" >"$dir/out" 2>&1 && grep -q "$data/sweeps/seeds.cfg" "$dir/sl/slurm-submit.sh" \
  || fail "3 sweep seeds --emit slurm" "$dir/out"
echo "ok 3 from another folder: run disb-a, list sweeps, sweep seeds by name"

grep -q '^\.TH TIERSIM "\{0,1\}1' "$page" && grep -q '^\.SS "tiersim run"' "$page" && grep -q '^\.SS "tiersim sweep"' "$page" \
  || fail "4 tiersim.1 lacks its header or a command's section" "$page"
if command -v man >/dev/null 2>&1; then
  MANWIDTH=100 man -l "$page" >"$dir/man" 2>"$dir/merr" && grep -q 'tiersim run' "$dir/man" && grep -q 'sbatch-arg' "$dir/man" \
    || fail "4 man -l tiersim.1" "$dir/man" "$dir/merr"
  echo "ok 4 man tiersim: renders, with every command's options"
else
  echo "ok 4 tiersim.1 has a section per command # SKIP no man(1) to render it"
fi
