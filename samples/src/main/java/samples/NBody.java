package samples;

import java.util.Locale;
import java.util.Random;

/**
 * Direct-summation N-body gravitational simulation.
 *
 * <p>The bodies are {@link Body} objects whose initial state comes from a fixed-seed
 * {@link Random}. Each time step has two phases, separated by a small hand-written
 * {@link Barrier}: every {@link Stepper} thread first computes the accelerations of its own slice
 * of bodies from the positions of all bodies, then (after everybody has finished reading the old
 * positions) advances the velocities and positions of its slice. The acceleration of a body is
 * always summed over the other bodies in index order, so the trajectory is the same for any
 * thread count; the main thread computes the total energy after joining.
 *
 * <p>Stepper 0 publishes the number of finished steps in the {@code volatile} field
 * {@link #completedSteps}, which a monitoring thread could read at any time.
 *
 * <pre>
 * HOW TO RUN
 *   java -cp samples/target/classes samples.NBody 4
 *   java -cp samples/target/classes samples.NBody 4 256 20
 *   ./ssi-java --nodes 3 -cp samples/target/classes samples.NBody 4
 *
 * Arguments: [threads=4] [bodies=1000] [steps=200]
 * </pre>
 */
public class NBody {

    /** Time step. */
    static final double DT = 0.001;

    /** Softening length squared, keeps close encounters finite. */
    static final double EPS2 = 0.01;

    /** Number of fully finished time steps, published by stepper 0. */
    static volatile int completedSteps;

    /** One point mass. */
    static final class Body {
        double x, y, z;
        double vx, vy, vz;
        final double mass;

        Body(double x, double y, double z, double vx, double vy, double vz, double mass) {
            this.x = x;
            this.y = y;
            this.z = z;
            this.vx = vx;
            this.vy = vy;
            this.vz = vz;
            this.mass = mass;
        }
    }

    /** Reusable barrier: synchronized, wait/notifyAll and a generation counter. */
    static final class Barrier {
        private final int parties;
        private int arrived;
        private int generation;

        Barrier(int parties) {
            this.parties = parties;
        }

        synchronized void await() throws InterruptedException {
            int gen = generation;
            if (++arrived == parties) {
                arrived = 0;
                generation++;
                notifyAll();
            } else {
                while (gen == generation) {
                    wait();
                }
            }
        }
    }

    /** Advances bodies {@code [lo, hi)} for all steps. */
    static final class Stepper extends Thread {
        private final int id;
        private final Body[] bodies;
        private final int lo;
        private final int hi;
        private final int steps;
        private final Barrier barrier;

        Stepper(int id, Body[] bodies, int lo, int hi, int steps, Barrier barrier) {
            this.id = id;
            this.bodies = bodies;
            this.lo = lo;
            this.hi = hi;
            this.steps = steps;
            this.barrier = barrier;
        }

        @Override
        public void run() {
            int count = hi - lo;
            double[] ax = new double[count];
            double[] ay = new double[count];
            double[] az = new double[count];
            try {
                for (int s = 0; s < steps; s++) {
                    // Phase 1: accelerations of my slice from everybody's current positions.
                    for (int i = lo; i < hi; i++) {
                        Body bi = bodies[i];
                        double sx = 0.0, sy = 0.0, sz = 0.0;
                        for (int j = 0; j < bodies.length; j++) {
                            if (j == i) {
                                continue;
                            }
                            Body bj = bodies[j];
                            double dx = bj.x - bi.x;
                            double dy = bj.y - bi.y;
                            double dz = bj.z - bi.z;
                            double d2 = dx * dx + dy * dy + dz * dz + EPS2;
                            double inv = bj.mass / (d2 * Math.sqrt(d2));
                            sx += dx * inv;
                            sy += dy * inv;
                            sz += dz * inv;
                        }
                        ax[i - lo] = sx;
                        ay[i - lo] = sy;
                        az[i - lo] = sz;
                    }
                    barrier.await();
                    // Phase 2: move my slice (semi-implicit Euler).
                    for (int i = lo; i < hi; i++) {
                        Body b = bodies[i];
                        b.vx += ax[i - lo] * DT;
                        b.vy += ay[i - lo] * DT;
                        b.vz += az[i - lo] * DT;
                        b.x += b.vx * DT;
                        b.y += b.vy * DT;
                        b.z += b.vz * DT;
                    }
                    barrier.await();
                    if (id == 0) {
                        completedSteps = s + 1;
                    }
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }

    public static void main(String[] args) throws InterruptedException {
        if (args.length > 3) {
            usage();
        }
        int threads = parse(args, 0, 4, 1, 1024);
        int n = parse(args, 1, 1000, 1, 100_000);
        int steps = parse(args, 2, 200, 0, 1_000_000);

        System.out.println("NBody: threads=" + threads + " bodies=" + n + " steps=" + steps);

        Random random = new Random(20240607L);
        Body[] bodies = new Body[n];
        for (int i = 0; i < n; i++) {
            double x = 2.0 * random.nextDouble() - 1.0;
            double y = 2.0 * random.nextDouble() - 1.0;
            double z = 2.0 * random.nextDouble() - 1.0;
            double vx = 0.1 * (2.0 * random.nextDouble() - 1.0);
            double vy = 0.1 * (2.0 * random.nextDouble() - 1.0);
            double vz = 0.1 * (2.0 * random.nextDouble() - 1.0);
            double mass = (0.5 + random.nextDouble()) / n;
            bodies[i] = new Body(x, y, z, vx, vy, vz, mass);
        }

        Barrier barrier = new Barrier(threads);
        Stepper[] steppers = new Stepper[threads];
        for (int t = 0; t < threads; t++) {
            int lo = (int) ((long) n * t / threads);
            int hi = (int) ((long) n * (t + 1) / threads);
            steppers[t] = new Stepper(t, bodies, lo, hi, steps, barrier);
            steppers[t].start();
        }
        for (Stepper s : steppers) {
            s.join();
        }

        System.out.println("steps done = " + completedSteps);
        System.out.println(String.format(Locale.ROOT, "energy = %.9f", energy(bodies)));
        Body b0 = bodies[0];
        System.out.println(String.format(Locale.ROOT, "body0  = (%.9f, %.9f, %.9f)", b0.x, b0.y, b0.z));
    }

    /** Total kinetic plus (softened) potential energy, summed in index order. */
    static double energy(Body[] bodies) {
        double e = 0.0;
        for (int i = 0; i < bodies.length; i++) {
            Body bi = bodies[i];
            e += 0.5 * bi.mass * (bi.vx * bi.vx + bi.vy * bi.vy + bi.vz * bi.vz);
            for (int j = i + 1; j < bodies.length; j++) {
                Body bj = bodies[j];
                double dx = bj.x - bi.x;
                double dy = bj.y - bi.y;
                double dz = bj.z - bi.z;
                e -= bi.mass * bj.mass / Math.sqrt(dx * dx + dy * dy + dz * dz + EPS2);
            }
        }
        return e;
    }

    private static int parse(String[] args, int index, int def, int min, int max) {
        if (index >= args.length) {
            return def;
        }
        try {
            int v = Integer.parseInt(args[index].trim());
            if (v < min || v > max) {
                usage();
            }
            return v;
        } catch (NumberFormatException e) {
            usage();
            return def; // not reached
        }
    }

    private static void usage() {
        System.err.println("usage: java samples.NBody [threads=4 (1..1024)] [bodies=1000 (1..100000)]"
                + " [steps=200 (0..1000000)]");
        System.exit(2);
    }
}
