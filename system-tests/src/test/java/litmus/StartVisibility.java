package litmus;

import java.util.ArrayList;
import java.util.List;

/**
 * Visibility through Thread.start: main writes fields of an object (and of objects it points
 * to), then starts threads that read them. Everything main wrote before start() must be seen.
 */
public final class StartVisibility {

    static final int THREADS = 3;

    static final class Node {
        int id;
        String name;
        double weight;
        Node child;
        long[] history;
    }

    private StartVisibility() {
    }

    static String describe(Node n) {
        if (n == null) {
            return "null";
        }
        return "id=" + n.id + " name=" + n.name + " weight=" + n.weight + " history="
                + (n.history == null ? "null" : n.history.length + "/" + n.history[n.history.length - 1])
                + " child=(" + describe(n.child) + ")";
    }

    public static void main(String[] args) throws InterruptedException {
        Where.init();
        Node root = new Node();
        root.id = 7;
        root.name = "root";
        root.weight = 2.5;
        root.history = new long[] {1, 2, 3, 1L << 50};
        root.child = new Node();
        root.child.id = 8;
        root.child.name = "child";
        root.child.weight = -0.125;
        root.child.history = new long[] {9};

        String[] seen = new String[THREADS];
        Thread[] threads = new Thread[THREADS];
        for (int i = 0; i < THREADS; i++) {
            final int t = i;
            // Written after the previous thread started, before this one starts: must be seen too.
            root.child.id = 8 + i;
            final String wantNow = describe(root);
            threads[i] = new Thread(() -> {
                Where.report("reader " + t);
                seen[t] = describe(root);
                if (!wantNow.equals(seen[t])) {
                    System.out.println("reader " + t + " saw stale data: " + seen[t]);
                }
            }, "reader-" + i);
            threads[i].start();
            threads[i].join();
            if (!wantNow.equals(seen[t])) {
                seen[t] = "MISMATCH " + seen[t] + " expected " + wantNow;
            }
        }
        List<String> failures = new ArrayList<>();
        for (int i = 0; i < THREADS; i++) {
            if (seen[i] == null || seen[i].startsWith("MISMATCH")) {
                failures.add("reader " + i + ": " + seen[i]);
            }
        }
        Where.verdict(failures);
    }
}
