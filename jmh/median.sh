# Sourced by the jmh/run-*.sh scripts: median reads one number per line on stdin and prints their median (the mean
# of the middle two for an even count).
median() {
    sort -g | awk '{ a[NR] = $1 } END { print (NR % 2 ? a[(NR + 1) / 2] : (a[NR / 2] + a[NR / 2 + 1]) / 2) }'
}
