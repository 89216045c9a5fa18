package migration;

import java.util.HashSet;
import java.util.Set;

/**
 * Threads made on two nodes: main makes half of them where it starts, and (under a migration test, which keeps
 * moving it) each of the rest once it runs in another process. As in one JVM, every thread must have an id of its own, and see that id
 * from inside too.
 *
 * Arguments: [perSide=30]
 */
public class ThreadIds {
    public static void main(String[] args) throws InterruptedException {
        int perSide = args.length > 0 ? Integer.parseInt(args[0]) : 30;
        long startPid = ProcessHandle.current().pid();
        Thread[] ts = new Thread[2 * perSide];
        long[] seen = new long[ts.length];
        int elsewhere = 0;
        boolean moves = true;
        for (int i = 0; i < ts.length; i++) {
            if (i >= perSide && moves) {
                moves = awaitAnotherProcess(startPid);
                elsewhere += moves ? 1 : 0;
            }
            int k = i;
            ts[i] = new Thread(() -> seen[k] = Thread.currentThread().getId(), "t" + i);
        }
        if (elsewhere == perSide) {
            System.err.println("made threads in two processes");
        }
        Set<Long> ids = new HashSet<>();
        for (Thread t : ts) {
            ids.add(t.getId());
            t.start();
        }
        int differ = 0;
        for (int i = 0; i < ts.length; i++) {
            ts[i].join();
            if (seen[i] != ts[i].getId()) {
                differ++;
            }
        }
        System.out.println("threads " + ts.length + ", distinct ids " + ids.size() + ", ids seen inside that differ " +
                differ);
    }

    /** @return whether main runs in another process than it started in; bounded: plain java never gets there. */
    static boolean awaitAnotherProcess(long startPid) throws InterruptedException {
        long sum = 0;
        for (int r = 0; r < 3000 && ProcessHandle.current().pid() == startPid; r++) {
            sum = MainMoves.step(sum, r);
            Thread.sleep(1);
        }
        return ProcessHandle.current().pid() != startPid;
    }
}
