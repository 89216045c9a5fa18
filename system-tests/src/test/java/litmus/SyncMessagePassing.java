package litmus;

import java.util.ArrayList;
import java.util.List;

/**
 * Message passing through synchronized: a writer sets data, then a flag, under a lock; a reader
 * takes the lock in a loop until it sees the flag, then reads the data (still under the lock,
 * and once more after releasing it). Everything the writer wrote before its unlock must be seen.
 * Several rounds, each with fresh objects and fresh threads.
 */
public final class SyncMessagePassing {

    static final int ROUNDS = 3;

    static final class Payload {
        int number;
        long big;
        String text;
        int[] values;
        Payload next;
    }

    static final class Channel {
        final Object lock = new Object();
        boolean ready;
        Payload payload;
        String seenUnderLock;
        String seenAfterUnlock;
    }

    private SyncMessagePassing() {
    }

    static String describe(Payload p) {
        if (p == null) {
            return "null payload";
        }
        StringBuilder sb = new StringBuilder();
        sb.append("number=").append(p.number).append(" big=").append(p.big).append(" text=").append(p.text);
        sb.append(" values=");
        if (p.values == null) {
            sb.append("null");
        } else {
            for (int v : p.values) {
                sb.append(v).append(',');
            }
        }
        sb.append(" next=").append(p.next == null ? "null" : Integer.toString(p.next.number));
        return sb.toString();
    }

    static String expected(int round) {
        Payload p = make(round);
        return describe(p);
    }

    static Payload make(int round) {
        Payload p = new Payload();
        p.number = 1000 + round;
        p.big = 1L << (40 + round);
        p.text = "round-" + round;
        p.values = new int[] {round, round * 2, round * 3, 7};
        p.next = new Payload();
        p.next.number = 2000 + round;
        return p;
    }

    public static void main(String[] args) throws InterruptedException {
        Where.init();
        List<String> failures = new ArrayList<>();
        for (int round = 0; round < ROUNDS; round++) {
            final int r = round;
            Channel ch = new Channel();
            Thread reader = new Thread(() -> {
                Where.report("reader " + r);
                while (true) {
                    synchronized (ch.lock) {
                        if (ch.ready) {
                            ch.seenUnderLock = describe(ch.payload);
                            break;
                        }
                    }
                    Thread.yield();
                }
                ch.seenAfterUnlock = describe(ch.payload);
                if (!expected(r).equals(ch.seenUnderLock)) {
                    System.out.println("reader " + r + " saw stale data: " + ch.seenUnderLock);
                }
            }, "reader-" + r);
            Thread writer = new Thread(() -> {
                Where.report("writer " + r);
                Payload p = make(r);
                synchronized (ch.lock) {
                    ch.payload = p;
                    ch.ready = true;
                }
            }, "writer-" + r);
            reader.start();
            writer.start();
            writer.join();
            reader.join();
            String want = expected(r);
            if (!want.equals(ch.seenUnderLock)) {
                failures.add("round " + r + ": reader under lock saw [" + ch.seenUnderLock + "], expected [" + want + "]");
            }
            if (!want.equals(ch.seenAfterUnlock)) {
                failures.add("round " + r + ": reader after unlock saw [" + ch.seenAfterUnlock + "], expected [" + want
                        + "]");
            }
        }
        Where.verdict(failures);
    }
}
