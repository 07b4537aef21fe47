#!/bin/sh
# Record /proc/net files of a small network namespace together with what ip(8)
# and ss(8) say about the same namespace, as fixtures for the /proc parsers
# (tests/unit/test-net-parse.c compares the parsers' output with the ip/ss JSON
# recorded beside it). Needs root; changes nothing outside the namespace.
# Usage: sh record.sh OUTDIR
set -eu
out=$(realpath "$1")
mkdir -p "$out"
unshare -n sh -eu -c '
out=$1
ip link set lo up
ip link add rbr0 type bridge
ip link set rbr0 mtu 9000 up
ip link add rv0 type veth peer name rv1
ip link set rv0 master rbr0 up
ip link set rv1 up
ip addr add 169.254.30.1/24 dev rbr0
ip addr add 169.254.31.7/16 dev rbr0
ip addr add 169.254.40.2/28 dev rv1
ip addr add fd00:30::1/64 dev rbr0 nodad
ip addr add fd00:40::2/64 dev rv1 nodad
ip route add default via 169.254.30.254 dev rbr0
ip route add 169.254.128.0/20 via 169.254.40.1 dev rv1 metric 100
ip -6 route add default via fd00:30::fe dev rbr0 metric 1024
# listeners: v4 any, v4 loopback, v6 any, v6 loopback, v4-mapped
nc -l -s 0.0.0.0 -p 7001 >/dev/null 2>&1 & p1=$!
nc -l -s 127.0.0.1 -p 7002 >/dev/null 2>&1 & p2=$!
nc -6 -l -s :: -p 7003 >/dev/null 2>&1 & p3=$!
nc -6 -l -s ::1 -p 7004 >/dev/null 2>&1 & p4=$!
sleep 0.5
for f in route fib_trie if_inet6 ipv6_route tcp tcp6; do cat /proc/net/$f > "$out/$f"; done
ip -j addr > "$out/ip-addr.json"
ip -j -4 route show table main > "$out/ip-route4.json"
ip -j -6 route show table main > "$out/ip-route6.json"
ss -Htln > "$out/ss-tln.txt"
kill $p1 $p2 $p3 $p4
' sh "$out"
