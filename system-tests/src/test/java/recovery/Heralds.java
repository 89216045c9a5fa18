package recovery;

/**
 * Threads take turns, in a fixed order, to compute a step on their own and print it: output that every node
 * prints to, for the fencing test (a node stopped mid-step and declared lost must not print once it comes back;
 * the restored job prints that step itself). Deterministic: each thread prints only while it holds the turn.
 * <p>
 * {@code java recovery.Heralds [threads=3] [steps=40] [work=20000000]}
 */
public final class Heralds {

    private final Object lock = new Object();
    private int turn;

    private void run(int id, int threads, int steps, int work) throws InterruptedException {
        long x = id;
        for (int s = 0; s < steps; s++) {
            synchronized (lock) {
                while (turn != id) {
                    lock.wait();
                }
            }
            for (int i = 0; i < work; i++) {
                x = x * 6364136223846793005L + 1442695040888963407L;
            }
            System.out.println("thread " + id + " step " + s + ": " + Long.toHexString(x));
            synchronized (lock) {
                turn = (id + 1) % threads;
                lock.notifyAll();
            }
        }
    }

    public static void main(String[] args) throws InterruptedException {
        int threads = args.length > 0 ? Integer.parseInt(args[0]) : 3;
        int steps = args.length > 1 ? Integer.parseInt(args[1]) : 40;
        int work = args.length > 2 ? Integer.parseInt(args[2]) : 20_000_000;
        Heralds h = new Heralds();
        Thread[] ts = new Thread[threads];
        for (int t = 0; t < threads; t++) {
            int id = t;
            ts[t] = new Thread(() -> {
                try {
                    h.run(id, threads, steps, work);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }, "herald-" + t);
            ts[t].start();
        }
        for (Thread t : ts) {
            t.join();
        }
        System.out.println("done");
    }
}
