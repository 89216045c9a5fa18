#!/usr/bin/env bash
# What the calls that run at a shared object's home (queues, latches, barriers: io.ssijava.rt.HomeCalls) save: a
# sample under plain java, then on 2 and 3 nodes with those calls run at the object's home (the default) and, for
# comparison, run where they are called (-Dssi.homeCalls=false on every node). Prints each run's wall time (JVM
# start-up included) and messages sent per unit of work, and the medians.
#
#   jmh/run-home-calls.sh [runs=3]
#   ITEMS=20000 NODES="2" jmh/run-home-calls.sh 5
#   SAMPLE="samples.Stencil 4 200 400" UNITS=400 UNIT=step jmh/run-home-calls.sh
#
# Environment:
#   ITEMS   items through the default sample, samples.Pipeline 2 ITEMS (a source, transformers and filters joined
#           by two bounded LinkedBlockingQueues homed on node 0) (default 2000)
#   SAMPLE  main class and arguments (default: samples.Pipeline 2 ITEMS)
#   UNITS   units of work the sample does, to divide the messages by (default: ITEMS)
#   UNIT    what a unit is called (default: item)
#   NODES   node counts to run (default: 2 3)
#   MVN     Maven command used to build when a jar is missing (default: mvn -B -q)
#
# Every run's output must equal plain java's, or the script stops.
set -euo pipefail

here=$(cd "$(dirname "$0")" && pwd)
# shellcheck source=median.sh
. "$here/median.sh"
root=$(dirname "$here")
agent=$root/agent/target/ssi-agent.jar
classes=$root/samples/target/classes
mvn_cmd=${MVN:-mvn -B -q}
runs=${1:-3}
items=${ITEMS:-2000}
read -r -a sample <<< "${SAMPLE:-samples.Pipeline 2 $items}"
units=${UNITS:-$items}
unit=${UNIT:-item}
read -r -a node_counts <<< "${NODES:-2 3}"

if [[ ! -f $agent || ! -d $classes ]]; then
    echo "building the agent and the samples ..."
    (cd "$root" && $mvn_cmd install -DskipTests -pl transport,dsm,threads,agent,samples)
fi

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

millis() {
    echo $(( $(date +%s%N) / 1000000 ))
}

start=$(millis)
java -cp "$classes" "${sample[@]}" > "$work/plain.out"
echo "${sample[*]}: plain java $(( $(millis) - start )) ms"

# Runs the sample on NODES nodes with JAVA_TOOL_OPTIONS=OPTS; prints "wall-ms messages-per-unit".
run_once() {
    local nodes=$1 opts=$2 t0 t1
    t0=$(millis)
    JAVA_TOOL_OPTIONS="$opts" java --add-exports java.base/jdk.internal.misc=ALL-UNNAMED \
        -javaagent:"$agent=nodes=$nodes,stats" -cp "$classes" "${sample[@]}" \
        > "$work/run.out" 2> "$work/run.err"
    t1=$(millis)
    if ! cmp -s "$work/plain.out" "$work/run.out"; then
        echo "run-home-calls: the output on $nodes nodes ($opts) differs from plain java's" >&2
        cat "$work/run.err" >&2
        exit 1
    fi
    local messages
    messages=$(grep -o 'messages sent [0-9]*' "$work/run.err" | awk '{s += $3} END {print s + 0}')
    awk -v t=$((t1 - t0)) -v m="$messages" -v n="$units" 'BEGIN {printf "%d %.1f\n", t, m / n}'
}

for nodes in "${node_counts[@]}"; do
    : > "$work/home"
    : > "$work/here"
    for ((i = 1; i <= runs; i++)); do
        read -r t m <<< "$(run_once "$nodes" "-Dssi.homeCalls=true")"
        echo "  $nodes nodes, run $i, calls at home: $t ms, $m messages per $unit"
        echo "$t" >> "$work/home"
        read -r t m <<< "$(run_once "$nodes" "-Dssi.homeCalls=false")"
        echo "  $nodes nodes, run $i, calls where they are made: $t ms, $m messages per $unit"
        echo "$t" >> "$work/here"
    done
    home=$(median < "$work/home")
    here_=$(median < "$work/here")
    awk -v n="$nodes" -v a="$home" -v b="$here_" \
        'BEGIN {printf "%d nodes: median %d ms with calls at home, %d ms without: %.2fx faster\n", n, a, b, b / a}'
done
