package kernels;

/**
 * One time step of a direct O(n^2) gravitational N-body simulation over {@link Body} objects: every field access
 * goes through an object, which is what the agent's per-object state check guards.
 */
public final class NBody
{
    /** Softening keeps close encounters finite, so the state stays well-behaved over millions of steps. */
    private static final double SOFTENING2 = 0.01;
    private static final double DT = 1e-5;

    private final Body[] bodies;

    /** A point mass with position, velocity and the acceleration accumulated in the current step. */
    static final class Body
    {
        double x, y, z;
        double vx, vy, vz;
        double ax, ay, az;
        final double mass;

        Body(final double x, final double y, final double z, final double mass)
        {
            this.x = x;
            this.y = y;
            this.z = z;
            this.mass = mass;
        }
    }

    /**
     * Places the bodies on a fixed pseudo-random pattern.
     *
     * @param n number of bodies.
     */
    public NBody(final int n)
    {
        bodies = new Body[n];
        for (int i = 0; i < n; i++)
        {
            bodies[i] = new Body(((i * 37) % 101) / 101.0, ((i * 59) % 103) / 103.0, ((i * 71) % 107) / 107.0,
                1.0 / n);
        }
    }

    /**
     * Computes all pairwise forces, then moves every body.
     *
     * @return a coordinate, so that the work cannot be discarded.
     */
    public double step()
    {
        final Body[] bs = bodies;
        for (final Body bi : bs)
        {
            double ax = 0.0;
            double ay = 0.0;
            double az = 0.0;
            for (final Body bj : bs)
            {
                final double dx = bj.x - bi.x;
                final double dy = bj.y - bi.y;
                final double dz = bj.z - bi.z;
                final double d2 = dx * dx + dy * dy + dz * dz + SOFTENING2;
                final double inv = bj.mass / (d2 * Math.sqrt(d2));
                ax += dx * inv;
                ay += dy * inv;
                az += dz * inv;
            }
            bi.ax = ax;
            bi.ay = ay;
            bi.az = az;
        }
        for (final Body b : bs)
        {
            b.vx += b.ax * DT;
            b.vy += b.ay * DT;
            b.vz += b.az * DT;
            b.x += b.vx * DT;
            b.y += b.vy * DT;
            b.z += b.vz * DT;
        }
        return bs[0].x;
    }
}
