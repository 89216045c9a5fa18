#!/usr/bin/env bash
# What a blocking queue shared across nodes costs: samples.Pipeline (a source, transformers and filters joined by
# two bounded LinkedBlockingQueues homed on node 0) under plain java, then on 2 and 3 nodes with the queues' put
# and take run at the queues' home (the default) and, for comparison, run where they are called
# (-Dssi.homeCalls=false on every node). Prints each run's wall time (JVM start-up included) and messages sent
# per item, and the medians.
#
#   jmh/run-pipeline.sh [runs=3]
#   ITEMS=20000 NODES="2" jmh/run-pipeline.sh 5
#
# Environment:
#   ITEMS  items through the pipeline (default 2000)
#   NODES  node counts to run (default: 2 3)
#   MVN    Maven command used to build when a jar is missing (default: mvn -B -q)
#
# Every run's output must equal plain java's, or the script stops.
set -euo pipefail

here=$(cd "$(dirname "$0")" && pwd)
root=$(dirname "$here")
agent=$root/agent/target/ssi-agent.jar
classes=$root/samples/target/classes
mvn_cmd=${MVN:-mvn -B -q}
runs=${1:-3}
items=${ITEMS:-2000}
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

median() {
    sort -n | awk '{a[NR] = $1} END {print (NR % 2) ? a[(NR + 1) / 2] : (a[NR / 2] + a[NR / 2 + 1]) / 2}'
}

start=$(millis)
java -cp "$classes" samples.Pipeline 2 "$items" > "$work/plain.out"
echo "samples.Pipeline 2 $items: plain java $(( $(millis) - start )) ms"

# Runs the pipeline on NODES nodes with JAVA_TOOL_OPTIONS=OPTS; prints "wall-ms messages-per-item".
run_once() {
    local nodes=$1 opts=$2 t0 t1
    t0=$(millis)
    JAVA_TOOL_OPTIONS="$opts" java --add-exports java.base/jdk.internal.misc=ALL-UNNAMED \
        -javaagent:"$agent=nodes=$nodes,stats" -cp "$classes" samples.Pipeline 2 "$items" \
        > "$work/run.out" 2> "$work/run.err"
    t1=$(millis)
    if ! cmp -s "$work/plain.out" "$work/run.out"; then
        echo "run-pipeline: the output on $nodes nodes ($opts) differs from plain java's" >&2
        cat "$work/run.err" >&2
        exit 1
    fi
    local messages
    messages=$(grep -o 'messages sent [0-9]*' "$work/run.err" | awk '{s += $3} END {print s + 0}')
    awk -v t=$((t1 - t0)) -v m="$messages" -v n="$items" 'BEGIN {printf "%d %.1f\n", t, m / n}'
}

for nodes in "${node_counts[@]}"; do
    : > "$work/home"
    : > "$work/here"
    for ((i = 1; i <= runs; i++)); do
        read -r t m <<< "$(run_once "$nodes" "-Dssi.homeCalls=true")"
        echo "  $nodes nodes, run $i, calls at the queue's home: $t ms, $m messages per item"
        echo "$t" >> "$work/home"
        read -r t m <<< "$(run_once "$nodes" "-Dssi.homeCalls=false")"
        echo "  $nodes nodes, run $i, calls where they are made: $t ms, $m messages per item"
        echo "$t" >> "$work/here"
    done
    home=$(median < "$work/home")
    here_=$(median < "$work/here")
    awk -v n="$nodes" -v a="$home" -v b="$here_" \
        'BEGIN {printf "%d nodes: median %d ms with calls at home, %d ms without: %.2fx faster\n", n, a, b, b / a}'
done
