package litmus;

import java.util.ArrayList;
import java.util.List;

/**
 * System.identityHashCode (and the default Object.hashCode) of a shared object is the same on
 * every node: for objects main hashed before the threads started, for objects first hashed by a
 * thread on another node, for objects a thread made and main hashes after join, for an array and
 * for a plain {@code java.lang.Object}.
 */
public final class IdentityHash {

    static final int THREADS = 3;

    static final class Thing {
        int value;
    }

    static final class Seen {
        int hashedByMain;
        int unhashedByMain;
        int defaultHashCode;
        int array;
        int plain;
        Object made;
        int madeHash;
    }

    private IdentityHash() {
    }

    public static void main(String[] args) throws InterruptedException {
        Where.init();
        Thing hashedFirstByMain = new Thing();
        Thing hashedFirstByThread = new Thing();
        int[] array = new int[8];
        Object plain = new Object();
        int hPlain = System.identityHashCode(plain);
        int h1 = System.identityHashCode(hashedFirstByMain);
        int hArray = System.identityHashCode(array);

        Seen[] seen = new Seen[THREADS];
        Thread[] threads = new Thread[THREADS];
        for (int i = 0; i < THREADS; i++) {
            final Seen s = new Seen();
            seen[i] = s;
            final int t = i;
            threads[i] = new Thread(() -> {
                Where.report("hasher " + t);
                s.hashedByMain = System.identityHashCode(hashedFirstByMain);
                s.unhashedByMain = System.identityHashCode(hashedFirstByThread);
                s.defaultHashCode = hashedFirstByMain.hashCode();
                s.array = System.identityHashCode(array);
                s.plain = System.identityHashCode(plain);
                Thing mine = new Thing();
                mine.value = t;
                s.madeHash = System.identityHashCode(mine);
                s.made = mine;
            }, "hasher-" + i);
        }
        for (Thread t : threads) {
            t.start();
            t.join(); // one after the other, so the first one hashes hashedFirstByThread first
        }
        int h2 = System.identityHashCode(hashedFirstByThread);
        List<String> failures = new ArrayList<>();
        if (System.identityHashCode(hashedFirstByMain) != h1) {
            failures.add("identity hash of an object changed on main's node: " + h1 + " then "
                    + System.identityHashCode(hashedFirstByMain));
        }
        for (int i = 0; i < THREADS; i++) {
            Seen s = seen[i];
            if (s.hashedByMain != h1) {
                failures.add("thread " + i + ": identityHashCode of an object main hashed first = " + s.hashedByMain
                        + ", main's = " + h1);
            }
            if (s.defaultHashCode != h1) {
                failures.add("thread " + i + ": Object.hashCode() = " + s.defaultHashCode + ", main's identity hash = "
                        + h1);
            }
            if (s.unhashedByMain != h2) {
                failures.add("thread " + i + ": identityHashCode of an object a thread hashed first = "
                        + s.unhashedByMain + ", main's after join = " + h2);
            }
            if (s.array != hArray) {
                failures.add("thread " + i + ": identityHashCode of an array = " + s.array + ", main's = " + hArray);
            }
            if (s.plain != hPlain) {
                failures.add("thread " + i + ": identityHashCode of a plain java.lang.Object = " + s.plain + ", main's = "
                        + hPlain);
            }
            int mainSees = System.identityHashCode(s.made);
            if (s.made == null || mainSees != s.madeHash || s.made.hashCode() != s.madeHash) {
                failures.add("thread " + i + ": identityHashCode of an object it made = " + s.madeHash
                        + ", main sees " + mainSees);
            }
        }
        System.out.println("identity hashes checked for " + THREADS + " threads");
        Where.verdict(failures);
    }
}
