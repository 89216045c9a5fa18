package io.ssijava.threads;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ThreadProxiesTest
{
    @Test
    void aHandleDecodesToTheSameThreadWhileItIsHeld()
    {
        final ThreadProxies proxies = new ThreadProxies();
        final Thread t = new Thread("held");
        proxies.put(7, t);
        assertSame(t, proxies.get(7));
        assertSame(t, proxies.computeIfAbsent(7, h -> new Thread("other")));
        proxies.putIfAbsent(7, new Thread("other"));
        assertSame(t, proxies.get(7));
        assertNull(proxies.get(8));
    }

    @Test
    void threadsNothingHoldsAreDropped()
    {
        final ThreadProxies proxies = new ThreadProxies();
        final Thread kept = new Thread("kept");
        proxies.put(0, kept);
        for (int i = 1; i <= 1000; i++)
        {
            proxies.put(i, new Thread("ended-" + i));
        }
        assertEquals(1001, proxies.size());
        // collection is up to the JVM: ask a bounded number of times, as a cached pool's churn would over time
        for (int attempt = 0; attempt < 50 && proxies.size() > 1; attempt++)
        {
            System.gc();
            proxies.purge();
        }
        assertEquals(1, proxies.size(), "ended threads nothing refers to must not be kept");
        assertSame(kept, proxies.get(0));
        // a handle whose thread was dropped gets a new stand-in, which is then kept while held
        final Thread again = proxies.computeIfAbsent(5, h -> new Thread("stand-in"));
        assertSame(again, proxies.get(5));
        assertTrue(again.getName().equals("stand-in"));
    }
}
