#!/usr/bin/env bash
# Incremental against full checkpoints on a heap of which 1% changes between two checkpoints (kernels.DirtyHeap:
# 200,000 objects, 2,000 of them changed per second, on 2 nodes, a checkpoint every second). Every fourth checkpoint
# is mirrored and therefore full; the others stay at level 1 and write only what changed. Prints, for each kind,
# the median size, pause and time from request to commit, and the ratio of the medians.
#
#   jmh/run-incremental.sh [CELLS] [PERMILLE] [PERIODS]
#
# Results: jmh/target/incremental.txt
set -euo pipefail

here=$(cd "$(dirname "$0")" && pwd)
root=$(dirname "$here")
mvn_cmd=${MVN:-mvn -B -q}
cells=${1:-200000}
permille=${2:-10}
periods=${3:-16}

if [[ ${REBUILD:-0} == 1 || ! -f $here/target/classes/kernels/DirtyHeap.class ]]; then
    echo "building ..." >&2
    (cd "$root" && $mvn_cmd install -DskipTests -pl transport,dsm,threads,checkpoint,agent,launcher &&
        $mvn_cmd -pl jmh compile)
fi

args=("$cells" "$permille" 1000 "$periods")
want=$(java -cp "$here/target/classes" kernels.DirtyHeap "${args[@]}")
err=$(mktemp)
ck=$(mktemp -d)
trap 'rm -rf "$err" "$ck"' EXIT
got=$(SSI_JAVA_NO_BUILD=1 "$root/ssi-java" --nodes 2 --checkpoint-every 1s --mirror-every 4 --checkpoint-dir "$ck" \
    -cp "$here/target/classes" kernels.DirtyHeap "${args[@]}" 2> "$err")
if [[ $got != "$want" ]]; then
    echo "DirtyHeap printed '$got' on 2 nodes, '$want' on one JVM" >&2
    cat "$err" >&2
    exit 1
fi
median() { sort -n | awk '{ v[NR] = $1 } END { if (NR == 0) print "-"; else print v[int((NR + 1) / 2)] }'; }
# the first checkpoint is full as well, and is taken while the heap is still being built: left out
lines=$(grep -E '^ssi-java: checkpoint [0-9]+ committed' "$err" | grep -v '^ssi-java: checkpoint 1 committed')
full=$(grep -v 'incremental on' <<< "$lines" || true)
incr=$(grep 'incremental on' <<< "$lines" || true)
{
    echo "Incremental against full checkpoints, kernels.DirtyHeap ${args[*]} on 2 nodes ($(date -u +%F))"
    for kind in full incr; do
        sel=${!kind}
        n=$(grep -c . <<< "$sel" || true)
        printf '  %-11s %2d checkpoints, median %10s bytes, paused %4s ms, took %4s ms\n' \
            "$([[ $kind == full ]] && echo full || echo incremental)" "$n" \
            "$(sed -E 's/.*levels [^,]*, ([0-9]+) bytes.*/\1/' <<< "$sel" | median)" \
            "$(sed -E 's/.*paused ([0-9]+) ms.*/\1/' <<< "$sel" | median)" \
            "$(sed -E 's/.*took ([0-9]+) ms.*/\1/' <<< "$sel" | median)"
    done
    ft=$(sed -E 's/.*took ([0-9]+) ms.*/\1/' <<< "$full" | median)
    it=$(sed -E 's/.*took ([0-9]+) ms.*/\1/' <<< "$incr" | median)
    awk -v f="$ft" -v i="$it" 'BEGIN { if (f > 0) printf "  incremental / full time: %.1f%%\n", 100 * i / f }'
} | tee "$here/target/incremental.txt"
