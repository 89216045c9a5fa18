package litmus;

import java.util.ArrayList;
import java.util.List;

/**
 * Message passing through a volatile flag: the writer sets plain data fields, then a volatile
 * boolean; the reader spins on the flag with {@link Thread#onSpinWait()} and then reads the
 * plain fields, which must hold what the writer wrote before its volatile write.
 */
public final class VolatileMessagePassing {

    static final int ROUNDS = 3;

    static final class Box {
        int data;
        String text;
        int[] array;
        volatile boolean flag;
        String seen;
    }

    private VolatileMessagePassing() {
    }

    static String describe(Box b) {
        return "data=" + b.data + " text=" + b.text + " array="
                + (b.array == null ? "null" : b.array.length + ":" + b.array[b.array.length - 1]);
    }

    static String expected(int round) {
        Box b = new Box();
        fill(b, round);
        return describe(b);
    }

    static void fill(Box b, int round) {
        b.data = 42 + round;
        b.text = "payload-" + round;
        b.array = new int[10 + round];
        b.array[b.array.length - 1] = 99 + round;
    }

    public static void main(String[] args) throws InterruptedException {
        Where.init();
        List<String> failures = new ArrayList<>();
        for (int round = 0; round < ROUNDS; round++) {
            final int r = round;
            Box box = new Box();
            Thread reader = new Thread(() -> {
                Where.report("reader " + r);
                while (!box.flag) {
                    Thread.onSpinWait();
                }
                box.seen = describe(box);
                if (!expected(r).equals(box.seen)) {
                    System.out.println("reader " + r + " saw stale data: " + box.seen);
                }
            }, "reader-" + r);
            Thread writer = new Thread(() -> {
                Where.report("writer " + r);
                fill(box, r);
                box.flag = true;
            }, "writer-" + r);
            reader.start();
            writer.start();
            writer.join();
            reader.join();
            if (!expected(r).equals(box.seen)) {
                failures.add("round " + r + ": reader saw [" + box.seen + "], expected [" + expected(r) + "]");
            }
        }
        Where.verdict(failures);
    }
}
