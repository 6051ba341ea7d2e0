#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-or-later
#
# kshark-screenshot.sh TRACE.DAT PNG: open a trace.dat in the KernelShark GUI
# on a virtual X server (xvfb-run) and save what it shows, for a person to
# look at. KernelShark runs as an unprivileged user (as root it first shows a
# warning dialog over everything). The script checks that KernelShark said it
# loaded the file, that it is still running, and that the picture is not one
# flat colour; what the picture shows is for the eye.
set -u

dat=$1 png=$2
for t in xvfb-run kernelshark xwd xwdtopnm pnmtopng setpriv; do
	command -v $t >/dev/null || { echo "SKIP: no $t (scripts/setup-deps.sh)" >&2; exit 77; }
done
work=$(mktemp -d "${TMPDIR:-/tmp}/pmtrace-kshark.XXXXXX")
trap 'rm -rf "$work"' EXIT
chmod 0755 "$work"
cp "$dat" "$work/trace.dat"
chmod 0644 "$work/trace.dat"
mkdir -m 0700 "$work/home"
chown 65534:65534 "$work/home"

cat >"$work/inside.sh" <<'INNER'
#!/usr/bin/env bash
work=$1 png=$2
HOME=$work/home XDG_RUNTIME_DIR=$work/home setpriv --reuid=65534 --regid=65534 --clear-groups \
	kernelshark "$work/trace.dat" >"$work/ks.log" 2>&1 &
pid=$!
# KernelShark logs "Loading <file>" and then draws; give it a few seconds
for _ in $(seq 60); do
	grep -q '^Loading' "$work/ks.log" 2>/dev/null && break
	sleep 0.5
done
sleep 4
kill -0 $pid 2>/dev/null || { echo "KernelShark exited: $(tail -3 "$work/ks.log")"; exit 1; }
xwd -root -silent | xwdtopnm 2>/dev/null | pnmtopng >"$png"
kill $pid
wait $pid 2>/dev/null
exit 0
INNER
chmod +x "$work/inside.sh"
timeout 120 xvfb-run -a -s "-ac -screen 0 1280x800x24" "$work/inside.sh" "$work" "$png" || {
	echo "FAIL: KernelShark under xvfb: $(tail -5 "$work/ks.log" 2>/dev/null)"
	exit 1
}
grep -q '^Loading' "$work/ks.log" || { echo "FAIL: KernelShark did not load the file"; cat "$work/ks.log"; exit 1; }
# a flat picture compresses to almost nothing
size=$(stat -c %s "$png" 2>/dev/null || echo 0)
[ "$size" -gt 20000 ] || { echo "FAIL: $png is $size bytes: nothing drawn?"; exit 1; }
echo "ok: KernelShark opened $dat; screenshot $png ($size bytes) for a person to look at"
