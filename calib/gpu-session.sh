#!/bin/sh
# The GPU work of issue 5 in one go, for a machine that has a GPU but neither GLib nor libconfig
# and cannot install anything (the lent device machine):
#
#   calib/gpu-session.sh bundle          here: put the built tiersim and the Debian runtime
#                                        libraries it needs into .device/ (git-ignored)
#   calib/gpu-session.sh run OUTDIR [S]  there, in the repository root with .device/ carried:
#                                        check the binary loads, calibrate, then validate the
#                                        scenarios issue 5 names, each for S seconds (default 10)
#
# OUTDIR receives at most 8 files: profile.cfg (the measured profile), session.log (everything
# printed, the validation reports included) and validation-<scenario>.csv.
set -eu

bundle () {
  [ -x ./tiersim ] || { echo "gpu-session: build tiersim first (with CUDA)" >&2; exit 2; }
  ./tiersim version | grep -q "CUDA: built in" || { echo "gpu-session: this tiersim has no CUDA" >&2; exit 2; }
  rm -rf .device && mkdir -p .device/debs .device/root
  # Every shared library tiersim loads, but the C library's own, as the Debian packages that hold
  # them (dpkg knows a file by its /usr path on a merged-/usr system, whichever path ldd shows).
  pkgs=$(for lib in $(ldd ./tiersim | awk '/=> \// { print $3 }' | grep -v -e '/libc\.so' -e '/libm\.so'); do
           dpkg -S "$lib" 2>/dev/null || dpkg -S "/usr$lib" 2>/dev/null || dpkg -S "$(readlink -f "$lib")"
         done | cut -d: -f1 | sort -u)
  (cd .device/debs && apt-get download $pkgs)
  for f in .device/debs/*.deb; do dpkg -x "$f" .device/root; done
  rm -rf .device/debs
  cp ./tiersim .device/tiersim
  echo "gpu-session: .device/ holds tiersim and $(echo $pkgs | wc -w) packages: $pkgs"
  du -sh .device
}

run () {
  out=$1 secs=${2:-10}
  mkdir -p "$out"
  libs=$PWD/.device/root/usr/lib/x86_64-linux-gnu:$PWD/.device/root/lib/x86_64-linux-gnu
  export LD_LIBRARY_PATH=$libs${LD_LIBRARY_PATH:+:$LD_LIBRARY_PATH}
  export TIERSIM_DATADIR=$PWD
  t=.device/tiersim
  log=$out/session.log
  st=0
  (
    # (set -e does not hold on the left of ||: failures are checked where they matter)
    date -u; nvidia-smi --query-gpu=name,driver_version,memory.total --format=csv || true
    ldd $t | grep -e "not found" -e glib -e config || true
    $t version
    $t calibrate -o "$out/profile.cfg" || exit $?
    for s in demo disb-a disb-d; do
      $t validate $s --profile "$out/profile.cfg" --duration "$secs" \
         -p rt-only -p streams -p streams-prio -p wait -p reef-n -o "$out/v-$s" || echo "validate $s: exit $?"
      cp "$out/v-$s/validation.csv" "$out/validation-$s.csv" 2>/dev/null || true
    done
    $t validate robot --profile "$out/profile.cfg" --duration "$secs" \
       -p rt-only -p streams -p streams-prio -p wait -p reef-n -p pantheon -o "$out/v-robot" || echo "validate robot: exit $?"
    cp "$out/v-robot/validation.csv" "$out/validation-robot.csv" 2>/dev/null || true
    rm -rf "$out"/v-*
  ) >"$log" 2>&1 || st=$?
  cat "$log"
  return $st
}

case "${1:-}" in
  bundle) bundle ;;
  run) [ $# -ge 2 ] || { echo "usage: $0 run OUTDIR [SECONDS]" >&2; exit 2; }; run "$2" "${3:-10}" ;;
  *) echo "usage: $0 bundle | run OUTDIR [SECONDS]" >&2; exit 2 ;;
esac
