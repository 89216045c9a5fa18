package inlining;

/**
 * A depth-first branch and bound over random distances, as in samples.Tsp, on one thread: its recursive
 * {@code expand} is small enough for C2 to inline one level of its recursion in plain java and grows past that size
 * when rewritten. Prints the shortest tour's length of each of a few problems.
 */
public final class Search {
    private final int cities;
    private final int[][] dist;
    private final int[] minOut;
    private final int[] path;
    private int bound;

    private Search(int cities, long seed) {
        this.cities = cities;
        dist = new int[cities][cities];
        minOut = new int[cities];
        path = new int[cities];
        java.util.Random random = new java.util.Random(seed);
        for (int i = 0; i < cities; i++) {
            int m = Integer.MAX_VALUE;
            for (int j = 0; j < cities; j++) {
                dist[i][j] = i == j ? 0 : 1 + random.nextInt(100);
            }
            for (int j = 0; j < cities; j++) {
                if (j != i) {
                    m = Math.min(m, dist[i][j]);
                }
            }
            minOut[i] = m;
        }
    }

    private int solve() {
        bound = Integer.MAX_VALUE;
        int rest = 0;
        for (int c = 1; c < cities; c++) {
            rest += minOut[c];
        }
        expand(1, 0, 1, 0, rest);
        return bound;
    }

    private void expand(int depth, int last, int visited, int length, int restMinOut) {
        if (depth == cities) {
            int total = length + dist[last][0];
            if (total < bound) {
                bound = total;
            }
            return;
        }
        if (length + minOut[last] + restMinOut > bound) {
            return;
        }
        int[] row = dist[last];
        for (int c = 1; c < cities; c++) {
            if ((visited & (1 << c)) == 0) {
                path[depth] = c;
                expand(depth + 1, c, visited | (1 << c), length + row[c], restMinOut - minOut[c]);
            }
        }
    }

    public static void main(String[] args) {
        int problems = args.length > 0 ? Integer.parseInt(args[0]) : 40;
        for (int p = 0; p < problems; p++) {
            System.out.println("shortest tour " + p + ": " + new Search(10, p).solve());
        }
    }
}
