package migration;

/**
 * The main thread does the work itself: a migration test moves it while it computes. It notes on stderr when it
 * runs in another process than the one it started in. A worker thread object made first is started at the end,
 * from another process if main gets there (the object itself stays where it was made). With "throw" main stops as
 * soon as it runs elsewhere (or after all rounds) and ends by an exception there.
 *
 * Arguments: ROUNDS [throw]
 */
public class MainMoves {
    static long startPid;

    public static void main(String[] args) throws InterruptedException {
        int rounds = Integer.parseInt(args[0]);
        boolean fail = args.length > 1 && args[1].equals("throw");
        startPid = ProcessHandle.current().pid();
        long[] late = new long[1];
        Thread worker = new Thread(() -> late[0] = step(7, 7), "late-worker");
        long sum = 0;
        boolean elsewhere = false;
        for (int r = 0; r < rounds; r++) {
            sum = step(sum, r);
            if (!elsewhere && ProcessHandle.current().pid() != startPid) {
                elsewhere = true;
                System.err.println("main ran in another process");
            }
            if (fail && elsewhere) {
                break; // no safe point from here to the throw: it happens in this process
            }
            if (r % 50 == 0) {
                Thread.sleep(1);
            }
        }
        System.out.println("sum " + sum);
        if (fail) {
            throw new IllegalStateException("main failed");
        }
        // bounded: under plain java main never gets elsewhere
        for (int r = 0; r < 2000 && ProcessHandle.current().pid() == startPid; r++) {
            Thread.sleep(1);
        }
        worker.start();
        worker.join();
        System.out.println("late worker " + late[0] + ", alive after join: " + worker.isAlive());
    }

    static long step(long sum, int r) {
        for (int i = 0; i < 1000; i++) {
            sum = sum * 31 + (i ^ r);
        }
        return sum;
    }
}
