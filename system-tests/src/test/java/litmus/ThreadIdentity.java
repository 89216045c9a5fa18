package litmus;

import java.util.ArrayList;
import java.util.List;

/**
 * A thread is one object, also to a thread that held a reference to it before it started: a watcher reads the
 * threads main has made and not yet started, main then starts them (wherever they are placed, some on the watcher's
 * node), and each one publishes Thread.currentThread(). The watcher must find the very objects it read.
 */
public final class ThreadIdentity {

    static final int THREADS = 6;

    static volatile Thread[] made;
    static volatile boolean read;
    static volatile boolean allEnded;
    static final Thread[] ITSELF = new Thread[THREADS];
    static final String[] SEEN = new String[THREADS];

    private ThreadIdentity() {
    }

    public static void main(String[] args) throws InterruptedException {
        Where.init();
        Thread watcher = new Thread(() -> {
            Where.report("watcher");
            Thread[] ts;
            while ((ts = made) == null) {
                Thread.onSpinWait();
            }
            Thread[] mine = ts.clone(); // the watcher's own references, made before the threads start
            read = true;
            while (!allEnded) {
                Thread.onSpinWait();
            }
            for (int i = 0; i < THREADS; i++) {
                SEEN[i] = mine[i] == ITSELF[i] ? "same" : "another object";
            }
        }, "watcher");
        watcher.start();
        Thread[] ts = new Thread[THREADS];
        for (int i = 0; i < THREADS; i++) {
            int k = i;
            ts[i] = new Thread(() -> {
                Where.report("t" + k);
                ITSELF[k] = Thread.currentThread();
            }, "t" + i);
        }
        made = ts;
        while (!read) {
            Thread.onSpinWait();
        }
        for (Thread t : ts) {
            t.start();
        }
        for (Thread t : ts) {
            t.join();
        }
        allEnded = true;
        watcher.join();

        List<String> failures = new ArrayList<>();
        for (int i = 0; i < THREADS; i++) {
            if (!"same".equals(SEEN[i])) {
                failures.add("thread t" + i + " as it runs is " + SEEN[i] + " than the watcher's reference to it");
            }
        }
        System.out.println("the watcher's references are the threads themselves: " + failures.isEmpty());
        Where.verdict(failures);
    }
}
