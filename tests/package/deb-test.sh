#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-or-later
#
# deb-test.sh SOURCE_ROOT FUTURE_EXTENSION
#
# Build the Debian packages the way a user would, and use them without
# installing them (the machine is shared and kept between runs):
#
#  1. copy the tree with `git archive` into a scratch directory. git archive
#     packs commits, not the working tree: when the tree has local changes,
#     `git stash create` makes a commit of them (tracked files only; neither
#     the index, the stash list nor the tree is touched) and that is packed,
#     so the test checks what you are working on. Untracked files are not in
#     it: they are listed, since a file not yet `git add`ed would be missing
#     from the real package too;
#  2. dpkg-checkbuilddeps (Build-Depends installed?), then
#     dpkg-buildpackage -us -uc -b (its own fast tests run, debian/rules);
#  3. lintian on the result: any error or warning fails (overrides, each with
#     its reason, are in debian/*.lintian-overrides);
#  4. dpkg -x both .debs into a scratch root; check the files and the
#     crash-pmtrace Depends;
#  5. the unpacked pmtrace: `show` on vmcores/sample must print
#     vmcores/sample/truth/global/trace byte for byte;
#  6. the unpacked extension in the real crash, by bare name through
#     CRASH_EXTENSIONS, on the 6.1 corpus ELF dump (the sample's vmlinux is
#     not in the cache): `trace show` must print that cell's truth/global/trace
#     byte for byte; in the same session FUTURE_EXTENSION (built for a crash
#     "99.0.0") must be refused in one line, and crash must go on.
#
# PMTRACE_KEEP_TMP=1 keeps the scratch directory. Times of each step are
# printed.
set -uo pipefail
SRC=$(realpath "$1") FUTURE=$(realpath "$2")
cache=${PMTRACE_CACHE:-$HOME/.cache/pmtrace}
fails=0 passes=0
ok() { passes=$((passes + 1)); echo "ok: $*"; }
bad() { fails=$((fails + 1)); echo "FAIL: $*"; }
die() {
	echo "FAIL: $*"
	echo "$passes passed, $((fails + 1)) failed"
	exit 1
}
skip() {
	echo "SKIP: $*"
	exit 77
}
t0=$SECONDS
lap() { echo "   ($1: $((SECONDS - t0)) s)"; t0=$SECONDS; }

for tool in git dpkg-buildpackage dpkg-checkbuilddeps dpkg-deb lintian crash; do
	command -v $tool >/dev/null || die "no $tool: run scripts/setup-deps.sh"
done
git -C "$SRC" rev-parse --git-dir >/dev/null 2>&1 ||
	skip "$SRC is not a git checkout: git archive needs one"

tmp=$(mktemp -d "${TMPDIR:-/tmp}/pmtrace-deb.XXXXXX")
if [ -n "${PMTRACE_KEEP_TMP:-}" ]; then
	echo "keeping $tmp"
else
	trap 'rm -rf "$tmp"' EXIT
fi

# --- 1. a clean copy of the tree ------------------------------------------
rev=$(git -C "$SRC" stash create 2>/dev/null)
if [ -n "$rev" ]; then
	echo "note: the tree has local changes: packaging HEAD plus them (git stash create $rev)"
else
	rev=HEAD
fi
untracked=$(git -C "$SRC" ls-files --others --exclude-standard)
if [ -n "$untracked" ]; then
	echo "note: untracked files are NOT in the package (git add them if they belong):"
	printf '  %s\n' $untracked | head -20
fi
version=$(git -C "$SRC" show "$rev:debian/changelog" | sed -n '1s/^[^(]*(\([^)]*\)).*/\1/p')
[ -n "$version" ] || die "no version in debian/changelog"
mkdir "$tmp/src"
git -C "$SRC" archive --format=tar --prefix="pmtrace-$version/" "$rev" | tar -x -C "$tmp/src" ||
	die "git archive $rev failed"
tree=$tmp/src/pmtrace-$version
lap "git archive"

# --- 2. build ---------------------------------------------------------------
if ! (cd "$tree" && dpkg-checkbuilddeps) >"$tmp/checkbuilddeps.log" 2>&1; then
	die "Build-Depends not installed: $(cat "$tmp/checkbuilddeps.log") (scripts/setup-deps.sh installs them)"
fi
ok "dpkg-checkbuilddeps: every Build-Depends installed"
if (cd "$tree" && DEB_BUILD_OPTIONS="parallel=$(nproc)" dpkg-buildpackage -us -uc -b) \
	>"$tmp/build.log" 2>&1; then
	ok "dpkg-buildpackage -us -uc -b (its tests: $(grep -m1 'tests passed, ' "$tmp/build.log"))"
else
	tail -40 "$tmp/build.log"
	die "dpkg-buildpackage failed (log above)"
fi
lap "dpkg-buildpackage"
debs=("$tmp"/src/*.deb)
changes=("$tmp"/src/*.changes)
for p in pmtrace crash-pmtrace; do
	f=$(ls "$tmp/src/${p}_${version}_"*.deb 2>/dev/null)
	if [ -n "$f" ]; then
		ok "built $(basename "$f") ($(stat -c %s "$f") bytes)"
	else
		bad "no ${p}_${version}_*.deb among: $(ls "$tmp/src")"
	fi
done

# --- 3. lintian ---------------------------------------------------------------
lintian --fail-on error,warning --display-info "${changes[0]}" >"$tmp/lintian.log" 2>&1
lrc=$?
sed 's/^/   lintian: /' "$tmp/lintian.log"
if [ $lrc -eq 0 ]; then
	ok "lintian: no errors or warnings ($(grep -c '^[IP]:' "$tmp/lintian.log") info tags, listed above)"
else
	bad "lintian exit $lrc: fix the tags above, or add an override with its reason to debian/<package>.lintian-overrides"
fi
lap lintian

# --- 4. unpack ------------------------------------------------------------------
root=$tmp/root
for f in "${debs[@]}"; do dpkg -x "$f" "$root"; done
missing=()
for f in usr/bin/pmtrace usr/lib/crash/extensions/pmtrace.so usr/share/man/man1/pmtrace.1.gz \
	usr/share/man/man5/pmtrace-json.5.gz usr/share/man/man7/crash-pmtrace.7.gz \
	usr/share/bash-completion/completions/pmtrace usr/share/doc/pmtrace/copyright \
	usr/share/doc/crash-pmtrace/copyright usr/share/doc/pmtrace/install.md; do
	# dh_compress gzips documents over 4 KB
	[ -s "$root/$f" ] || [ -s "$root/$f.gz" ] || missing+=("$f")
done
if [ ${#missing[@]} -eq 0 ]; then
	ok "dpkg -x: binary, extension, man pages 1/5/7, completion, docs in place"
else
	bad "missing from the .debs: ${missing[*]}"
fi
crash_version=$(crash --version | sed -n 's/^crash \([0-9][^ ]*\).*/\1/p' | head -n 1)
dep=$(dpkg-deb -f "$tmp"/src/crash-pmtrace_*.deb Depends)
if [[ $dep == *"crash (>= $crash_version)"* ]]; then
	ok "crash-pmtrace Depends: $dep"
else
	bad "crash-pmtrace Depends '$dep' lacks 'crash (>= $crash_version)'"
fi

# --- 5. the command on the sample dump ---------------------------------------------
S=$SRC/vmcores/sample
PMTRACE_CACHE=$tmp/cache "$root/usr/bin/pmtrace" show --profile "$S/profile" "$S/vmcore" \
	>"$tmp/show" 2>"$tmp/show.err"
rc=$?
if [ $rc -eq 0 ] && cmp -s "$tmp/show" "$S/truth/global/trace"; then
	ok "unpacked pmtrace show on vmcores/sample == truth/global/trace ($(grep -vc '^#' "$tmp/show") events)"
else
	bad "unpacked pmtrace show: exit $rc, $(cmp "$tmp/show" "$S/truth/global/trace" 2>&1) $(head -3 "$tmp/show.err")"
fi
lap "pmtrace show"

# --- 6. the extension in crash, by bare name ---------------------------------------
release=
for d in "$cache"/corpus/6.1.*/; do
	[ -r "$d/basic/vmcore.elf" ] && release=$(basename "$d")
done
[ -n "$release" ] || die "no 6.1 basic ELF dump under $cache/corpus (fixture corpus61 should have made it)"
cell=$cache/corpus/$release/basic
vmlinux=$cache/kernels/$release/vmlinux
[ -r "$vmlinux" ] || die "no vmlinux at $vmlinux"
mkdir "$tmp/cwd" # crash looks in the current directory first: an empty one
cat >"$tmp/cmds" <<EOF
extend $FUTURE
extend pmtrace.so
trace show > $tmp/crash-show
sys
q
EOF
# A sanitizer build of the future extension needs the sanitizer runtimes
# loaded first in crash (as tests/crash-ext does).
asan_env=()
asan_lib=$(ldd "$FUTURE" 2>/dev/null | awk '/libasan/ {print $3; exit}')
ubsan_lib=$(ldd "$FUTURE" 2>/dev/null | awk '/libubsan/ {print $3; exit}')
if [ -n "$asan_lib" ]; then
	asan_env=("LD_PRELOAD=$asan_lib${ubsan_lib:+:$ubsan_lib}"
		"ASAN_OPTIONS=detect_leaks=0:verify_asan_link_order=0:alloc_dealloc_mismatch=0:detect_odr_violation=0:replace_str=0:intercept_strstr=0:intercept_strchr=0:intercept_strspn=0:intercept_strpbrk=0:intercept_memcmp=0")
fi
(cd "$tmp/cwd" && env "${asan_env[@]}" CRASH_EXTENSIONS="$root/usr/lib/crash/extensions" \
	timeout 600 crash -s --no_crashrc --no_scroll -i "$tmp/cmds" "$vmlinux" "$cell/vmcore.elf" \
	</dev/null >"$tmp/crash.log" 2>&1)
crc=$?
sed 's/^/   crash: /' "$tmp/crash.log" | head -20
refusal="pmtrace.so: built for crash 99.0.0 or later, this is crash $crash_version: not loaded"
ours=$(grep -c '^pmtrace' "$tmp/crash.log")
if grep -qxF "$refusal" "$tmp/crash.log" && [ "$ours" -eq 1 ] &&
	grep -q "pmtrace-future.so: no commands registered: shared object unloaded" "$tmp/crash.log"; then
	ok "crash $crash_version refuses an extension built for crash 99.0.0 in one line, unloads it, goes on"
else
	bad "the future extension was not refused as expected ('$refusal', and crash's unload line)"
fi
if grep -qxF "$root/usr/lib/crash/extensions/pmtrace.so: shared object loaded" "$tmp/crash.log"; then
	ok "crash: 'extend pmtrace.so' found the unpacked extension through CRASH_EXTENSIONS"
else
	bad "crash (exit $crc) did not load $root/usr/lib/crash/extensions/pmtrace.so by bare name"
fi
if cmp -s "$tmp/crash-show" "$cell/truth/global/trace"; then
	ok "crash trace show on $release basic ELF == truth/global/trace ($(grep -vc '^#' "$tmp/crash-show") events)"
else
	bad "crash trace show differs from $cell/truth/global/trace: $(diff "$cell/truth/global/trace" "$tmp/crash-show" 2>&1 | head -5)"
fi
if grep -q 'RELEASE: ' "$tmp/crash.log"; then
	ok "crash still answers 'sys' after both extends"
else
	bad "crash did not run 'sys' after the extends (exit $crc)"
fi
lap "crash session"

echo "$passes passed, $fails failed"
[ "$fails" -eq 0 ]
