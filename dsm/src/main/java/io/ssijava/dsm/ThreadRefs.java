package io.ssijava.dsm;

/**
 * How {@link Thread} objects that are not application objects travel: as handles to the cluster thread they stand
 * for. Provided by the threads module.
 */
public interface ThreadRefs
{
    void write(WireOut out, Thread t);

    Thread read(WireIn in);
}
