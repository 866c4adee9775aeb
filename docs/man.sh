#!/bin/sh
# Writes the man page tiersim(1) to OUT from the --help texts of TIERSIM (the built binary): the
# global --help through help2man, and each command's --help as a subsection of COMMANDS.
# Without help2man it writes a plainer page of the same texts, so a build never fails for it;
# release tarballs ship the help2man page.  Usage: man.sh TIERSIM VERSION OUT
set -eu
tiersim=$1 version=$2 out=$3
tmp=$(mktemp -d "${TMPDIR:-/tmp}/tiersim-man-XXXXXX")
trap 'rm -rf "$tmp"' EXIT
# an ASCII page: in the C locale GLib writes "[OPTION?]", which the page shows as "[OPTION...]"
LC_ALL=C
export LC_ALL

# roff-safe text: backslashes as \e, a leading . or ' kept literal, as preformatted lines
roff() { sed -e 's/\\/\\e/g' -e "s/^\\([.']\\)/\\\\\\&\\1/"; }

# the commands as the global --help lists them (sim/cli/main.c's table), so that a new one is documented
commands=$("$tiersim" --help | sed -n '/^Commands:/,/^$/s/^  \([a-z][a-z-]*\) .*/\1/p')
[ -n "$commands" ] || { echo "man.sh: no commands in '$tiersim --help'" >&2; exit 1; }
{
  echo "[COMMANDS]"
  for c in $commands; do
    echo ".SS \"tiersim $c\""
    echo ".nf"
    "$tiersim" "$c" --help | roff
    echo ".fi"
  done
  cat <<'EOT'
[FILES]
Shipped scenarios, sweeps, models and GPU profiles are installed under the package's data
directory (\fIPREFIX\fR/share/tiersim: scenarios/, scenarios/models/, sweeps/, calib/profiles/);
\fBtiersim list\fR names them, and \fBtiersim run\fR \fINAME\fR or \fBtiersim sweep\fR \fINAME\fR
runs one by name.  \fBTIERSIM_DATADIR\fR, when set, names another data directory.
[EXIT STATUS]
0 ok, 1 a run failed, 2 bad usage or bad input.
[SEE ALSO]
The README and docs/ of the source tree (docs/architecture.md: the design; docs/model.md: what the
simulator computes and every metric).
[COPYRIGHT]
Copyright (c) 2026 The tiersim developers.  MIT License.
EOT
} > "$tmp/commands.h2m"

if command -v help2man >/dev/null 2>&1; then
  help2man --no-info --no-discard-stderr --version-string="$version" \
    --name="discrete-event simulator of concurrent DNN inference on one GPU" \
    --include="$tmp/commands.h2m" --output="$tmp/page" "$tiersim"
else
  echo "man.sh: help2man not found (Debian: help2man); writing a plain page from the --help texts" >&2
  {
    echo ".TH TIERSIM 1 \"\" \"tiersim $version\" \"User Commands\""
    echo ".SH NAME"
    echo "tiersim \\- discrete-event simulator of concurrent DNN inference on one GPU"
    echo ".SH DESCRIPTION"
    echo ".nf"
    "$tiersim" --help | roff
    echo ".fi"
    sed -e 's/^\[\(.*\)\]$/.SH \1/' "$tmp/commands.h2m"
  } > "$tmp/page"
fi
sed 's/\[OPTION?\]/[OPTION...]/g' "$tmp/page" > "$tmp/page.ascii"
mv "$tmp/page.ascii" "$out"
