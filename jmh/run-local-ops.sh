#!/usr/bin/env bash
# Local work on a cluster node: kernels.LocalOps (compute kernels and JDK collections on objects that are never
# shared, one thread) under plain java and as node 0 of a 2-node ssi-java job, then node / plain per operation.
#
#   jmh/run-local-ops.sh
#
# SHARED=1 first shares an array of node 0 with node 1, so that node 0's array write checks are armed (a node that
# also works on shared data); the measured objects stay local.
#
# Results: jmh/target/local-ops.txt
set -euo pipefail

here=$(cd "$(dirname "$0")" && pwd)
root=$(dirname "$here")
mvn_cmd=${MVN:-mvn -B -q}

if [[ ${REBUILD:-0} == 1 || ! -f $here/target/classes/kernels/LocalOps.class ]]; then
    echo "building ..." >&2
    (cd "$root" && $mvn_cmd install -DskipTests -pl transport,dsm,threads,agent,launcher && $mvn_cmd -pl jmh compile)
fi

plain=$(mktemp)
node=$(mktemp)
trap 'rm -f "$plain" "$node"' EXIT
echo "plain java ..." >&2
args=()
[[ ${SHARED:-0} == 1 ]] && args=(shared)
java -cp "$here/target/classes" kernels.LocalOps "${args[@]}" > "$plain"
echo "node 0 of 2 ..." >&2
SSI_JAVA_NO_BUILD=1 "$root/ssi-java" --nodes 2 -cp "$here/target/classes" kernels.LocalOps "${args[@]}" > "$node"
{
    echo "Local operations on node 0 of a 2-node job / plain java (median of 15 rounds each)${args:+, an array shared first}"
    printf '  %-26s %14s %14s %8s\n' operation "plain ns/op" "node ns/op" ratio
    join <(grep ns/op "$plain" | awk '{ print $1, $2 }' | sort) <(grep ns/op "$node" | awk '{ print $1, $2 }' | sort) |
        awk '{ printf "  %-26s %14.2f %14.2f %7.2fx\n", $1, $2, $3, $3 / $2 }'
} | tee "$here/target/local-ops.txt"
