package migration;

/**
 * Threads that do all their work inside two nested monitors (a synchronized block around a synchronized method),
 * with safe points inside: a migration test moves them while they hold both. Each checks, on entering, that no
 * other thread is inside, and adds to two sums in many small steps, so that a second thread inside would show as an
 * intrusion or as lost updates.
 *
 * Arguments: [threads=4] [rounds=200] [steps=50] [elsewhere: main first waits (bounded) until it runs in another
 * process, so that under a migration test the lockers and the second monitor are made on another node than the first]
 */
public class TwoMonitors {
    static final Object OUTER = new Object();

    static final class Sums {
        long mixed;
        long count;
        int inside;
        int intrusions;

        /** Called inside OUTER: this is the second monitor. */
        synchronized void add(int steps) {
            if (inside++ != 0) {
                intrusions++;
            }
            for (int i = 0; i < steps; i++) {
                mixed = mix(mixed, i);
                count++;
            }
            inside--;
        }

        static long mix(long x, int i) {
            return x * 31 + i;
        }
    }

    public static void main(String[] args) throws InterruptedException {
        int threads = args.length > 0 ? Integer.parseInt(args[0]) : 4;
        int rounds = args.length > 1 ? Integer.parseInt(args[1]) : 200;
        int steps = args.length > 2 ? Integer.parseInt(args[2]) : 50;
        if (args.length > 3 && args[3].equals("elsewhere")
                && ThreadIds.awaitAnotherProcess(ProcessHandle.current().pid())) {
            System.err.println("made the lockers in another process");
        }
        Sums sums = new Sums();
        Thread[] ts = new Thread[threads];
        for (int t = 0; t < threads; t++) {
            ts[t] = new Thread(() -> {
                for (int r = 0; r < rounds; r++) {
                    synchronized (OUTER) {
                        sums.add(steps);
                    }
                }
            }, "locker-" + t);
            ts[t].start();
        }
        for (Thread t : ts) {
            t.join();
        }
        synchronized (OUTER) {
            synchronized (sums) {
                System.out.println("steps " + sums.count + ", mixed " + sums.mixed + ", intrusions " +
                        sums.intrusions + ", inside " + sums.inside);
            }
        }
    }
}
