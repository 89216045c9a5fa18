package io.ssijava.transport;

import org.agrona.DirectBuffer;
import org.agrona.concurrent.UnsafeBuffer;

import java.nio.ByteOrder;

/**
 * The 8-byte header the transport puts in front of every Aeron message.
 * <pre>
 *   0  short magic    0x5353 ("SS"), rejects traffic from anything that is not ssi-java
 *   2  byte  version  bumped on incompatible changes, so mixed versions fail loudly instead of misparsing
 *   3  byte  type     DATA, HEARTBEAT, FIRST_CHUNK, CHUNK or HELLO
 *   4  int   fromNode sender's node id
 * </pre>
 * Little-endian explicitly, so nodes on hosts of different byte order still agree.
 */
final class WireFormat
{
    static final ByteOrder ORDER = ByteOrder.LITTLE_ENDIAN;
    static final short MAGIC = 0x5353;
    static final byte VERSION = 1;
    static final int HEADER_LENGTH = 8;

    /** A whole application message. */
    static final byte TYPE_DATA = 1;
    /** Liveness only; never delivered. */
    static final byte TYPE_HEARTBEAT = 2;
    /**
     * First piece of a message larger than one Aeron message; its payload starts with the int total length, so the
     * receiver can size the reassembly buffer once. Pieces of one message are never interleaved with pieces of
     * another on the same publication (the sender serialises chunked sends per peer).
     */
    static final byte TYPE_FIRST_CHUNK = 3;
    /** A following piece; the message is delivered when the total length has arrived. */
    static final byte TYPE_CHUNK = 4;
    /** The first message on a publication of a job with a secret: the proof that the sender holds it (Greeting). */
    static final byte TYPE_HELLO = 5;

    private static final int MAGIC_OFFSET = 0;
    private static final int VERSION_OFFSET = 2;
    private static final int TYPE_OFFSET = 3;
    private static final int FROM_OFFSET = 4;

    private WireFormat()
    {
    }

    /**
     * A header buffer that is written once and afterwards only read, so any number of threads may offer it
     * concurrently as the first part of a gathered Aeron offer.
     */
    static UnsafeBuffer header(final byte type, final int fromNode)
    {
        final UnsafeBuffer buffer = new UnsafeBuffer(new byte[HEADER_LENGTH]);
        buffer.putShort(MAGIC_OFFSET, MAGIC, ORDER);
        buffer.putByte(VERSION_OFFSET, VERSION);
        buffer.putByte(TYPE_OFFSET, type);
        buffer.putInt(FROM_OFFSET, fromNode, ORDER);
        return buffer;
    }

    static boolean isValid(final DirectBuffer buffer, final int offset, final int length)
    {
        return length >= HEADER_LENGTH &&
            buffer.getShort(offset + MAGIC_OFFSET, ORDER) == MAGIC &&
            buffer.getByte(offset + VERSION_OFFSET) == VERSION;
    }

    static byte type(final DirectBuffer buffer, final int offset)
    {
        return buffer.getByte(offset + TYPE_OFFSET);
    }

    static int fromNode(final DirectBuffer buffer, final int offset)
    {
        return buffer.getInt(offset + FROM_OFFSET, ORDER);
    }
}
