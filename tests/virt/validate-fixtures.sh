#!/bin/bash
# The libvirt XML fixtures of tests/data/virt validate against libvirt's own
# RNG schemas (virt-xml-validate), so the parsers are tested on XML libvirt
# really accepts. Hostile inputs (hostile/) are exempt on purpose.
# usage: validate-fixtures.sh DATA-DIR
set -euo pipefail
d=$1
rc=0
validate() { # file schema
	if ! out=$(virt-xml-validate "$1" "$2" 2>&1); then
		echo "$out" >&2
		rc=1
	fi
}
for f in "$d"/domain/*.xml; do validate "$f" domain; done
for f in "$d"/pool/*.xml; do validate "$f" storagepool; done
for f in "$d"/network/*.xml; do validate "$f" network; done
for f in "$d"/caps/*.xml; do
	case $f in
	*domcaps*) validate "$f" domaincaps ;;
	*) validate "$f" capability ;;
	esac
done
exit $rc
