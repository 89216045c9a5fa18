#!/usr/bin/env bash
# Capture readiness on whole programs: the compute samples as 1-node ssi-java jobs, with the continuation checks
# (agent) and without them (nocapture, -Dssi.continuations=false), in alternating runs whose order swaps every
# round; per sample the medians of the wall times (JVM start-up and the rewriting of the program's classes
# included) and agent / nocapture (target <= 1.05). Each run's output must equal the first one's.
#
#   jmh/run-readiness-samples.sh          # 5 rounds
#   jmh/run-readiness-samples.sh 3        # 3 rounds
#   SAMPLES="samples.Pi 2 1000000000" jmh/run-readiness-samples.sh 4
#
# Results: jmh/target/readiness-samples.txt (every run's time in jmh/target/readiness-samples-runs.txt).
set -euo pipefail

here=$(cd "$(dirname "$0")" && pwd)
# shellcheck source=median.sh
. "$here/median.sh"
root=$(dirname "$here")
rounds=${1:-5}
if ! [[ $rounds =~ ^[1-9][0-9]*$ ]]; then
    echo "usage: $0 [ROUNDS]   (ROUNDS a positive number; SAMPLES=\"MAIN ARGS;MAIN ARGS\" to choose the jobs)" >&2
    exit 2
fi
samples=${SAMPLES:-"samples.MatMul 2 2400;samples.Pi 2 2000000000;samples.NBody 2 3000 200;samples.Sor 2 2000 800;samples.Tsp 2 17"}
IFS=';' read -r -a jobs <<< "$samples"

# builds what it needs on first use, as a user's first run would
"$root/ssi-java" --nodes 1 -cp "$root/samples/target/classes" samples.Pi 1 1000 > /dev/null

mkdir -p "$here/target"
runs=$here/target/readiness-samples-runs.txt
: > "$runs"
out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT
for ((r = 1; r <= rounds; r++)); do
    for job in "${jobs[@]}"; do
        order=(agent nocapture)
        if ((r % 2 == 0)); then
            order=(nocapture agent)
        fi
        for variant in "${order[@]}"; do
            extra=()
            if [[ $variant == nocapture ]]; then
                extra=(--jvm-opt -Dssi.continuations=false)
            fi
            echo "round $r/$rounds: $job, $variant ..." >&2
            start=$(date +%s%N)
            # shellcheck disable=SC2086 # the job's words are its main class and arguments
            SSI_JAVA_NO_BUILD=1 "$root/ssi-java" --nodes 1 "${extra[@]}" -cp "$root/samples/target/classes" \
                $job > "$out/run.txt"
            end=$(date +%s%N)
            key=${job// /_}
            if [[ ! -f $out/$key.txt ]]; then
                cp "$out/run.txt" "$out/$key.txt"
            elif ! cmp -s "$out/run.txt" "$out/$key.txt"; then
                echo "$job printed something else in round $r ($variant):" >&2
                diff "$out/$key.txt" "$out/run.txt" >&2 || true
                exit 1
            fi
            echo "$key $variant $r $(((end - start) / 1000000))" >> "$runs"
        done
    done
done

{
    echo "Capture readiness of 1-node jobs, agent / nocapture: medians of $rounds alternating runs ($(date +%F))"
    printf '  %-36s %10s %10s %8s\n' job "agent ms" nocapture ratio
    for job in "${jobs[@]}"; do
        key=${job// /_}
        a=$(awk -v k="$key" '$1 == k && $2 == "agent" { print $4 }' "$runs" | median)
        n=$(awk -v k="$key" '$1 == k && $2 == "nocapture" { print $4 }' "$runs" | median)
        awk -v j="$job" -v a="$a" -v n="$n" 'BEGIN { printf "  %-36s %10.0f %10.0f %7.2fx\n", j, a, n, a / n }'
    done
} | tee "$here/target/readiness-samples.txt"
