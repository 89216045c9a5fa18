package litmus;

import java.util.ArrayList;
import java.util.List;

/**
 * An array written by a hot method keeps every write once it is shared. Main fills a local array
 * many thousand times with the same method, so that the JIT compiles it while the array is not
 * shared; then it publishes the array under a lock, waits until a reader on another node has
 * read it, fills it again with that method and releases the lock. The reader, once it holds the
 * lock again, must see the second fill in every element.
 */
public final class HotArrayWriter {

    static final int LENGTH = 4096;
    static final int WARM_ROUNDS = 20_000;
    static final int SECOND_FILL = -1;

    static final Object LOCK = new Object();
    /** Guarded by LOCK: 1 published, 2 first read done, 3 second fill released. */
    static int phase;
    static int[] published;
    /** Guarded by LOCK: how many elements the reader found as each fill left them (fields, not an array). */
    static int firstMatches;
    static int secondMatches;
    static final List<String> failures = new ArrayList<>();

    private HotArrayWriter() {
    }

    static void fill(int[] a, int base) {
        for (int i = 0; i < a.length; i++) {
            a[i] = base + i;
        }
    }

    static int matching(int[] a, int base) {
        int n = 0;
        for (int i = 0; i < a.length; i++) {
            if (a[i] == base + i) {
                n++;
            }
        }
        return n;
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
        for (int r = 0; r < WARM_ROUNDS; r++) {
            fill(array, r);
        }
        int firstFill = WARM_ROUNDS - 1;
        Thread reader = new Thread(() -> {
            Where.report("reader");
            try {
                synchronized (LOCK) {
                    awaitPhase(1);
                    firstMatches = matching(published, firstFill);
                    setPhase(2);
                    awaitPhase(3);
                    secondMatches = matching(published, SECOND_FILL);
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }, "reader");
        reader.start();
        synchronized (LOCK) {
            published = array;
            setPhase(1);
            awaitPhase(2);
            fill(array, SECOND_FILL);
            setPhase(3);
        }
        reader.join();
        System.out.println("first fill: the reader saw " + firstMatches + " of " + LENGTH + " elements");
        System.out.println("second fill: the reader saw " + secondMatches + " of " + LENGTH + " elements");
        if (firstMatches != LENGTH) {
            failures.add("the reader saw " + firstMatches + " elements of the first fill, expected " + LENGTH);
        }
        if (secondMatches != LENGTH) {
            failures.add("the reader saw " + secondMatches + " elements of the second fill, expected " + LENGTH);
        }
        Where.verdict(failures);
    }
}
