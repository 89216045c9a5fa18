package control;

import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Workers that idle until main sees a file appear, then compute: a control test moves them while they idle and
 * creates the file when it is done. Each checks it is still itself after the work.
 *
 * Arguments: THREADS GO-FILE
 */
public class Steerable {
    static volatile boolean go;

    static long work(int seed, int n) {
        long acc = seed;
        for (int i = 0; i < n; i++) {
            acc = acc * 31 + (i ^ (acc >>> 7)) % 1_000_003;
        }
        return acc;
    }

    static boolean exists(String file) {
        return Files.exists(Path.of(file));
    }

    public static void main(String[] args) throws Exception {
        int n = Integer.parseInt(args[0]);
        String goFile = args[1]; // a Path in main's frame would keep main from moving
        long[] out = new long[n];
        boolean[] same = new boolean[n];
        Thread[] ts = new Thread[n];
        for (int t = 0; t < n; t++) {
            final int id = t;
            ts[t] = new Thread(() -> {
                Thread self = Thread.currentThread();
                long tid = self.getId();
                try {
                    while (!go) {
                        Thread.sleep(2);
                    }
                } catch (InterruptedException e) {
                    return;
                }
                out[id] = work(id, 2_000_000);
                same[id] = Thread.currentThread() == self && self.getName().equals("worker-" + id)
                        && Thread.currentThread().getId() == tid;
            }, "worker-" + t);
            ts[t].start();
        }
        while (!exists(goFile)) {
            Thread.sleep(5);
        }
        go = true;
        for (Thread t : ts) {
            t.join();
        }
        for (int t = 0; t < n; t++) {
            System.out.println("worker-" + t + " = " + out[t] + (same[t] ? ", still itself" : ", NOT ITSELF"));
        }
    }
}
