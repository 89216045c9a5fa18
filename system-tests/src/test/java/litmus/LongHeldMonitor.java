package litmus;

/**
 * Main holds a monitor for a while after a thread, elsewhere on a cluster, has begun to wait for it. The waiter
 * must enter only after main has left. On a cluster, a wait longer than {@code -Dssi.lockWaitReportMs} has the
 * runtime report the lock's state on every node, which the system test checks.
 */
public final class LongHeldMonitor {

    static final Object LOCK = new Object();
    /** Set by the waiter just before it tries to enter. */
    static volatile boolean trying;
    /** Set by main just before it leaves the monitor; read by the waiter inside it. */
    static boolean left;

    private LongHeldMonitor() {
    }

    public static void main(String[] args) throws InterruptedException {
        Where.init();
        long holdMillis = args.length > 0 ? Long.parseLong(args[0]) : 1500;
        final boolean[] sawLeft = new boolean[1];
        Thread waiter = new Thread(() -> {
            Where.report("waiter");
            trying = true;
            synchronized (LOCK) {
                sawLeft[0] = left;
            }
        }, "waiter");
        synchronized (LOCK) {
            waiter.start();
            while (!trying) {
                Thread.sleep(5);
            }
            Thread.sleep(holdMillis);
            left = true;
        }
        waiter.join();
        System.out.println("the waiter entered after main had left: " + sawLeft[0]);
    }
}
