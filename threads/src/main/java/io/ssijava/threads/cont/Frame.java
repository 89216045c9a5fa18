package io.ssijava.threads.cont;

import java.util.Arrays;

/**
 * One captured activation: the method, where it resumes, its live locals and operand stack in the order its code
 * saved them, and its receiver. Rewritten code fills it with the fluent {@code i/l/f/d/a} calls when it captures,
 * and reads the values back in the same order with {@code gi/gl/gf/gd/ga} when it resumes.
 */
public final class Frame
{
    final int method;
    final int site;
    /** The method's receiver; null for a static method. */
    final Object self;
    /** A hidden lambda class whose frame stood between this frame and the one it called, if any. */
    Class<?> calleeProxy;
    /** The receiver to call the next frame's method on, when it came with the frames from another node. */
    Object calleeReceiver;
    long[] prims;
    int primCount;
    Object[] refs;
    int refCount;
    private int primRead;
    private int refRead;

    Frame(final int method, final int site, final Object self)
    {
        this(method, site, self, new long[4], 0, new Object[4], 0);
    }

    Frame(final int method, final int site, final Object self, final long[] prims, final int primCount,
        final Object[] refs, final int refCount)
    {
        this.method = method;
        this.site = site;
        this.self = self;
        this.prims = prims;
        this.primCount = primCount;
        this.refs = refs;
        this.refCount = refCount;
    }

    /** @return a copy positioned at the start, so that a continuation can be resumed more than once. */
    Frame fresh()
    {
        final Frame f = new Frame(method, site, self, prims, primCount, refs, refCount);
        f.calleeProxy = calleeProxy;
        f.calleeReceiver = calleeReceiver;
        return f;
    }

    /**
     * A frame that travelled from another node.
     *
     * @param method its method, as {@link #method()} gave it there.
     * @param site   {@link #site()}.
     * @param self   its receiver, null if static.
     * @param prims  the saved primitive values, in order.
     * @param refs   the saved references, in order.
     * @return the frame.
     */
    public static Frame of(final CapturableMethods.Method method, final int site, final Object self, final long[] prims,
        final Object[] refs)
    {
        final int id = CapturableMethods.id(method.owner, method.name, method.desc, method.isStatic);
        return new Frame(id, site, self, prims.clone(), prims.length, refs.clone(), refs.length);
    }

    /** @return the receiver, null for a static method. */
    public Object self()
    {
        return self;
    }

    /** @return the saved primitive values (ints, floats and doubles as their bits), in order. */
    public long[] prims()
    {
        return Arrays.copyOf(prims, primCount);
    }

    /** @return the saved references, in order. */
    public Object[] refs()
    {
        return Arrays.copyOf(refs, refCount);
    }

    /** @return the method this frame belongs to. */
    public CapturableMethods.Method method()
    {
        return CapturableMethods.method(method);
    }

    /** @return where the frame resumes: 0 at the method's start, else a call or loop of it. */
    public int site()
    {
        return site;
    }

    /** @return the number of saved values (locals and stack). */
    public int size()
    {
        return primCount + refCount;
    }

    // ---------------------------------------------------------------- saving

    private void prim(final long v)
    {
        if (primCount == prims.length)
        {
            prims = Arrays.copyOf(prims, primCount * 2);
        }
        prims[primCount++] = v;
    }

    /** Saves an int (also boolean, byte, char, short). */
    public Frame i(final int v)
    {
        prim(v);
        return this;
    }

    /** Saves a long. */
    public Frame l(final long v)
    {
        prim(v);
        return this;
    }

    /** Saves a float. */
    public Frame f(final float v)
    {
        prim(Float.floatToRawIntBits(v));
        return this;
    }

    /** Saves a double. */
    public Frame d(final double v)
    {
        prim(Double.doubleToRawLongBits(v));
        return this;
    }

    /** Saves a reference. */
    public Frame a(final Object v)
    {
        if (refCount == refs.length)
        {
            refs = Arrays.copyOf(refs, refCount * 2);
        }
        refs[refCount++] = v;
        return this;
    }

    // ---------------------------------------------------------------- restoring

    /** @return the next saved int. */
    public int gi()
    {
        return (int)prims[primRead++];
    }

    /** @return the next saved long. */
    public long gl()
    {
        return prims[primRead++];
    }

    /** @return the next saved float. */
    public float gf()
    {
        return Float.intBitsToFloat((int)prims[primRead++]);
    }

    /** @return the next saved double. */
    public double gd()
    {
        return Double.longBitsToDouble(prims[primRead++]);
    }

    /** @return the next saved reference. */
    public Object ga()
    {
        return refs[refRead++];
    }

    /** Ends the restore of this frame: the thread goes on into the frame it called, or runs on if this is the top. */
    public void done()
    {
        Cont.restored(this);
    }

    @Override
    public String toString()
    {
        return method() + " at site " + site;
    }
}
