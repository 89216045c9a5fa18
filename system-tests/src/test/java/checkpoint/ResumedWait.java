package checkpoint;

import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Two threads take turns: each waits for its turn inside a monitor, then computes a step outside it. A checkpoint
 * mostly finds a thread waiting, inside the monitor; once resumed, the step after the block must run in code that
 * HotSpot compiles. Prints the result on stdout and, on stderr, the names of the methods whose frames ran the steps
 * (under ssi-java, the method itself or one of its resume twins).
 * <p>
 * {@code java checkpoint.ResumedWait STEPS WORK}
 */
public final class ResumedWait {

    private final Object lock = new Object();
    private final Set<String> ranIn = ConcurrentHashMap.newKeySet();
    private final long[] results = new long[2];
    private int turn;

    void run(int id, int steps, int work) throws InterruptedException {
        long x = id;
        for (int s = 0; s < steps; s++) {
            synchronized (lock) {
                while (turn != id) {
                    lock.wait();
                }
            }
            ranIn.add(StackWalker.getInstance().walk(f -> f.findFirst().orElseThrow().getMethodName()));
            for (int i = 0; i < work; i++) {
                x = x * 6364136223846793005L + 1442695040888963407L;
            }
            synchronized (lock) {
                turn = 1 - id;
                lock.notifyAll();
            }
        }
        results[id] = x;
    }

    public static void main(String[] args) throws Exception {
        int steps = Integer.parseInt(args[0]);
        int work = Integer.parseInt(args[1]);
        ResumedWait r = new ResumedWait();
        Thread[] ts = new Thread[2];
        for (int t = 0; t < ts.length; t++) {
            int id = t;
            ts[t] = new Thread(() -> {
                try {
                    r.run(id, steps, work);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            });
        }
        for (Thread t : ts) {
            t.start();
        }
        for (Thread t : ts) {
            t.join();
        }
        System.out.println("results " + Long.toHexString(r.results[0]) + " " + Long.toHexString(r.results[1]));
        System.err.println("steps ran in " + new TreeSet<>(r.ranIn));
    }
}
