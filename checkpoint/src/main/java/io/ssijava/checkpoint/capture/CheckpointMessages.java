package io.ssijava.checkpoint.capture;

import io.ssijava.dsm.MessageTypes;

/** Message types of the checkpoint protocol (the coordinator, node 0, asks; every node answers). */
final class CheckpointMessages
{
    /** Hold the program's threads at safe points and release: (checkpoint, timeout ms) -> (ok, threads | why). */
    static final byte PAUSE = MessageTypes.FIRST_EXTENSION + 32;
    /** Write the held threads and the objects homed here into memory: (checkpoint) -> (bytes, threads, objects). */
    static final byte CAPTURE = MessageTypes.FIRST_EXTENSION + 33;
    /** Let the held threads go on: (checkpoint) -> (). */
    static final byte RESUME = MessageTypes.FIRST_EXTENSION + 34;
    /** Write the captured part to its levels: (checkpoint, created ms) -> (ok, bytes | why). */
    static final byte WRITE = MessageTypes.FIRST_EXTENSION + 35;

    private CheckpointMessages()
    {
    }
}
