package kernels;

import java.util.ArrayList;
import java.util.List;

/**
 * Sums a list of boxed numbers with a for-each loop: a loop that calls ({@code hasNext}, {@code next},
 * {@code intValue}), so rewriting puts a capture poll at its header, and whose body plain java compiles into a few
 * instructions once those calls are inlined. What capture readiness costs in the commonest loop of ordinary code.
 */
public final class ListSum
{
    private final List<Integer> values = new ArrayList<>();

    /**
     * @param size how many numbers the list holds.
     */
    public ListSum(final int size)
    {
        for (int i = 0; i < size; i++)
        {
            values.add(i * 7 % 1000);
        }
    }

    /** @return the sum of the list. */
    public double sum()
    {
        long sum = 0;
        for (final Integer v : values)
        {
            sum += v;
        }
        return sum;
    }
}
