package io.ssijava.dsm;

/** Message type bytes. Requests carry a correlation id; every reply is a {@link #REPLY} with that id. */
public final class MessageTypes
{
    public static final byte REPLY = 1;
    /**
     * A copy of a home entity: its id, and for an array the chunks wanted, then optionally the arrays fetched along
     * (count, then per array its id and chunks). The reply: the fields or chunks, then per array fetched along a
     * boolean (homed here) and its chunks.
     */
    public static final byte FETCH = 2;
    public static final byte DIFF = 3;
    public static final byte INVALIDATE = 4;
    public static final byte LOCK_REQUEST = 5;
    public static final byte LOCK_REVOKE = 6;
    public static final byte LOCK_GRANT = 7;
    public static final byte WAKE = 8;
    public static final byte CLASS_INIT = 9;
    public static final byte EXIT = 10;
    public static final byte SHUTDOWN = 11;
    public static final byte STATS = 12;
    /** A read-modify-write of a shared object, run on its home. */
    public static final byte ATOMIC = 13;
    /** A blocking queue's method run at the queue's home (see HomeCallService). */
    public static final byte HOME_CALL = 14;
    /** Withdraws a home call whose caller was interrupted. */
    public static final byte HOME_CALL_CANCEL = 15;
    /** A node's metrics sample (see NodeMetrics). */
    public static final byte METRICS = 16;
    /** What a program thread printed on a node whose output is not node 0's, for node 0 to print. */
    public static final byte OUTPUT = 17;
    /** Asks a node to report its state of one cluster lock, which a thread elsewhere has waited long for. */
    public static final byte LOCK_PROBE = 18;
    /** First type byte free for other modules (threads). */
    public static final byte FIRST_EXTENSION = 32;

    private MessageTypes()
    {
    }
}
