package io.ssijava.agent.rewrite.inputs;

public final class Fields
{
    private Fields()
    {
    }

    public static int getX(final Point p)
    {
        return p.x;
    }

    public static long getL(final Point p)
    {
        return p.l;
    }

    public static double getD(final Point p)
    {
        return p.d;
    }

    public static Object getRef(final Point p)
    {
        return p.ref;
    }

    public static int getV(final Point p)
    {
        return p.v;
    }

    public static void setX(final Point p, final int v)
    {
        p.x = v;
    }

    public static void setL(final Point p, final long v)
    {
        p.l = v;
    }

    public static void setD(final Point p, final double v)
    {
        p.d = v;
    }

    public static void setRef(final Point p, final Object v)
    {
        p.ref = v;
    }

    public static void setV(final Point p, final int v)
    {
        p.v = v;
    }

    public static void setVl(final Point p, final long v)
    {
        p.vl = v;
    }

    /** getfield + putfield of a category-2 value with the result kept on the stack (dup2_x1). */
    public static long addL(final Point p, final long by)
    {
        return p.l += by;
    }

    public static double scaleD(final Point p, final double by)
    {
        return p.d *= by;
    }

    public static int getY(final SubPoint s)
    {
        return s.y + s.x;
    }

    public static void setY(final SubPoint s, final int y)
    {
        s.y = y;
    }

    /** Many locals of both categories live across the checks: the rewriter's spill slots must not clobber them. */
    public static String mixed(final Point a, final Point b, final long k, final double z, final int w)
    {
        final long t = a.l + k;
        final double u = z * 2;
        b.l = t;
        b.d = u;
        b.x = w + a.x;
        b.ref = a;
        final long t2 = t + b.l;
        return t + "/" + u + "/" + w + "/" + t2 + "/" + b.x + "/" + (b.ref == a) + "/" + k + "/" + z;
    }
}
