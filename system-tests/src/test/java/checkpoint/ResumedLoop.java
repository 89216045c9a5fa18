package checkpoint;

/**
 * A thread that computes in steps and takes a monitor (and could wait in it) between them: a checkpoint captures it
 * at its loop's header, outside the monitor, and it goes on in the method's resume twin. For the test that the twin
 * runs compiled code (HotSpot compiles no method that enters a monitor again in the middle of its block).
 * <p>
 * {@code java checkpoint.ResumedLoop STEPS WORK}
 */
public final class ResumedLoop {

    private final Object lock = new Object();
    private int turn;

    void run(int steps, int work) throws InterruptedException {
        long x = 1;
        for (int s = 0; s < steps; s++) {
            synchronized (lock) {
                while (turn != 0) {
                    lock.wait();
                }
            }
            for (int i = 0; i < work; i++) {
                x = x * 6364136223846793005L + 1442695040888963407L;
            }
            synchronized (lock) {
                turn = 0;
                lock.notifyAll();
            }
        }
        System.out.println("result " + Long.toHexString(x));
    }

    public static void main(String[] args) throws Exception {
        int steps = Integer.parseInt(args[0]);
        int work = Integer.parseInt(args[1]);
        ResumedLoop r = new ResumedLoop();
        Thread t = new Thread(() -> {
            try {
                r.run(steps, work);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        });
        t.start();
        t.join();
    }
}
