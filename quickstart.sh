#!/bin/sh
# Installs what is missing (Debian 12 packages), builds tiersim and runs the embedded default
# scenario.  Safe to run again: it only installs and configures what is not there yet.
set -eu
cd "$(dirname "$0")"

PACKAGES="build-essential autoconf automake pkg-config libglib2.0-dev libconfig-dev libjson-glib-dev libfann-dev"
missing=""
for p in $PACKAGES; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "ok installed" || missing="$missing $p"
done
if [ -n "$missing" ]; then
  echo "Installing:$missing"
  SUDO=""
  [ "$(id -u)" -eq 0 ] || SUDO="sudo"
  $SUDO apt-get update
  $SUDO env DEBIAN_FRONTEND=noninteractive apt-get install -y $missing
fi

[ -x configure ] || ./autogen.sh
[ -f Makefile ] || ./configure
make -j"$(nproc)"
./tiersim run
