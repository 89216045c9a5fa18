package litmus;

import java.util.ArrayList;
import java.util.List;

/**
 * Class initialization runs once per program, not once per node. {@code Lazy} is first used by
 * threads (on other nodes), all at once; {@code Eager} is initialized by main and then used by
 * the threads. Each static initializer increments a counter in another class and prints a line;
 * the program prints how many times each ran.
 */
public final class ClassInitOnce {

    static final int THREADS = 3;

    static final class Counters {
        static int lazyRuns;
        static int eagerRuns;
    }

    static final class Lazy {
        static final int VALUE;

        static {
            Counters.lazyRuns++;
            System.out.println("Lazy.<clinit> ran");
            VALUE = Integer.parseInt("4" + "2");
        }

        private Lazy() {
        }
    }

    static final class Eager {
        static final String NAME;
        static int touched;

        static {
            Counters.eagerRuns++;
            System.out.println("Eager.<clinit> ran");
            NAME = "eager-" + Integer.toHexString(255);
        }

        private Eager() {
        }
    }

    static volatile boolean go;

    private ClassInitOnce() {
    }

    public static void main(String[] args) throws InterruptedException {
        Where.init();
        String eagerName = Eager.NAME; // initialized here, on main's node
        int[] lazySeen = new int[THREADS];
        String[] eagerSeen = new String[THREADS];
        Thread[] threads = new Thread[THREADS];
        for (int i = 0; i < THREADS; i++) {
            final int t = i;
            threads[i] = new Thread(() -> {
                Where.report("thread " + t);
                while (!go) {
                    Thread.onSpinWait();
                }
                lazySeen[t] = Lazy.VALUE; // first use of Lazy anywhere
                eagerSeen[t] = Eager.NAME;
                synchronized (Eager.class) {
                    Eager.touched++;
                }
            }, "user-" + i);
            threads[i].start();
        }
        Thread.sleep(100);
        go = true;
        for (Thread t : threads) {
            t.join();
        }
        List<String> failures = new ArrayList<>();
        for (int i = 0; i < THREADS; i++) {
            if (lazySeen[i] != 42) {
                failures.add("thread " + i + " saw Lazy.VALUE=" + lazySeen[i] + ", expected 42");
            }
            if (!eagerName.equals(eagerSeen[i])) {
                failures.add("thread " + i + " saw Eager.NAME=" + eagerSeen[i] + ", expected " + eagerName);
            }
        }
        System.out.println("Lazy initializer ran " + Counters.lazyRuns + " time(s)");
        System.out.println("Eager initializer ran " + Counters.eagerRuns + " time(s)");
        System.out.println("Eager touched " + Eager.touched + " time(s)");
        if (Counters.lazyRuns != 1) {
            failures.add("Lazy's static initializer ran " + Counters.lazyRuns + " times, expected once");
        }
        if (Counters.eagerRuns != 1) {
            failures.add("Eager's static initializer ran " + Counters.eagerRuns + " times, expected once");
        }
        if (Eager.touched != THREADS) {
            failures.add("Eager.touched=" + Eager.touched + ", expected " + THREADS);
        }
        Where.verdict(failures);
    }
}
