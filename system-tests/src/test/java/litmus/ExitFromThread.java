package litmus;

/**
 * System.exit(3) called in a thread (on another node) ends the whole program with status 3,
 * while main is blocked in join and another non-daemon thread sleeps.
 */
public final class ExitFromThread {

    private ExitFromThread() {
    }

    public static void main(String[] args) throws InterruptedException {
        Where.init();
        Thread exiter = new Thread(() -> {
            Where.report("exiter");
            try {
                Thread.sleep(300);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            System.out.println("calling System.exit(3)");
            System.out.flush();
            System.exit(3);
        }, "exiter");
        Thread sleeper = new Thread(() -> {
            Where.report("sleeper");
            try {
                Thread.sleep(60_000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            System.out.println("FAIL the sleeper outlived System.exit(3)");
        }, "sleeper");
        exiter.start();
        sleeper.start();
        exiter.join();
        Thread.sleep(30_000);
        System.out.println("FAIL main still runs 30 s after System.exit(3)");
        System.exit(1);
    }
}
