package io.ssijava.threads;

import io.ssijava.dsm.MessageTypes;

/** Message types of the threads module. */
final class ThreadMessages
{
    /** Start a thread here: handle, traits (ThreadTraits), kind, runnable or thread object. */
    static final byte START = MessageTypes.FIRST_EXTENSION;
    /** To node 0: a thread with this handle is alive. */
    static final byte REGISTER = MessageTypes.FIRST_EXTENSION + 1;
    /** To node 0: the thread with this handle ended. */
    static final byte ENDED = MessageTypes.FIRST_EXTENSION + 2;
    /** To node 0: reply when the thread ends or the time is up; the reply says whether it ended. */
    static final byte JOIN = MessageTypes.FIRST_EXTENSION + 3;
    /** To node 0: is the thread alive. */
    static final byte ALIVE = MessageTypes.FIRST_EXTENSION + 4;
    /** To the node a thread runs on: unpark it (or interrupt it); no reply. */
    static final byte SIGNAL = MessageTypes.FIRST_EXTENSION + 5;

    /**
     * A thread moves here: handle, traits (ThreadTraits), interrupted, moves so far, the sleep or join it is in,
     * frames, thread-locals; reply when taken.
     */
    static final byte MIGRATE = MessageTypes.FIRST_EXTENSION + 6;
    /** A thread that moved ended on another node (by an exception, or not): its stand-in here ends too. No reply. */
    static final byte GONE = MessageTypes.FIRST_EXTENSION + 7;

    /** The sender's load (threads of the program that are not waiting); no reply. */
    static final byte LOAD = MessageTypes.FIRST_EXTENSION + 8;
    /** Use this placement policy from now on: its name; no reply. */
    static final byte POLICY = MessageTypes.FIRST_EXTENSION + 9;
    /** What runs here: reply with every thread of the program that runs on this node (see ThreadInfo). */
    static final byte LIST = MessageTypes.FIRST_EXTENSION + 10;
    /** Move the thread with this handle to this node if it runs here: reply with what happened. */
    static final byte MOVE = MessageTypes.FIRST_EXTENSION + 11;
    /** To the node a thread object was made on: start it (handle); reply whether it had not started yet. */
    static final byte START_THERE = MessageTypes.FIRST_EXTENSION + 12;
    /** To node 0: reply with the next default name of a thread the program makes. */
    static final byte THREAD_NAME = MessageTypes.FIRST_EXTENSION + 13;

    static final byte KIND_RUNNABLE = 0;
    static final byte KIND_THREAD_OBJECT = 1;

    private ThreadMessages()
    {
    }
}
