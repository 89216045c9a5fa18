# Sourced by the scripts that run a job with each node pinned to a CPU of its own (run-balance.sh,
# run-speedup.sh), as two one-core hosts would be.

descendants() {
    local c
    for c in $(pgrep -P "$1" || true); do
        echo "$c"
        descendants "$c"
    done
}

# pin_node1 PID CPU: node 1 (started by node 0, which may itself be a child of the JVM with the given pid) inherits
# node 0's CPU: moves it, every thread it has, to CPU as soon as it exists (threads it starts later inherit the CPU
# of the thread that starts them). Returns when it did, or when PID ended first.
pin_node1() {
    local pid=$1 cpu=$2 child="" c
    while [[ -z $child ]] && kill -0 "$pid" 2> /dev/null; do
        for c in $(descendants "$pid"); do
            if tr '\0' ' ' < "/proc/$c/cmdline" 2> /dev/null | grep -q 'node=1'; then
                child=$c
            fi
        done
        [[ -n $child ]] || sleep 0.02
    done
    if [[ -n $child ]]; then
        taskset -a -p -c "$cpu" "$child" > /dev/null
        sleep 0.3
        taskset -a -p -c "$cpu" "$child" > /dev/null 2>&1 || true
    fi
}
