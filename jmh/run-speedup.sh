#!/usr/bin/env bash
# Speedup of coarse-grained samples on 2 nodes against 1 node, each node pinned to a CPU of its own (taskset), as
# two one-core hosts would be (DESIGN.md's target: >= 1.8x). Runs each sample under plain java (its output is the
# reference), then alternately as a 1-node job on CPU 0 and as a 2-node job on CPUs 0 and 1, and prints per sample
# the wall times (JVM start-up included) and the ratio of the medians (1 node / 2 nodes). Also prints the ceiling
# the machine sets: plain java's own speedup from CPU 0 to CPUs 0 and 1 (2 CPUs that share a memory bus, or a core's
# caches, do not run a memory-bound sample twice as fast).
#
#   jmh/run-speedup.sh [runs=3]
#
# SAMPLES (one per line) overrides the samples and their arguments; each runs 2 threads, one per node.
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
samples=${SAMPLES:-"samples.Pi 2 2000000000
samples.NBody 2 3000 200
samples.Sor 2 2000 800
samples.MatMul 2 2000"}

command -v taskset > /dev/null || { echo "run-speedup: needs taskset (util-linux)" >&2; exit 2; }
if [[ ! -f $agent || ! -d $classes ]]; then
    echo "building the agent and the samples ..."
    (cd "$root" && $mvn_cmd install -DskipTests -pl transport,dsm,threads,agent,samples)
fi

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

# shellcheck source=pinned-nodes.sh
source "$here/pinned-nodes.sh"

# Runs the sample as a job of $1 nodes, node k on CPU k; prints its wall time in ms.
run_once() {
    local nodes=$1
    shift
    local start end pid
    start=$(date +%s%N)
    taskset -c 0 java --add-exports java.base/jdk.internal.misc=ALL-UNNAMED \
        -javaagent:"$agent=nodes=$nodes" -cp "$classes" "$@" > "$work/run.out" 2> "$work/run.err" &
    pid=$!
    if [[ $nodes -gt 1 ]]; then
        pin_node1 "$pid" 1
    fi
    wait "$pid"
    end=$(date +%s%N)
    if ! cmp -s "$work/plain.out" "$work/run.out"; then
        echo "run-speedup: the output of $* on $nodes node(s) differs from plain java's" >&2
        cat "$work/run.err" >&2
        exit 1
    fi
    echo $(( (end - start) / 1000000 ))
}

# Runs the sample under plain java on the given CPUs; prints its wall time in ms.
run_plain() {
    local cpus=$1
    shift
    local start end
    start=$(date +%s%N)
    taskset -c "$cpus" java -cp "$classes" "$@" > "$work/run.out"
    end=$(date +%s%N)
    echo $(( (end - start) / 1000000 ))
}

while IFS= read -r line; do
    [[ -n $line ]] || continue
    read -r -a sample <<< "$line"
    java -cp "$classes" "${sample[@]}" > "$work/plain.out"
    : > "$work/one"
    : > "$work/two"
    : > "$work/plain1"
    : > "$work/plain2"
    for ((i = 1; i <= runs; i++)); do
        run_once 1 "${sample[@]}" >> "$work/one"
        run_once 2 "${sample[@]}" >> "$work/two"
        run_plain 0 "${sample[@]}" >> "$work/plain1"
        run_plain 0,1 "${sample[@]}" >> "$work/plain2"
    done
    one=$(median < "$work/one")
    two=$(median < "$work/two")
    awk -v s="${sample[*]}" -v o="$one" -v t="$two" -v os="$(tr '\n' ' ' < "$work/one")" \
        -v ts="$(tr '\n' ' ' < "$work/two")" -v p1="$(median < "$work/plain1")" -v p2="$(median < "$work/plain2")" \
        'BEGIN {printf "%-28s 1 node %s ms, 2 nodes %s ms: speedup %.2fx (plain java, 1 CPU %d ms, 2 CPUs %d ms: %.2fx)\n",
            s, os, ts, o / t, p1, p2, p1 / p2}'
done <<< "$samples"
