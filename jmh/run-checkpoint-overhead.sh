#!/usr/bin/env bash
# What periodic checkpoints cost a running job: a sample on NODES nodes without checkpoints, then with one every
# PERIODS (alternating, RUNS rounds), each checkpoint at level 1 only or every one also mirrored and on stable
# storage (LEVELS). Prints each run's wall time (JVM start-up included), the checkpoints committed and their mean
# pause, and per period the checkpoint overhead percentage, COP = (T_ckpt - T_none) / T_none, of the medians, with
# the mean pause and write time per checkpoint read from the commit lines and records.
#
#   jmh/run-checkpoint-overhead.sh [runs=3]
#   SAMPLE="samples.NBody 4 600 150" PERIODS="1s 10s" NODES=3 jmh/run-checkpoint-overhead.sh 5
#
# Environment:
#   SAMPLE   main class and arguments (default: samples.Sor 4 300 1500)
#   CP       class path of the sample (default: the samples module's classes)
#   NODES    node count (default 2)
#   PERIODS  checkpoint periods to compare (default: 1s 10s)
#   LEVELS   1 (level 1 only, the default) or all (Scheme A with m = n = 1: mirror and stable every time)
#   MVN      Maven command used to build when a jar is missing (default: mvn -B -q)
#
# Every run's output must equal plain java's, and every checkpoint asked for must be committed, or the script
# stops.
set -euo pipefail

here=$(cd "$(dirname "$0")" && pwd)
# shellcheck source=median.sh
. "$here/median.sh"
root=$(dirname "$here")
agent=$root/agent/target/ssi-agent.jar
classes=${CP:-$root/samples/target/classes}
mvn_cmd=${MVN:-mvn -B -q}
runs=${1:-3}
read -r -a sample <<< "${SAMPLE:-samples.Sor 4 300 1500}"
nodes=${NODES:-2}
read -r -a periods <<< "${PERIODS:-1s 10s}"
levels=${LEVELS:-1}

if [[ ! -f $agent || ! -d $classes ]]; then
    echo "building the agent and the samples ..."
    (cd "$root" && $mvn_cmd install -DskipTests -pl transport,dsm,threads,checkpoint,agent,samples)
fi

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

millis() {
    echo $(( $(date +%s%N) / 1000000 ))
}

to_millis() {
    local v=$1
    case $v in
        *ms) echo "${v%ms}" ;;
        *s) echo $(( ${v%s} * 1000 )) ;;
        *m) echo $(( ${v%m} * 60000 )) ;;
        *) echo $(( v * 1000 )) ;;
    esac
}

java -cp "$classes" "${sample[@]}" > "$work/plain.out"

# Runs the sample with the agent options OPTS; prints "wall-ms checkpoints mean-pause-ms".
run_once() {
    local opts=$1 t0 t1
    rm -rf "$work/ckpt"
    t0=$(millis)
    java --add-exports java.base/jdk.internal.misc=ALL-UNNAMED -javaagent:"$agent=nodes=$nodes$opts" \
        -cp "$classes" "${sample[@]}" > "$work/run.out" 2> "$work/run.err"
    t1=$(millis)
    if ! cmp -s "$work/plain.out" "$work/run.out"; then
        echo "run-checkpoint-overhead: the output ($opts) differs from plain java's" >&2
        cat "$work/run.err" >&2
        exit 1
    fi
    if grep -q 'not taken\|not committed' "$work/run.err"; then
        echo "run-checkpoint-overhead: a checkpoint failed ($opts)" >&2
        grep 'not taken\|not committed' "$work/run.err" >&2
        exit 1
    fi
    grep -o 'paused [0-9]* ms' "$work/run.err" | awk -v t=$((t1 - t0)) \
        '{s += $2; n++} END {printf "%d %d %.0f\n", t, n, n ? s / n : 0}'
}

level_opts=""
if [[ $levels == all ]]; then
    level_opts=",scheme=A,mirror-every=1,stable-every=1,stable-dir=$work/ckpt/stable"
fi
echo "${sample[*]} on $nodes nodes, checkpoints at level ${levels}"
: > "$work/none"
for p in "${periods[@]}"; do : > "$work/p-$p"; : > "$work/pause-$p"; done
for ((i = 1; i <= runs; i++)); do
    read -r t _ _ <<< "$(run_once "")"
    echo "  run $i, no checkpoints: $t ms"
    echo "$t" >> "$work/none"
    for p in "${periods[@]}"; do
        read -r t n pause <<< "$(run_once ",checkpoint-every=$(to_millis "$p"),checkpoint-dir=$work/ckpt$level_opts")"
        echo "  run $i, a checkpoint every $p: $t ms, $n checkpoints, mean pause $pause ms"
        echo "$t" >> "$work/p-$p"
        echo "$pause" >> "$work/pause-$p"
    done
done
none=$(median < "$work/none")
for p in "${periods[@]}"; do
    t=$(median < "$work/p-$p")
    pause=$(median < "$work/pause-$p")
    awk -v p="$p" -v a="$none" -v b="$t" -v q="$pause" \
        'BEGIN {printf "every %s: median %d ms against %d ms without, COP %.1f%%, median of mean pauses %d ms\n", p, b, a, 100 * (b - a) / a, q}'
done
