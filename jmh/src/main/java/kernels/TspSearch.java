package kernels;

import java.util.Random;

/**
 * The depth-first branch and bound of {@code samples.Tsp} on one thread: deep recursion, a loop that calls in every
 * iteration and a synchronized bound shared through an object. The kernel where checks at method entries, after
 * calls and at loop headers cost the most.
 */
public final class TspSearch
{
    private final int cities;
    private final int[][] dist;
    private final int[] minOut;
    private final Best best = new Best();
    private final int[] path;
    private int bound;

    /** The shortest tour found so far, behind a monitor as in the sample. */
    static final class Best
    {
        private int length = Integer.MAX_VALUE;

        synchronized int peek()
        {
            return length;
        }

        synchronized void offer(final int candidate)
        {
            if (candidate < length)
            {
                length = candidate;
            }
        }
    }

    /**
     * @param cities number of cities (random distances, fixed seed).
     */
    public TspSearch(final int cities)
    {
        this.cities = cities;
        dist = new int[cities][cities];
        minOut = new int[cities];
        path = new int[cities];
        final Random random = new Random(7);
        for (int i = 0; i < cities; i++)
        {
            for (int j = 0; j < cities; j++)
            {
                dist[i][j] = i == j ? 0 : 1 + random.nextInt(100);
            }
        }
        for (int i = 0; i < cities; i++)
        {
            int m = Integer.MAX_VALUE;
            for (int j = 0; j < cities; j++)
            {
                if (j != i)
                {
                    m = Math.min(m, dist[i][j]);
                }
            }
            minOut[i] = m;
        }
    }

    /**
     * One full search.
     *
     * @return the length of the shortest tour.
     */
    public double solve()
    {
        best.length = Integer.MAX_VALUE;
        bound = Integer.MAX_VALUE;
        int rest = 0;
        for (int c = 1; c < cities; c++)
        {
            rest += minOut[c];
        }
        path[0] = 0;
        expand(1, 0, 1, 0, rest);
        return best.peek();
    }

    private void expand(final int depth, final int last, final int visited, final int length, final int restMinOut)
    {
        if (depth == cities)
        {
            final int total = length + dist[last][0];
            if (total < bound)
            {
                best.offer(total);
                bound = best.peek();
            }
            return;
        }
        if (length + minOut[last] + restMinOut > bound)
        {
            return;
        }
        final int[] row = dist[last];
        for (int c = 1; c < cities; c++)
        {
            if ((visited & (1 << c)) == 0)
            {
                path[depth] = c;
                expand(depth + 1, c, visited | (1 << c), length + row[c], restMinOut - minOut[c]);
            }
        }
    }
}
