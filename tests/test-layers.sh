#!/bin/sh
# The layers of the source tree (docs/architecture.md, "Layers"): a file includes headers of its
# own layer and of the layers it sits on, never of a layer above.  Each #include "..." of every C,
# CUDA and header file is checked against this table; a violation names the file, the line and
# the two layers.  libconfig (and the loaders' cfg.h over it) is included by the loaders only, and the real backend includes
# nothing of the simulated machine: the seam (sim/backend.h) owns every type it needs.
#
#   layer     folder                          may include
#   core      sim/ (not its subfolders)       core
#   policies  policies/                       core
#   device    real_backend/, calib/           core
#   load      sim/load/                       core, policies/registry.h
#   out       sim/out/                        core, load
#   sweep     sim/sweep/                      core, load, out, policies/registry.h
#   cli       sim/cli/                        everything
set -u
src=$(cd "$(dirname "$0")/.." && pwd)
cd "$src" || exit 1
echo "1..3"

layer_of () {
  case $1 in
    sim/load/*) echo load ;; sim/out/*) echo out ;; sim/sweep/*) echo sweep ;; sim/cli/*) echo cli ;;
    sim/*) echo core ;; policies/*) echo policies ;; real_backend/* | calib/*) echo device ;;
    *) echo other ;;
  esac
}
# allowed FROM TO HEADER: whether layer FROM may include HEADER of layer TO
allowed () {
  [ "$1" = "$2" ] && return 0
  case "$1:$2" in
    *:core | cli:*) return 0 ;;
    load:policies | sweep:policies) [ "$3" = policies/registry.h ] ;;
    out:load | sweep:load | sweep:out) return 0 ;;
    *) return 1 ;;
  esac
}

bad=$(mktemp)
trap 'rm -f "$bad"' EXIT
for f in $(find sim policies real_backend calib -type f \( -name '*.c' -o -name '*.h' -o -name '*.cu' -o -name '*.cuh' \) | LC_ALL=C sort); do
  case $f in */builtin-resources.c) continue ;; esac
  from=$(layer_of "$f")
  grep -n '^[[:space:]]*#[[:space:]]*include[[:space:]]*"' "$f" | while IFS= read -r hit; do
    line=${hit%%:*}
    h=$(printf '%s\n' "$hit" | sed 's/^[^"]*"\([^"]*\)".*/\1/')
    [ "$h" = config.h ] && continue
    to=$(layer_of "$h")
    allowed "$from" "$to" "$h" || echo "$f:$line: the $from layer includes $h, of the $to layer above it" >>"$bad"
  done
done
if [ -s "$bad" ]; then
  echo "not ok 1 every include goes to the same layer or one below"
  sed 's/^/# /' "$bad"
else
  echo "ok 1 every include goes to the same layer or one below"
fi

users=$(grep -rlE '^[[:space:]]*#[[:space:]]*include[[:space:]]*(<libconfig.h>|"sim/load/cfg.h")' sim policies real_backend calib |
  grep -v '^sim/load/' || true)
if [ -n "$users" ]; then
  echo "not ok 2 only the loaders (sim/load/) include libconfig.h or cfg.h"
  printf '# %s\n' $users
else
  echo "ok 2 only the loaders (sim/load/) include libconfig.h or cfg.h"
fi
sim_users=$(grep -ln '^[[:space:]]*#[[:space:]]*include[[:space:]]*"sim/\(gpu\|contention\|host\|dla\|backend-sim\)\.h"' \
  real_backend/* 2>/dev/null || true)
if [ -n "$sim_users" ]; then
  echo "not ok 3 the real backend includes nothing of the simulated machine"
  printf '# %s\n' $sim_users
else
  echo "ok 3 the real backend includes nothing of the simulated machine"
fi
[ -s "$bad" ] || [ -n "$users" ] || [ -n "$sim_users" ] && exit 1
exit 0
