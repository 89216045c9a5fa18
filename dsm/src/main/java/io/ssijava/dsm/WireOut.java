package io.ssijava.dsm;

import org.agrona.ExpandableArrayBuffer;
import org.agrona.MutableDirectBuffer;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;

/**
 * A growable little-endian message writer over an Agrona buffer. One per message being built; not thread safe.
 */
public final class WireOut
{
    private final ExpandableArrayBuffer buffer;
    private int position;

    /** Creates a writer with a small initial capacity. */
    public WireOut()
    {
        this(256);
    }

    /** @param capacity initial capacity in bytes. */
    public WireOut(final int capacity)
    {
        buffer = new ExpandableArrayBuffer(capacity);
    }

    /** @return the underlying buffer; valid bytes are [0, {@link #length()}). */
    public MutableDirectBuffer buffer()
    {
        return buffer;
    }

    /** @return bytes written so far. */
    public int length()
    {
        return position;
    }

    /** @return a copy of the written bytes. */
    public byte[] toBytes()
    {
        final byte[] bytes = new byte[position];
        buffer.getBytes(0, bytes);
        return bytes;
    }

    public WireOut putByte(final int v)
    {
        buffer.putByte(position, (byte)v);
        position += 1;
        return this;
    }

    public WireOut putBoolean(final boolean v)
    {
        return putByte(v ? 1 : 0);
    }

    public WireOut putShort(final short v)
    {
        buffer.putShort(position, v, ByteOrder.LITTLE_ENDIAN);
        position += 2;
        return this;
    }

    public WireOut putChar(final char v)
    {
        buffer.putChar(position, v, ByteOrder.LITTLE_ENDIAN);
        position += 2;
        return this;
    }

    public WireOut putInt(final int v)
    {
        buffer.putInt(position, v, ByteOrder.LITTLE_ENDIAN);
        position += 4;
        return this;
    }

    public WireOut putLong(final long v)
    {
        buffer.putLong(position, v, ByteOrder.LITTLE_ENDIAN);
        position += 8;
        return this;
    }

    public WireOut putFloat(final float v)
    {
        return putInt(Float.floatToRawIntBits(v));
    }

    public WireOut putDouble(final double v)
    {
        return putLong(Double.doubleToRawLongBits(v));
    }

    /**
     * Writes elements [from, to) of an array of {@code double}, {@code long}, {@code int}, {@code float},
     * {@code short}, {@code char} or {@code byte} in one copy, each as its own put method writes it. Element by
     * element, the megabytes of a fault's reply ran in code the JIT had not compiled yet.
     *
     * @return false, with nothing written, for any other array.
     */
    public boolean putElements(final Object array, final int from, final int to)
    {
        final int size = WireIn.elementBytes(array);
        if (size == 0)
        {
            return false;
        }
        final int n = to - from;
        final int bytes = Math.multiplyExact(n, size);
        buffer.checkLimit(Math.addExact(position, bytes)); // grows the buffer
        if (array instanceof byte[])
        {
            buffer.putBytes(position, (byte[])array, from, n);
        }
        else
        {
            final ByteBuffer out = ByteBuffer.wrap(buffer.byteArray(), position, bytes).order(ByteOrder.LITTLE_ENDIAN);
            switch (size)
            {
                case 8:
                    if (array instanceof double[])
                    {
                        out.asDoubleBuffer().put((double[])array, from, n);
                    }
                    else
                    {
                        out.asLongBuffer().put((long[])array, from, n);
                    }
                    break;
                case 4:
                    if (array instanceof int[])
                    {
                        out.asIntBuffer().put((int[])array, from, n);
                    }
                    else
                    {
                        out.asFloatBuffer().put((float[])array, from, n);
                    }
                    break;
                default:
                    if (array instanceof short[])
                    {
                        out.asShortBuffer().put((short[])array, from, n);
                    }
                    else
                    {
                        out.asCharBuffer().put((char[])array, from, n);
                    }
                    break;
            }
        }
        position += bytes;
        return true;
    }

    public WireOut putString(final String s)
    {
        final byte[] bytes = s.getBytes(StandardCharsets.UTF_8);
        putInt(bytes.length);
        return putBytes(bytes, 0, bytes.length);
    }

    public WireOut putBytes(final byte[] bytes, final int offset, final int length)
    {
        buffer.putBytes(position, bytes, offset, length);
        position += length;
        return this;
    }

    /** Moves the write position back to {@code mark}, dropping what was written after it. */
    public void rewind(final int mark)
    {
        position = mark;
    }

    /** Overwrites an int at an earlier position, e.g. a count known only after the items were written. */
    public void putIntAt(final int at, final int v)
    {
        buffer.putInt(at, v, ByteOrder.LITTLE_ENDIAN);
    }
}
