#!/bin/bash
# The HTML report in a real browser: headless Chromium (Debian's chromium, as root, no sandbox,
# a fresh profile, nothing fetched) opens the page of a generated cluster from a file, the
# rendered document has the host matrix with N x N cells and the per-domain table, the page
# loads nothing from anywhere, and a screenshot is kept as a test artifact.
#
# usage: html-chromium.sh MIGCHECK GEN-CLUSTER CASES-DIR ARTIFACT-DIR
set -euo pipefail
m=$1 gen=$2 cases=$3 art=$4
hosts=8
browser=$(command -v chromium || command -v chromium-browser || true)
if [[ -z $browser ]]; then
	echo "html-chromium: chromium is not installed (tests/setup.sh installs it)" >&2
	exit 1
fi
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
mkdir -p "$art"
"$gen" --seed 4 --hosts $hosts --vms 3 --rare 4 --specials --cases "$cases" --out "$tmp/facts"
rc=0
"$m" cluster --facts "$tmp/facts" --policy= --drain kvm0006 --format html >"$tmp/cluster.html" || rc=$?
[[ $rc -le 3 ]] || { echo "cluster exited $rc" >&2; exit 1; }
cp "$tmp/cluster.html" "$art/cluster-report.html"
# Self-contained: no resource is named by URL or path.
if grep -Eo '(src|href|url)[=(][^ >]*' "$tmp/cluster.html"; then
	echo "html-chromium: the page refers to something outside itself" >&2
	exit 1
fi
chrome=("$browser" --headless --no-sandbox --disable-gpu --disable-background-networking
	--disable-component-update --disable-sync --no-first-run --user-data-dir="$tmp/profile")
timeout 120 "${chrome[@]}" --dump-dom "file://$tmp/cluster.html" >"$tmp/dom.html" 2>"$tmp/chrome.err" || {
	cat "$tmp/chrome.err" >&2
	exit 1
}
cells=$(grep -o '<td class="cell [a-z]*"' "$tmp/dom.html" | wc -l)
rows=$(tr '\n' ' ' <"$tmp/dom.html" | sed -e 's/.*id="matrix"//' -e 's|</table>.*||' |
	grep -o '<tr>' | wc -l)
domains=$(grep -o '<table class="vms">' "$tmp/dom.html" | wc -l)
echo "matrix cells: $cells (want $((hosts * hosts))), rows: $rows (want $((hosts + 1)))"
((cells == hosts * hosts)) || { echo "html-chromium: wrong number of matrix cells" >&2; exit 1; }
((rows == hosts + 1)) || { echo "html-chromium: wrong number of matrix rows" >&2; exit 1; }
((domains >= 2)) || { echo "html-chromium: no drain or domain table rendered" >&2; exit 1; }
grep -q 'Live migration across 8 hosts' "$tmp/dom.html" || { echo "html-chromium: no title" >&2; exit 1; }
rm -f "$art/cluster-report.png"
timeout 120 "${chrome[@]}" --hide-scrollbars --window-size=1280,2000 \
	--screenshot="$art/cluster-report.png" "file://$tmp/cluster.html" >/dev/null 2>"$tmp/chrome.err" || {
	cat "$tmp/chrome.err" >&2
	exit 1
}
[[ $(head -c 8 "$art/cluster-report.png" | od -An -tx1 | tr -d ' \n') == 89504e470d0a1a0a ]] || {
	echo "html-chromium: no PNG screenshot" >&2
	exit 1
}
echo "screenshot: $art/cluster-report.png ($(stat -c %s "$art/cluster-report.png") bytes)"
