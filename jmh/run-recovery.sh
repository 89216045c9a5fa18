#!/usr/bin/env bash
# Recovery latency per level: a sample runs on NODES nodes through the ssi-java launcher with a checkpoint every
# PERIOD (Scheme B, MIRROR x STABLE), node 1 is killed (kill -9) after a few checkpoints, and the launcher restores
# the job; for level M node 1's checkpoint directory goes with it, for level N its mirror's (node 2's) too. Each
# round also runs the job without a failure. Prints per level the medians of:
#   detect  - the silence after which node 0 declared node 1 lost (the heartbeat failure timeout, 3 s),
#   restart - from the job's stop to the restored job running again (JVM start, restore of every part),
#   restore - the restore itself (reading, laying incremental parts over their bases, filling the heap),
#   lost    - the whole run's wall time minus the failure-free run's (detection, restart and repeated work),
# then evaluates the hierarchical model (Table 2 of the paper, io.ssijava.checkpoint.levels.CostModel) with the
# measured checkpoint costs (the mean pause of 1-, M- and N-checkpoints) and restart times, beside the measured
# latencies.
#
#   jmh/run-recovery.sh [runs=3]
#   SAMPLE="samples.NBody 4 400 300" NODES=3 PERIOD=1s jmh/run-recovery.sh 5
#
# Environment:
#   SAMPLE   main class and arguments (default: samples.NBody 4 300 300)
#   NODES    node count, at least 3 (default 3)
#   PERIOD   checkpoint period (default 500ms)
#   MIRROR   every MIRROR-th checkpoint is mirrored (default 2); STABLE: every MIRROR*STABLE-th is stable (default 2)
#   KILL_AFTER  checkpoints committed before the kill (default 5)
#
# Every run's output must equal plain java's, or the script stops.
set -euo pipefail

here=$(cd "$(dirname "$0")" && pwd)
# shellcheck source=median.sh
. "$here/median.sh"
root=$(dirname "$here")
classes=$root/samples/target/classes
bench=$here/target/benchmarks.jar
runs=${1:-3}
read -r -a sample <<< "${SAMPLE:-samples.NBody 4 300 300}"
nodes=${NODES:-3}
period=${PERIOD:-500ms}
mirror=${MIRROR:-2}
stable=${STABLE:-2}
kill_after=${KILL_AFTER:-5}

if [[ ! -f $root/launcher/target/ssi-launcher.jar || ! -d $classes || ! -f $bench ]]; then
    echo "building ..."
    (cd "$root" && mvn -B -q install -DskipTests)
fi

work=$(mktemp -d)
trap 'pkill -9 -f "$work" 2> /dev/null || true; rm -rf "$work"' EXIT

millis() {
    echo $(( $(date +%s%N) / 1000000 ))
}

java -cp "$classes" "${sample[@]}" > "$work/plain.out"

# Runs the job; LEVEL is none, 1, M or N. Prints "wall detect restart restore level-used".
run_once() {
    local level=$1 t0 t1 pid job
    rm -rf "$work/local" "$work/stable"
    t0=$(millis)
    SSI_JAVA_NO_BUILD=1 "$root/ssi-java" --nodes "$nodes" --checkpoint-every "$period" \
        --checkpoint-dir "$work/local" --stable-dir "$work/stable" --mirror-every "$mirror" \
        --stable-every "$stable" -cp "$classes" "${sample[@]}" > "$work/run.out" 2> "$work/run.err" &
    job=$!
    if [[ $level != none ]]; then
        while (( $(grep -c ' committed' "$work/run.err" || true) < kill_after )); do
            if ! kill -0 "$job" 2> /dev/null; then
                echo "run-recovery: the job ended before $kill_after checkpoints; give it more work (SAMPLE)" >&2
                exit 1
            fi
            sleep 0.02
        done
        pid=$(pgrep -f "node=1,.*checkpoint-dir=$work/local" | head -1)
        kill -9 "$pid"
        case $level in
            M) rm -rf "$work/local/node-1" ;;
            N) rm -rf "$work/local/node-1" "$work/local/node-2" ;;
        esac
    fi
    wait "$job"
    t1=$(millis)
    if ! cmp -s "$work/plain.out" "$work/run.out"; then
        echo "run-recovery: the output (level $level) differs from plain java's" >&2
        grep -v ' committed' "$work/run.err" >&2
        exit 1
    fi
    if [[ $level == none ]]; then
        echo "$((t1 - t0)) 0 0 0 -"
        return
    fi
    local detect restart restore used
    detect=$(grep -o 'no message or heartbeat for [0-9]* ms' "$work/run.err" | head -1 | awk '{print $6}')
    restart=$(grep -o '[0-9]* ms after the job stopped' "$work/run.err" | head -1 | awk '{print $1}')
    restore=$(grep -o 'on [0-9]* nodes\? in [0-9]* ms' "$work/run.err" | head -1 | awk '{print $5}')
    used=$(grep -o 'level [1MN])' "$work/run.err" | head -1 | tr -d ')' | awk '{print $2}')
    echo "$((t1 - t0)) ${detect:-0} ${restart:-0} ${restore:-0} ${used:-?}"
}

# the mean pause of the checkpoints that reached each level, from a failure-free run's commit lines
pauses() {
    awk '/ committed: levels/ {
            lv = $6; sub(",", "", lv); p = $10;
            k = (lv ~ /N/) ? "N" : (lv ~ /M/) ? "M" : "1"; s[k] += p; c[k]++ }
         END { printf "%.1f %.1f %.1f\n", c["1"] ? s["1"] / c["1"] : 0, c["M"] ? s["M"] / c["M"] : 0,
                                         c["N"] ? s["N"] / c["N"] : 0 }' "$work/run.err"
}

echo "sample: ${sample[*]} on $nodes nodes, a checkpoint every $period (Scheme B, ${mirror}x${stable}), node 1 killed"
echo "after $kill_after checkpoints; $runs rounds"
printf '%-6s %-5s %9s %9s %10s %10s %9s\n' level used wall-ms detect-ms restart-ms restore-ms lost-ms
for ((r = 1; r <= runs; r++)); do
    read -r wall _ _ _ _ <<< "$(run_once none)"
    echo "$wall" >> "$work/wall.none"
    pauses >> "$work/pauses"
    printf '%-6s %-5s %9d\n' none - "$wall"
    for level in 1 M N; do
        read -r w d s x used <<< "$(run_once $level)"
        echo "$w $d $s $x $((w - wall))" >> "$work/lv.$level"
        printf '%-6s %-5s %9d %9d %10d %10d %9d\n' "$level" "$used" "$w" "$d" "$s" "$x" $((w - wall))
    done
done

echo
echo "medians:"
printf '%-6s %9s %10s %10s %9s\n' level detect-ms restart-ms restore-ms lost-ms
declare -A restart_med
for level in 1 M N; do
    d=$(awk '{print $2}' "$work/lv.$level" | median)
    s=$(awk '{print $3}' "$work/lv.$level" | median)
    x=$(awk '{print $4}' "$work/lv.$level" | median)
    l=$(awk '{print $5}' "$work/lv.$level" | median)
    restart_med[$level]=$s
    printf '%-6s %9s %10s %10s %9s\n' "$level" "$d" "$s" "$x" "$l"
done
read -r c1 cm cn <<< "$(awk '{a += $1; b += $2; c += $3; n++} END {printf "%.1f %.1f %.1f", a/n, b/n, c/n}' \
    "$work/pauses")"
t_ms=$(awk -v p="$period" 'BEGIN {if (p ~ /ms$/) {sub("ms", "", p); print p} else {sub("s", "", p); print p * 1000}}')
echo
echo "model (Table 2), T = $t_ms ms, C1/CM/CN = $c1/$cm/$cn ms (mean pauses), R = the measured restarts:"
java -cp "$bench" io.ssijava.jmh.RecoveryModel "$t_ms" "$c1" "$cm" "$cn" "${restart_med[1]}" "${restart_med[M]}" \
    "${restart_med[N]}" "$mirror" "$stable"
