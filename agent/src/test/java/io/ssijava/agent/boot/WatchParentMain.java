package io.ssijava.agent.boot;

import java.util.Map;

/**
 * Calls {@link NodeSpawner#watchParent()}, prints the result and what the watching thread does
 * ({@code watcher=sleeping} between its looks at the parent, {@code watcher=reading} stdin),
 * then sleeps (or returns if not watching).
 */
public final class WatchParentMain {

    private WatchParentMain() {
    }

    /**
     * Entry point.
     *
     * @param args ignored
     * @throws InterruptedException never in practice
     */
    public static void main(String[] args) throws InterruptedException {
        boolean watching = NodeSpawner.watchParent();
        System.out.println("watching=" + watching);
        System.out.flush();
        if (watching) {
            System.out.println("watcher=" + watcher());
            System.out.flush();
            Thread.sleep(60_000);
            System.out.println("still alive");
        }
    }

    /** Waits until the watching thread sleeps or blocks in a read, and says which. */
    private static String watcher() throws InterruptedException {
        while (true) {
            for (Map.Entry<Thread, StackTraceElement[]> t : Thread.getAllStackTraces().entrySet()) {
                StackTraceElement[] stack = t.getValue();
                if (!t.getKey().getName().equals("ssi-parent-watch") || stack.length == 0) {
                    continue;
                }
                if (t.getKey().getState() == Thread.State.TIMED_WAITING) {
                    return "sleeping";
                }
                if (stack[0].getClassName().equals("java.io.FileInputStream")) {
                    return "reading";
                }
            }
            Thread.sleep(10);
        }
    }
}
