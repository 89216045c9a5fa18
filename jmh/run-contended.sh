#!/usr/bin/env bash
# Contended operations across nodes: kernels.Contention as a real ssi-java job on 1 node and on 2 nodes (one
# thread per node), for AtomicLong.incrementAndGet and ConcurrentHashMap.merge. Prints throughput, the 2-node/1-node
# ratio, the round trips per operation of the threads on a node other than the objects' home (every message sent,
# request or reply, over two), and what the runtime counted per such operation (remote atomics, faults, lock
# transfers).
#
#   jmh/run-contended.sh                 # 2 threads x 200,000 operations, 3 runs per configuration
#   OPS=50000 RUNS=1 jmh/run-contended.sh
#
# Results: jmh/target/contended.txt
set -euo pipefail

here=$(cd "$(dirname "$0")" && pwd)
# shellcheck source=median.sh
. "$here/median.sh"
root=$(dirname "$here")
ops=${OPS:-200000}
runs=${RUNS:-3}
threads=2
mvn_cmd=${MVN:-mvn -B -q}

if [[ ${REBUILD:-0} == 1 || ! -f $here/target/classes/kernels/Contention.class ]]; then
    echo "building ..." >&2
    (cd "$root" && $mvn_cmd install -DskipTests -pl transport,dsm,threads,agent,launcher && $mvn_cmd -pl jmh compile)
fi

out=$here/target/contended.txt
: > "$out"
log=$(mktemp)
trap 'rm -f "$log"' EXIT

# sums a counter over all nodes' stats lines: counter NAME FILE
counter() { grep -o "$1 [0-9]*" "$2" | awk '{ s += $NF } END { print s + 0 }'; }

printf '%-7s %5s %12s %10s %10s %10s %10s\n' op nodes "ops/s" "RT/rem-op" "atomic" "faults" "lock-xfer" \
    | tee -a "$out"
summary=()
for op in atomic merge; do
    declare -A rates=()
    for nodes in 1 2; do
        for ((r = 1; r <= runs; r++)); do
            SSI_JAVA_NO_BUILD=1 timeout 300 "$root/ssi-java" --nodes "$nodes" --stats -cp "$here/target/classes" \
                kernels.Contention "$op" "$threads" "$ops" > "$log" 2>&1 || { cat "$log" >&2; exit 1; }
            rate=$(grep -o 'ops/s=[0-9]*' "$log" | cut -d= -f2)
            # the objects are homed on node 0, where main runs; spread placement puts thread t on node (t+1) % nodes
            remote=0
            for ((t = 0; t < threads; t++)); do (((t + 1) % nodes != 0)) && remote=$((remote + 1)); done
            # their operations, warm-up included, to divide the job's counters by
            all=$((remote * (ops + ops / 10)))
            per() {
                awk -v c="$(counter "$1" "$log")" -v n="$all" -v d="${2:-1}" \
                    'BEGIN { if (n == 0) print "-"; else printf "%.3f", c / d / n }'
            }
            rates[$nodes]+="$rate "
            printf '%-7s %5s %12s %10s %10s %10s %10s\n' "$op" "$nodes" "$rate" "$(per 'messages sent' 2)" \
                "$(per 'remote atomics')" "$(per 'remote faults')" "$(per 'lock transfers')" | tee -a "$out"
        done
    done
    one=$(tr ' ' '\n' <<< "${rates[1]}" | grep . | median)
    two=$(tr ' ' '\n' <<< "${rates[2]}" | grep . | median)
    summary+=("$(awk -v op="$op" -v a="$two" -v b="$one" \
        'BEGIN { printf "%s: 2 nodes %.0f ops/s, 1 node %.0f ops/s (medians): %.5fx", op, a, b, a / b }')")
    unset rates
done
printf '%s\n' "" "${summary[@]}" | tee -a "$out"
