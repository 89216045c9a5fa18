package io.ssijava.dsm;

import org.agrona.ExpandableArrayBuffer;
import org.agrona.MutableDirectBuffer;

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
