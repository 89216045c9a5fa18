package io.ssijava.dsm;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;

/**
 * Reader for messages written by {@link WireOut}. Every read is bounds-checked: a truncated or hostile message
 * raises {@link WireException}, never an out-of-bounds access elsewhere.
 */
public final class WireIn
{
    /** Longest string or byte run accepted from the wire. */
    static final int MAX_RUN = 64 * 1024 * 1024;

    private final ByteBuffer buf;

    /** @param bytes message bytes (not copied). */
    public WireIn(final byte[] bytes)
    {
        this(bytes, 0, bytes.length);
    }

    public WireIn(final byte[] bytes, final int offset, final int length)
    {
        buf = ByteBuffer.wrap(bytes, offset, length).slice().order(ByteOrder.LITTLE_ENDIAN);
    }

    public int remaining()
    {
        return buf.remaining();
    }

    /** @return how much of the message was read: {@link #rewind} goes back there. */
    public int position()
    {
        return buf.position();
    }

    /** Goes back to a {@link #position()} taken before, to read the message again from there. */
    public void rewind(final int position)
    {
        buf.position(position);
    }

    private void need(final int n)
    {
        if (buf.remaining() < n)
        {
            throw new WireException("truncated message: need " + n + " bytes, have " + buf.remaining());
        }
    }

    /**
     * Reads {@code n} elements into {@code array} from index {@code from}, in one copy: the counterpart of
     * {@link WireOut#putElements}.
     *
     * @throws IllegalArgumentException for an array {@link WireOut#putElements} does not write.
     */
    public void getElements(final Object array, final int from, final int n)
    {
        final int size = elementBytes(array);
        if (size == 0)
        {
            throw new IllegalArgumentException("not an array of numbers: " + array.getClass().getName());
        }
        require((long)n * size);
        if (array instanceof byte[])
        {
            buf.get((byte[])array, from, n);
            return;
        }
        final int start = buf.position();
        if (array instanceof double[])
        {
            buf.asDoubleBuffer().get((double[])array, from, n);
        }
        else if (array instanceof long[])
        {
            buf.asLongBuffer().get((long[])array, from, n);
        }
        else if (array instanceof int[])
        {
            buf.asIntBuffer().get((int[])array, from, n);
        }
        else if (array instanceof float[])
        {
            buf.asFloatBuffer().get((float[])array, from, n);
        }
        else if (array instanceof short[])
        {
            buf.asShortBuffer().get((short[])array, from, n);
        }
        else
        {
            buf.asCharBuffer().get((char[])array, from, n);
        }
        buf.position(start + n * size);
    }

    /** Throws unless the message holds at least {@code bytes} more bytes (before a reader allocates for them). */
    public void require(final long bytes)
    {
        if (bytes < 0 || buf.remaining() < bytes)
        {
            throw new WireException("truncated message: need " + bytes + " bytes, have " + buf.remaining());
        }
    }

    /** @return the wire size of an element of the arrays {@link #getElements} reads, 0 for any other object. */
    static int elementBytes(final Object array)
    {
        final Class<?> type = array.getClass().getComponentType();
        return type == null ? 0 : numberBytes(type);
    }

    /** @return the wire size of a number type ({@code byte} to {@code double}, {@code char}), 0 for any other. */
    static int numberBytes(final Class<?> type)
    {
        if (type == long.class || type == double.class)
        {
            return 8;
        }
        if (type == int.class || type == float.class)
        {
            return 4;
        }
        if (type == short.class || type == char.class)
        {
            return 2;
        }
        return type == byte.class ? 1 : 0;
    }

    public byte getByte()
    {
        need(1);
        return buf.get();
    }

    public boolean getBoolean()
    {
        return getByte() != 0;
    }

    public short getShort()
    {
        need(2);
        return buf.getShort();
    }

    public char getChar()
    {
        need(2);
        return buf.getChar();
    }

    public int getInt()
    {
        need(4);
        return buf.getInt();
    }

    public long getLong()
    {
        need(8);
        return buf.getLong();
    }

    public float getFloat()
    {
        return Float.intBitsToFloat(getInt());
    }

    public double getDouble()
    {
        return Double.longBitsToDouble(getLong());
    }

    /** Reads a count that must be in [0, max]. */
    public int getCount(final int max)
    {
        final int n = getInt();
        if (n < 0 || n > max)
        {
            throw new WireException("bad count " + n + " (max " + max + ")");
        }
        return n;
    }

    /** Reads the length of a byte run, which must fit in what is left of the message. */
    private int getRun()
    {
        final int n = getInt();
        if (n < 0 || n > Math.min(MAX_RUN, buf.remaining()))
        {
            throw new WireException("bad length " + n + " with " + buf.remaining() + " bytes left");
        }
        return n;
    }

    public String getString()
    {
        final int n = getRun();
        final byte[] bytes = new byte[n];
        buf.get(bytes);
        return new String(bytes, StandardCharsets.UTF_8);
    }

    /** Reads {@code into.length} bytes that were written without a length of their own. */
    public void getBytes(final byte[] into)
    {
        need(into.length);
        buf.get(into);
    }

    public byte[] getBytes()
    {
        final int n = getRun();
        final byte[] bytes = new byte[n];
        buf.get(bytes);
        return bytes;
    }
}
