#!/usr/bin/env bash
# Capture readiness: RewriteOverheadBenchmark's agent and nocapture variants in single forks that alternate, the
# order swapped every round (on a small machine the forks of a round drift with their place in it), then per kernel
# the median of each variant's scores and agent / nocapture of those medians (target <= 1.05).
#
#   jmh/run-readiness.sh                      # every kernel, 4 rounds
#   jmh/run-readiness.sh 6 tsp matMul         # 6 rounds of tsp and matMul
#
# Results: jmh/target/readiness.txt (the scores of every fork are in jmh/target/readiness-scores.txt).
set -euo pipefail

here=$(cd "$(dirname "$0")" && pwd)
# shellcheck source=median.sh
. "$here/median.sh"
root=$(dirname "$here")
jar=$here/target/benchmarks.jar
mvn_cmd=${MVN:-mvn -B -q}
rounds=${1:-4}
shift || true
kernels=("$@")
all=(matMul pi nBody sor tsp locks listSum)
if [[ ${#kernels[@]} -eq 0 ]]; then
    kernels=("${all[@]}")
fi
usage="usage: $0 [ROUNDS] [KERNEL...]   (ROUNDS a positive number; kernels: ${all[*]})"
if ! [[ $rounds =~ ^[1-9][0-9]*$ ]]; then
    echo "$usage" >&2
    exit 2
fi
for kernel in "${kernels[@]}"; do
    if [[ " ${all[*]} " != *" $kernel "* ]]; then
        echo "no kernel '$kernel'; $usage" >&2
        exit 2
    fi
done

if [[ ${REBUILD:-0} == 1 || ! -f $jar || ! -f $root/agent/target/ssi-agent.jar ]]; then
    echo "building the runtime modules and benchmarks.jar ..." >&2
    (cd "$root" && $mvn_cmd install -DskipTests -pl transport,dsm,threads,agent,samples && $mvn_cmd -pl jmh package)
fi

scores=$here/target/readiness-scores.txt
: > "$scores"
csv=$(mktemp)
trap 'rm -f "$csv"' EXIT
for kernel in "${kernels[@]}"; do
    for ((r = 1; r <= rounds; r++)); do
        order=(agent nocapture)
        if ((r % 2 == 0)); then
            order=(nocapture agent)
        fi
        for variant in "${order[@]}"; do
            echo "$kernel round $r/$rounds: $variant ..." >&2
            java -jar "$jar" "RewriteOverheadBenchmark\.$kernel\$" -f 1 -wi 5 -w 1s -i 5 -r 1s \
                -p variant="$variant" -rf csv -rff "$csv" > /dev/null
            # "Benchmark","Mode","Threads","Samples","Score","Score Error (99.9%)","Unit","Param: variant"
            awk -F, -v k="$kernel" -v v="$variant" -v r="$r" 'NR == 2 { print k, v, r, $5 }' "$csv" >> "$scores"
        done
    done
done

{
    echo "Capture readiness, agent / nocapture: medians of $rounds alternating single forks each ($(date +%F))"
    printf '  %-10s %14s %14s %8s\n' kernel "agent us/op" "nocapture" ratio
    for kernel in "${kernels[@]}"; do
        a=$(awk -v k="$kernel" '$1 == k && $2 == "agent" { print $4 }' "$scores" | median)
        n=$(awk -v k="$kernel" '$1 == k && $2 == "nocapture" { print $4 }' "$scores" | median)
        awk -v k="$kernel" -v a="$a" -v n="$n" 'BEGIN { printf "  %-10s %14.3f %14.3f %7.2fx\n", k, a, n, a / n }'
    done
} | tee "$here/target/readiness.txt"
