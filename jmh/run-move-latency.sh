#!/usr/bin/env bash
# Time per move of a thread with ten frames and about 1 KB of locals (kernels.MoveLatency) between the two nodes of
# an ssi-java job on this machine, moved every MS milliseconds (default 5) while it idles: the stats line of each
# node reports the mean and the median time from the frames leaving to the target taking them. The mean includes
# the first moves, made while the code on the path is still interpreted; the median is the usual move. The default
# 20,000 iterations (about 4,700 moves each way) run for about a minute.
#
#   jmh/run-move-latency.sh [MS] [ITERATIONS]
#
# Results: jmh/target/move-latency.txt
set -euo pipefail

here=$(cd "$(dirname "$0")" && pwd)
root=$(dirname "$here")
mvn_cmd=${MVN:-mvn -B -q}
every=${1:-5}
iterations=${2:-20000}

if [[ ${REBUILD:-0} == 1 || ! -f $here/target/classes/kernels/MoveLatency.class ]]; then
    echo "building ..." >&2
    (cd "$root" && $mvn_cmd install -DskipTests -pl transport,dsm,threads,agent,launcher && $mvn_cmd -pl jmh compile)
fi

want=$(java -cp "$here/target/classes" kernels.MoveLatency "$iterations")
err=$(mktemp)
trap 'rm -f "$err"' EXIT
got=$(SSI_JAVA_NO_BUILD=1 "$root/ssi-java" --nodes 2 --stats --jvm-opt "-Dssi.migrate-every=$every" \
    -cp "$here/target/classes" kernels.MoveLatency "$iterations" 2> "$err")
if [[ $got != "$want" ]]; then
    echo "MoveLatency printed '$got' on 2 nodes, '$want' on one JVM" >&2
    cat "$err" >&2
    exit 1
fi
{
    echo "Moves of a 10-frame thread (~1 KB of locals) between 2 nodes, one every $every ms ($(date -u +%F))"
    grep 'threads moved out' "$err" | sed 's/.*node \([0-9]*\):.*threads moved out/  node \1: moved out/'
} | tee "$here/target/move-latency.txt"
