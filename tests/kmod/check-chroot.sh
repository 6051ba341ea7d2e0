#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-or-later
#
# check-chroot.sh VMCORES_DIR: vmcores/suite-chroot.sh on a bookworm minbase
# chroot (built once, cached): the command runs inside the chroot (its
# /etc/debian_version), sees /proc, the bind (read and write), --env and
# --cwd; its exit status is passed through; nothing stays mounted after it,
# also when it is killed.
set -uo pipefail
VMCORES=${1:?}
fails=0
bad() {
	echo "FAIL: $*"
	fails=$((fails + 1))
}
root=$("$VMCORES/suite-chroot.sh" bookworm) || { echo "FAIL: no bookworm chroot"; exit 1; }
t0=$(date +%s.%N)
"$VMCORES/suite-chroot.sh" bookworm >/dev/null
awk -v a="$t0" -v b="$(date +%s.%N)" 'BEGIN { printf "warm call: %.3f s\n", b - a }'
w=$(mktemp -d)
trap 'rm -rf "$w"' EXIT
echo from-host >"$w/in"
out=$("$VMCORES/suite-chroot.sh" bookworm --bind "$w:/work" --env PMT_X=42 --cwd /work --run \
	/bin/sh -c 'cat /etc/debian_version; cat in; echo "$PMT_X"; pwd; test -r /proc/self/status && echo proc; echo from-chroot >out')
rc=$?
[ "$rc" = 0 ] || bad "status $rc for a command that succeeded"
want="$(cat "$root/etc/debian_version")
from-host
42
/work
proc"
[ "$out" = "$want" ] || bad "inside the chroot got:
$out
expected:
$want"
[ "$(cat "$w/out" 2>/dev/null)" = from-chroot ] || bad "the write into the bind did not reach the host"
"$VMCORES/suite-chroot.sh" bookworm --run /bin/sh -c 'exit 3'
rc=$?
[ "$rc" = 3 ] || bad "exit status 3 came back as $rc"
timeout -s KILL 2 "$VMCORES/suite-chroot.sh" bookworm --bind "$w" --run sleep 30
grep -q " $root/" /proc/self/mountinfo && bad "mounts left behind: $(grep " $root/" /proc/self/mountinfo)"
[ "$fails" = 0 ] || exit 1
echo "ok: $root: command, bind, env, cwd, /proc, exit status; no mounts left"
