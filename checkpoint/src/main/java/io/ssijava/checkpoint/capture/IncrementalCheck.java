package io.ssijava.checkpoint.capture;

import java.util.Arrays;
import java.util.HashMap;
import java.util.Map;

/**
 * A check of incremental checkpoints ({@code -Dssi.checkpoint.verify=true}, for tests): lays each incremental
 * capture over the ones before it, as a restore will, and compares the result, entity by entity, with a full
 * capture made at the same moment. An entity that changed but was not marked so would differ; the difference is
 * reported on stderr.
 */
final class IncrementalCheck
{
    /** Every entity homed here as the checkpoints so far compose it, by global id. */
    private Map<Long, byte[]> composed;

    void check(final int node, final long id, final boolean incremental, final Map<Long, byte[]> written,
        final Map<Long, byte[]> full)
    {
        if (incremental && composed != null)
        {
            composed.putAll(written);
            int differ = 0;
            long example = 0;
            for (final Map.Entry<Long, byte[]> e : full.entrySet())
            {
                if (!Arrays.equals(e.getValue(), composed.get(e.getKey())))
                {
                    differ++;
                    example = e.getKey();
                }
            }
            System.err.println("ssi-java: node " + node + ": incremental checkpoint " + id + " " + (differ == 0 ?
                "composes to the full state: " + written.size() + " of " + full.size() + " entities written" :
                "misses changes of " + differ + " of " + full.size() + " entities, e.g. " + Long.toHexString(example)));
        }
        composed = new HashMap<>(full);
    }
}
