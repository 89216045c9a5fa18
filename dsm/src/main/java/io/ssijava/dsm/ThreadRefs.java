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
     * Unparks or interrupts a thread: one that runs on another node there; an interrupt of one that runs here here,
     * in one step with what tells the capture support that the interrupt is the program's.
     *
     * @return false if the caller is to unpark the thread itself: it runs on this node (or is not a cluster thread).
     */
    boolean signal(Thread t, boolean interrupt);
}
