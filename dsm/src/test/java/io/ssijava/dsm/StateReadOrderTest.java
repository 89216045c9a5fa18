package io.ssijava.dsm;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.lang.reflect.Field;
import java.util.concurrent.atomic.AtomicBoolean;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The state a node sends (a diff, a fetched copy) while a thread of that node keeps writing it: a volatile value
 * must never go out without the plain stores made before it. That is what a lock's release is: AQS clears its
 * plain owner field, then sets its volatile state to 0. A diff read in declared order (owner first) could carry
 * state 0 with the old owner; the home would then hand the lock to another node, and the late owner-cleared diff
 * would wipe the new holder's owner (IllegalMonitorStateException at its unlock).
 */
@Timeout(30)
class StateReadOrderTest
{
    /** Declared like AbstractOwnableSynchronizer and AQS: the plain field first. */
    static final class Released
    {
        long owner;
        long unrelated;
        volatile long state;
    }

    @Test
    void volatileFieldsAreReadFirst()
    {
        assertArrayEquals(new int[] {2, 0, 1}, ClassLayout.of(Released.class).fieldsReadOrder);
    }

    @Test
    void aReadVolatileValueComesWithThePlainStoresMadeBeforeIt() throws Exception
    {
        final Released r = new Released();
        final ClassLayout layout = ClassLayout.of(Released.class);
        final Field[] fields = layout.fields;
        int ownerAt = -1;
        int stateAt = -1;
        for (int i = 0; i < fields.length; i++)
        {
            ownerAt = fields[i].getName().equals("owner") ? i : ownerAt;
            stateAt = fields[i].getName().equals("state") ? i : stateAt;
        }
        final AtomicBoolean stop = new AtomicBoolean();
        final Thread writer = new Thread(() ->
        {
            for (long k = 1; !stop.get(); k++)
            {
                r.owner = k;   // the plain store ...
                r.state = k;   // ... published by the volatile one
            }
        });
        writer.start();
        long torn = 0;
        long reads = 0;
        try
        {
            final long end = System.nanoTime() + 300_000_000L;
            while (System.nanoTime() < end)
            {
                final Object[] v = ObjectSpace.readFields(fields, layout.fieldsReadOrder, r);
                reads++;
                if ((Long)v[ownerAt] < (Long)v[stateAt])
                {
                    torn++;
                }
            }
        }
        finally
        {
            stop.set(true);
            writer.join();
        }
        assertTrue(reads > 1000, "reads: " + reads);
        assertTrue(torn == 0, torn + " of " + reads + " reads carried a state newer than its owner");
    }
}
