package io.ssijava.rt;

/**
 * A thread of the runtime itself (protocol workers, watchers): always started on this node, even when the
 * instrumented JDK starts it (a runtime thread pool), never placed elsewhere.
 * <p>
 * Do not use -- for internal use only.
 */
public final class NodeLocalThread extends Thread
{
    public NodeLocalThread(final Runnable task, final String name)
    {
        super(task, name);
        setDaemon(true);
    }
}
