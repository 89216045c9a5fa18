package litmus;

import java.util.ArrayList;
import java.util.List;

/**
 * Writes that a call-free loop makes to a shared array long after it started still reach a reader
 * on another node. The agent checks such a loop's array once, in front of the loop, and the node
 * keeps comparing the array at its releases while the loop may be writing it, although flushes on
 * the node (every few milliseconds) re-arm its write trap in the meantime. Main publishes an array
 * of several chunks under a lock, waits until a reader on another node has read it, then runs one
 * loop that writes the first element, computes for a while (longer than the node goes on comparing
 * an array that looks quiet), and writes the rest; then it releases the lock. The reader, once it
 * holds the lock again, must see every element of the fill.
 */
public final class HeldArrayWriter {

    static final int LENGTH = 4 * 4096;
    static final int BASE = 1000;
    static final long SPIN = 300_000_000L;

    static final Object LOCK = new Object();
    /** Guarded by LOCK: 1 published, 2 read before the fill, 3 filled and released. */
    static int phase;
    static int[] published;
    /** Guarded by LOCK: how many elements the reader found as the fill left them. */
    static int matches;
    static final List<String> failures = new ArrayList<>();

    private HeldArrayWriter() {
    }

    /** One loop, no calls: the first element, a long computation, then the other elements. */
    static long fill(int[] a, int base, long spin) {
        long x = 0;
        for (int i = 0; i < a.length; i++) {
            a[i] = base + i;
            if (i == 0) {
                for (long k = 0; k < spin; k++) {
                    x += k ^ (x >>> 3);
                }
            }
        }
        return x;
    }

    static void awaitPhase(int wanted) throws InterruptedException {
        while (phase != wanted) {
            LOCK.wait();
        }
    }

    static void setPhase(int next) {
        phase = next;
        LOCK.notifyAll();
    }

    public static void main(String[] args) throws InterruptedException {
        Where.init();
        int[] array = new int[LENGTH];
        Thread reader = new Thread(() -> {
            Where.report("reader");
            try {
                synchronized (LOCK) {
                    awaitPhase(1);
                    int zeros = 0;
                    for (int v : published) {
                        zeros += v == 0 ? 1 : 0;
                    }
                    if (zeros != LENGTH) {
                        failures.add("the reader saw " + zeros + " zeros before the fill, expected " + LENGTH);
                    }
                    setPhase(2);
                    awaitPhase(3);
                    for (int i = 0; i < LENGTH; i++) {
                        matches += published[i] == BASE + i ? 1 : 0;
                    }
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }, "reader");
        reader.start();
        long x;
        synchronized (LOCK) {
            published = array;
            setPhase(1);
            awaitPhase(2);
            x = fill(array, BASE, SPIN);
            setPhase(3);
        }
        reader.join();
        System.out.println("the loop computed " + x);
        System.out.println("the reader saw " + matches + " of " + LENGTH + " elements of the fill");
        if (matches != LENGTH) {
            failures.add("the reader saw " + matches + " elements of the fill, expected " + LENGTH);
        }
        Where.verdict(failures);
    }
}
