package io.ssijava.agent.boot;

/** Calls {@link NodeSpawner#watchParent()}, prints the result, then sleeps (or returns if not watching). */
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
            Thread.sleep(60_000);
            System.out.println("still alive");
        }
    }
}
