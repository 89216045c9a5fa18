package samples;

import java.util.Random;

/**
 * Travelling salesman problem solved exactly by parallel branch and bound.
 *
 * <p>The cities are points on a 1000 x 1000 grid drawn from a fixed-seed {@link Random}; the
 * distance between two cities is their Euclidean distance rounded to an integer. Every tour
 * starts at city 0. The jobs are the first-level branches (the city visited right after city 0);
 * worker threads, written as lambdas, take the next job from a shared counter under
 * {@code synchronized (JOB_LOCK)} and search it depth first.
 *
 * <p>The best tour so far lives in a shared {@link Best} object: it is updated only inside its
 * synchronized {@code offer} method, which re-reads the bound under the lock; its length is also
 * kept in a {@code volatile} field that the workers peek at (every job start, every
 * {@value #REFRESH_NODES} nodes and after each offer) to prune. A branch is pruned only when its
 * lower bound is strictly greater than the best length, so every optimal tour is offered and the
 * result, the lexicographically smallest optimal tour, is the same whatever the thread count and
 * the interleaving.
 *
 * <pre>
 * HOW TO RUN
 *   java -cp samples/target/classes samples.Tsp 4
 *   java -cp samples/target/classes samples.Tsp 4 11
 *   ./ssi-java --nodes 3 -cp samples/target/classes samples.Tsp 4
 *
 * Arguments: [threads=4] [cities=15]
 * </pre>
 */
public class Tsp {

    /** A worker re-reads the shared bound after this many expanded nodes. */
    static final int REFRESH_NODES = 1024;

    /** A city on the grid. */
    record City(int x, int y) {
        int distanceTo(City other) {
            long dx = x - other.x;
            long dy = y - other.y;
            return (int) (Math.sqrt((double) (dx * dx + dy * dy)) + 0.5);
        }
    }

    /** Best tour found so far, shared by all workers. */
    static final class Best {
        private volatile int length = Integer.MAX_VALUE;
        private int[] tour;

        /** Unsynchronized read of the current bound, for pruning. */
        int peek() {
            return length;
        }

        /** Records {@code candidate} if it is shorter, or as short and lexicographically smaller. */
        synchronized void offer(int candidateLength, int[] candidate) {
            if (candidateLength < length
                    || (candidateLength == length && lexicographicallyLess(candidate, tour))) {
                tour = candidate.clone();
                length = candidateLength;
            }
        }

        synchronized int length() {
            return length;
        }

        synchronized int[] tour() {
            return tour == null ? null : tour.clone();
        }

        private static boolean lexicographicallyLess(int[] a, int[] b) {
            for (int i = 0; i < a.length; i++) {
                if (a[i] != b[i]) {
                    return a[i] < b[i];
                }
            }
            return false;
        }
    }

    /** Guards {@link #nextJob}. */
    static final Object JOB_LOCK = new Object();

    /** The next first-level city to hand out; guarded by {@link #JOB_LOCK}. */
    static int nextJob = 1;

    /** Number of cities; jobs are cities {@code 1 .. cityCount-1}. */
    static int cityCount;

    static int[][] dist;

    /** {@code minOut[c]}: length of the shortest edge leaving city {@code c}. */
    static int[] minOut;

    static final Best BEST = new Best();

    /** Takes the next job, or returns -1 when there is none left. */
    static int takeJob() {
        synchronized (JOB_LOCK) {
            if (nextJob >= cityCount) {
                return -1;
            }
            return nextJob++;
        }
    }

    /** Depth-first search state of one worker. */
    static final class Search {
        final int[] path = new int[cityCount];
        int bound = Integer.MAX_VALUE;
        int nodes;

        void solve(int first) {
            bound = BEST.peek();
            path[0] = 0;
            path[1] = first;
            int visited = 1 | (1 << first);
            int restMinOut = 0;
            for (int c = 1; c < cityCount; c++) {
                if ((visited & (1 << c)) == 0) {
                    restMinOut += minOut[c];
                }
            }
            expand(2, first, visited, dist[0][first], restMinOut);
        }

        /**
         * @param depth      number of cities on {@code path}
         * @param last       the last city on the path
         * @param visited    bit set of the cities on the path
         * @param length     length of the path so far
         * @param restMinOut sum of {@code minOut} over the unvisited cities
         */
        private void expand(int depth, int last, int visited, int length, int restMinOut) {
            if (++nodes >= REFRESH_NODES) {
                nodes = 0;
                bound = BEST.peek();
            }
            if (depth == cityCount) {
                int total = length + dist[last][0];
                if (total <= bound) {
                    BEST.offer(total, path);
                    bound = BEST.peek();
                }
                return;
            }
            // Each unvisited city and the last one must still be left exactly once.
            if (length + minOut[last] + restMinOut > bound) {
                return;
            }
            int[] row = dist[last];
            for (int c = 1; c < cityCount; c++) {
                if ((visited & (1 << c)) != 0) {
                    continue;
                }
                path[depth] = c;
                expand(depth + 1, c, visited | (1 << c), length + row[c], restMinOut - minOut[c]);
            }
        }
    }

    public static void main(String[] args) throws InterruptedException {
        if (args.length > 2) {
            usage();
        }
        int threads = parse(args, 0, 4, 1, 1024);
        cityCount = parse(args, 1, 15, 3, 20);

        System.out.println("Tsp: threads=" + threads + " cities=" + cityCount);

        Random random = new Random(4242L);
        City[] cities = new City[cityCount];
        for (int i = 0; i < cityCount; i++) {
            cities[i] = new City(random.nextInt(1000), random.nextInt(1000));
        }
        dist = new int[cityCount][cityCount];
        minOut = new int[cityCount];
        for (int i = 0; i < cityCount; i++) {
            int min = Integer.MAX_VALUE;
            for (int j = 0; j < cityCount; j++) {
                dist[i][j] = cities[i].distanceTo(cities[j]);
                if (j != i && dist[i][j] < min) {
                    min = dist[i][j];
                }
            }
            minOut[i] = min;
        }

        Thread[] workers = new Thread[threads];
        for (int t = 0; t < threads; t++) {
            workers[t] = new Thread(() -> {
                Search search = new Search();
                for (int job = takeJob(); job >= 0; job = takeJob()) {
                    search.solve(job);
                }
            });
            workers[t].start();
        }
        for (Thread w : workers) {
            w.join();
        }

        int[] tour = BEST.tour();
        StringBuilder sb = new StringBuilder("tour   =");
        for (int c : tour) {
            sb.append(' ').append(c);
        }
        sb.append(" 0");
        System.out.println("length = " + BEST.length());
        System.out.println(sb);
    }

    private static int parse(String[] args, int index, int def, int min, int max) {
        if (index >= args.length) {
            return def;
        }
        try {
            int v = Integer.parseInt(args[index].trim());
            if (v < min || v > max) {
                usage();
            }
            return v;
        } catch (NumberFormatException e) {
            usage();
            return def; // not reached
        }
    }

    private static void usage() {
        System.err.println("usage: java samples.Tsp [threads=4 (1..1024)] [cities=15 (3..20)]");
        System.exit(2);
    }
}
