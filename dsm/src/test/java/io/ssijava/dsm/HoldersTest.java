package io.ssijava.dsm;

import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** The depths of the threads counted into a cluster monitor: the same answers as a map, however they are kept. */
class HoldersTest
{
    @Test
    void answersAsAMapOfDepthsWouldThroughEveryChange()
    {
        final List<Thread> threads = new ArrayList<>();
        for (int i = 0; i < 4; i++)
        {
            threads.add(new Thread("t" + i));
        }
        final Random random = new Random(7);
        final Holders holders = new Holders();
        final Map<Thread, Integer> model = new IdentityHashMap<>();
        for (int step = 0; step < 20_000; step++)
        {
            final Thread t = threads.get(random.nextInt(threads.size()));
            final int op = random.nextInt(10);
            if (op < 5)
            {
                // enter or exit: most steps, as in a monitor
                final int depth = Math.max(0, model.getOrDefault(t, 0) + (random.nextBoolean() ? 1 : -1));
                holders.set(t, depth);
                if (depth == 0)
                {
                    model.remove(t);
                }
                else
                {
                    model.put(t, depth);
                }
            }
            else if (op < 8)
            {
                assertEquals(model.getOrDefault(t, 0), holders.remove(t), "step " + step);
                model.remove(t);
            }
            else if (op < 9)
            {
                int others = 0;
                for (final Map.Entry<Thread, Integer> e : model.entrySet())
                {
                    others += e.getKey() == t ? 0 : e.getValue();
                }
                assertEquals(others, holders.removeAllBut(t), "step " + step);
                model.keySet().removeIf(k -> k != t);
            }
            for (final Thread any : threads)
            {
                assertEquals(model.getOrDefault(any, 0), holders.get(any), "step " + step + ", " + any.getName());
                assertEquals(model.containsKey(any), holders.contains(any), "step " + step + ", " + any.getName());
            }
        }
    }
}
