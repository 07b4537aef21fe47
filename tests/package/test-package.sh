#!/bin/bash
# SPDX-License-Identifier: LGPL-2.1-or-later
#
# The packages (README: Install): cpack makes a .deb and an .rpm of the build directory; each
# holds the binary, every man page of man/ and the three completions where its distribution looks
# for them, and declares the shared libraries the binary needs (each library's package for the
# .deb, each soname for the .rpm). The .deb is installed with dpkg into a scratch root (its own
# dpkg database), the .rpm with rpm into another; migcheck --version and man migcheck then run
# from the scratch root.
#
#   test-package.sh BUILD_DIR SOURCE_DIR
set -euo pipefail
build=$(realpath "$1")
src=$(realpath "$2")
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
rc=0
fail() {
	echo "package: $*" >&2
	rc=1
}
for t in cpack dpkg dpkg-deb dpkg-shlibdeps rpm rpmbuild man col readelf ldd; do
	command -v "$t" >/dev/null || {
		echo "package: $t is not installed (tests/setup.sh installs it)" >&2
		exit 1
	}
done
want_version=$("$build/src/migcheck" --version)

(cd "$build" && cpack -G DEB -B "$tmp/out" >"$tmp/cpack-deb.log" 2>&1) || {
	cat "$tmp/cpack-deb.log" >&2
	fail "cpack -G DEB failed"
}
(cd "$build" && cpack -G RPM -B "$tmp/out" >"$tmp/cpack-rpm.log" 2>&1) || {
	cat "$tmp/cpack-rpm.log" >&2
	fail "cpack -G RPM failed"
}
deb=$(find "$tmp/out" -maxdepth 1 -name 'migcheck_*.deb')
rpm=$(find "$tmp/out" -maxdepth 1 -name 'migcheck-*.rpm')
[[ -f $deb && -f $rpm ]] || {
	fail "cpack made no .deb or no .rpm: $(ls "$tmp/out")"
	exit 1
}

# What the binary needs: its NEEDED sonames, and the Debian packages that ship them here.
mapfile -t sonames < <(readelf -d "$build/src/migcheck" | sed -n 's/.*Shared library: \[\(.*\)\]/\1/p')
((${#sonames[@]} > 3)) || fail "readelf found only ${#sonames[@]} libraries the binary needs"
depends=$(dpkg-deb -f "$deb" Depends)
rpm_requires=$(rpm -qp --requires "$rpm" 2>/dev/null)
for so in "${sonames[@]}"; do
	# The library the binary loads (ld.so's answer), and the package that ships it.
	path=$(ldd "$build/src/migcheck" | awk -v so="$so" '$1 == so && !done { print $3; done = 1 }')
	pkg=
	# (/lib is /usr/lib on a merged-/usr system; dpkg knows the name the package ships.)
	for p in "$path" "$(readlink -f "$path")" "/usr$path" "/usr$(readlink -f "$path")"; do
		[[ -n $pkg || -z $p ]] || pkg=$(dpkg -S "$p" 2>/dev/null | sed -n '1s/:.*//p') || true
	done
	if [[ -z $pkg ]]; then
		fail "no Debian package ships $so ($path)"
	elif ! grep -qE "(^|, )$pkg( |,|$)" <<<"$depends"; then
		fail "the .deb does not depend on $pkg, which ships $so (Depends: $depends)"
	fi
	grep -qF "$so" <<<"$rpm_requires" || fail "the .rpm does not require $so"
done

# Files, where each distribution wants them.
mapfile -t pages < <(cd "$src/man" && ls ./*.[1-9] | sed 's|^\./||')
((${#pages[@]} >= 4)) || fail "found only ${#pages[@]} man pages in man/"
common=(/usr/bin/migcheck /usr/share/bash-completion/completions/migcheck
	/usr/share/fish/vendor_completions.d/migcheck.fish)
for p in "${pages[@]}"; do
	common+=("/usr/share/man/man${p##*.}/$p")
done
deb_files=$(dpkg-deb -c "$deb" | awk '{ print substr($6, 2) }')
for f in "${common[@]}" /usr/share/zsh/vendor-completions/_migcheck; do
	grep -qxF "$f" <<<"$deb_files" || fail "the .deb lacks $f"
done
rpm_files=$(rpm -qpl "$rpm" 2>/dev/null)
for f in "${common[@]}" /usr/share/zsh/site-functions/_migcheck; do
	grep -qxF "$f" <<<"$rpm_files" || fail "the .rpm lacks $f"
done
# The .rpm owns no directory of the filesystem or of other packages.
for d in /usr /usr/bin /usr/share /usr/share/man /usr/share/man/man1 /usr/share/zsh \
	/usr/share/bash-completion; do
	grep -qxF "$d" <<<"$rpm_files" && fail "the .rpm owns the directory $d"
done

# Installed into a scratch root: the .deb with dpkg (its dependencies are this machine's, so
# --force-depends for the empty database; man pages included even where a container's dpkg
# configuration leaves them out).
root=$tmp/deb-root
mkdir -p "$root/var/lib/dpkg/info" "$root/var/lib/dpkg/updates"
: >"$root/var/lib/dpkg/status"
dpkg --root="$root" --force-depends --path-include='/usr/share/man/*' -i "$deb" \
	>"$tmp/dpkg.log" 2>&1 || {
	cat "$tmp/dpkg.log" >&2
	fail "dpkg could not install the .deb into a scratch root"
}
status=$(dpkg --root="$root" -s migcheck 2>&1) || true
grep -q '^Status: install ok installed' <<<"$status" ||
	fail "dpkg does not list migcheck as installed in the scratch root"
# The .rpm with rpm, into a scratch root of its own.
rroot=$tmp/rpm-root
mkdir -p "$rroot"
rpm --root "$rroot" --initdb 2>/dev/null
rpm --root "$rroot" -i --nodeps --noscripts "$rpm" >"$tmp/rpm.log" 2>&1 || {
	cat "$tmp/rpm.log" >&2
	fail "rpm could not install the .rpm into a scratch root"
}

for r in "$root" "$rroot"; do
	got=$("$r/usr/bin/migcheck" --version 2>&1) || fail "$r/usr/bin/migcheck --version failed: $got"
	[[ $got == "$want_version" ]] ||
		fail "the installed migcheck says '$got', the build says '$want_version'"
	where=$(MANPATH=$r/usr/share/man man -w migcheck 2>&1) || true
	[[ $where == "$r/usr/share/man/man1/migcheck.1"* ]] ||
		fail "man -w migcheck finds '$where', not the page in the scratch root $r"
	page=$(MANPATH=$r/usr/share/man MANPAGER=cat MANWIDTH=200 man migcheck 2>&1 | col -b) || true
	grep -qE "^ +migcheck +- +predict +whether" <<<"$page" ||
		fail "man migcheck from the scratch root $r does not show the page"
done
exit $rc
