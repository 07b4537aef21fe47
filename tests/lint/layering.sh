#!/bin/bash
# The layering of the tree (ARCHITECTURE.md §6): rules/ includes only checker's model and
# util (no system library header: libvirt, libxml2, json-c, libmount, libnl, ...), checker/
# never includes rules/ or any library but libxml2 and json-c, and no folder below src/
# includes src/'s verbs. Fails with the offending lines.
set -euo pipefail
top=$(readlink -f "${1:-$(dirname "$0")/../..}")
cd "$top"
rc=0
bad() {
	echo "layering: $*" >&2
	rc=1
}
# Standard C and POSIX headers only, in rules/.
allowed='^(assert|ctype|errno|inttypes|limits|math|stdarg|stdbool|stddef|stdint|stdio|stdlib|string|strings)\.h$'
while IFS=: read -r file line text; do
	hdr=$(sed -n 's/.*#include <\([^>]*\)>.*/\1/p' <<<"$text")
	[[ $hdr =~ $allowed ]] || bad "$file:$line: rules/ includes <$hdr>"
done < <(grep -n '#include <' rules/*.c rules/*.h || true)
while IFS=: read -r file line text; do
	hdr=$(sed -n 's/.*#include "\([^"]*\)".*/\1/p' <<<"$text")
	case $hdr in
	checker/facts.h | checker/pair.h | checker/report.h | checker/relate.h | checker/converge.h | \
		checker/predict.h | checker/rom-dirs.h | util/* | rules*.h | rules-internal.h | domain-needs.h) ;;
	*) bad "$file:$line: rules/ includes \"$hdr\"" ;;
	esac
done < <(grep -n '#include "' rules/*.c rules/*.h || true)
# checker/ never reaches up into rules/ or the gatherers, and links only libxml2/json-c.
grep -n '#include "\(rules\|storage\|network\|virt\|os\|hosts\)/' checker/*.c checker/*.h &&
	bad "checker/ includes a folder above it"
grep -n '#include <\(libvirt\|libmount\|netlink\|nfsc\|iscsi\)' checker/*.c checker/*.h &&
	bad "checker/ includes a system library other than libxml2 and json-c"
# util/ is the bottom: no project folder above it.
grep -n '#include "\(checker\|rules\|storage\|network\|virt\|os\|hosts\)/' src/util/*.c src/util/*.h &&
	bad "src/util/ includes a folder above it"
exit $rc
