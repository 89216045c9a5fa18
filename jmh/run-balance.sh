#!/usr/bin/env bash
# Does automatic balancing make a job faster? Runs a compute sample whose threads all start on node 0 of 2
# (placement local), with and without --balance, with each node pinned to a CPU of its own (taskset), as two
# one-core hosts would be, and prints each run's wall time and the ratio of the medians (balanced / not).
#
#   jmh/run-balance.sh [runs=3]
#   SAMPLE="samples.Stencil 4 2000 400" jmh/run-balance.sh 5
#   NODE_CPUS="2 3" jmh/run-balance.sh
#
# Environment:
#   SAMPLE     main class and arguments (default: samples.MatMul 4 2000); its threads must be movable, i.e.
#              Runnables or lambdas, not subclasses of Thread
#   CLASSES    its class path (default: samples/target/classes)
#   NODE_CPUS  the CPU of node 0 and of node 1 (default: 0 1)
#   MVN        Maven command used to build when a jar is missing (default: mvn -B -q)
#
# Needs 2 CPUs and taskset (util-linux). Every run's output must equal plain java's, or the script stops.
set -euo pipefail

here=$(cd "$(dirname "$0")" && pwd)
# shellcheck source=median.sh
. "$here/median.sh"
root=$(dirname "$here")
agent=$root/agent/target/ssi-agent.jar
classes=${CLASSES:-$root/samples/target/classes}
mvn_cmd=${MVN:-mvn -B -q}
runs=${1:-3}
read -r -a sample <<< "${SAMPLE:-samples.MatMul 4 2000}"
read -r -a cpus <<< "${NODE_CPUS:-0 1}"

command -v taskset > /dev/null || { echo "run-balance: needs taskset (util-linux)" >&2; exit 2; }
if [[ ! -f $agent || ! -d $classes ]]; then
    echo "building the agent and the samples ..."
    (cd "$root" && $mvn_cmd install -DskipTests -pl transport,dsm,threads,agent,samples)
fi

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

java -cp "$classes" "${sample[@]}" > "$work/plain.out"

# shellcheck source=pinned-nodes.sh
source "$here/pinned-nodes.sh"

# Runs the sample on 2 pinned nodes with the given agent options; prints its wall time in ms.
run_once() {
    local options=$1
    local start end pid
    start=$(date +%s%N)
    taskset -c "${cpus[0]}" java --add-exports java.base/jdk.internal.misc=ALL-UNNAMED \
        -javaagent:"$agent=$options" -cp "$classes" "${sample[@]}" > "$work/run.out" 2> "$work/run.err" &
    pid=$!
    pin_node1 "$pid" "${cpus[1]}"
    wait "$pid"
    end=$(date +%s%N)
    if ! cmp -s "$work/plain.out" "$work/run.out"; then
        echo "run-balance: the output with $options differs from plain java's" >&2
        cat "$work/run.err" >&2
        exit 1
    fi
    grep -h 'threads run' "$work/run.err" | sed 's/^/    /' >&2
    echo $(( (end - start) / 1000000 ))
}

echo "${sample[*]} on 2 nodes, node 0 on CPU ${cpus[0]}, node 1 on CPU ${cpus[1]}, all threads started on node 0"
: > "$work/still"
: > "$work/balanced"
for ((i = 1; i <= runs; i++)); do
    t=$(run_once "nodes=2,stats,placement=local")
    echo "  run $i without balancing: $t ms"
    echo "$t" >> "$work/still"
    t=$(run_once "nodes=2,stats,placement=local,balance")
    echo "  run $i with --balance:    $t ms"
    echo "$t" >> "$work/balanced"
done
still=$(median < "$work/still")
balanced=$(median < "$work/balanced")
awk -v s="$still" -v b="$balanced" \
    'BEGIN {printf "median without balancing %d ms, with %d ms: balanced / not = %.2f\n", s, b, b / s}'
