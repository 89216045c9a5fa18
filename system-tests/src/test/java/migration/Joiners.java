package migration;

/**
 * A thread that waits in {@code join()} for another (a subclass of Thread, sleeping about 2 s): a migration test
 * moves both while they wait, and the joiner must still return from the join when the other thread ends, and see its
 * result.
 *
 * Arguments: [millis=2000]
 */
public class Joiners {
    static final class Slow extends Thread {
        final long millis;
        long result;

        Slow(long millis) {
            super("slow");
            this.millis = millis;
        }

        @Override
        public void run() {
            long r = 1;
            for (int i = 0; i < 20; i++) {
                try {
                    Thread.sleep(millis / 20);
                } catch (InterruptedException e) {
                    return;
                }
                r = r * 31 + i;
            }
            result = r;
        }
    }

    public static void main(String[] args) throws InterruptedException {
        long millis = args.length > 0 ? Long.parseLong(args[0]) : 2000;
        Slow slow = new Slow(millis);
        slow.start();
        long[] seen = new long[1];
        boolean[] ended = new boolean[1];
        Thread joiner = new Thread(() -> {
            try {
                slow.join();
            } catch (InterruptedException e) {
                return;
            }
            ended[0] = !slow.isAlive();
            seen[0] = slow.result;
        }, "joiner");
        joiner.start();
        joiner.join();
        System.out.println("joiner saw the slow thread end: " + ended[0] + ", its result " + seen[0]);
    }
}
