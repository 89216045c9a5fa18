package io.ssijava.dsm;

/**
 * How {@link Thread} objects that are not application objects travel: as handles to the cluster thread they stand
 * for. Provided by the threads module.
 */
public interface ThreadRefs
{
    void write(WireOut out, Thread t);

    Thread read(WireIn in);

    /**
     * Unparks or interrupts a thread that runs on another node.
     *
     * @return false if the thread runs on this node (or is not a cluster thread): the caller acts on it.
     */
    boolean signal(Thread t, boolean interrupt);
}
