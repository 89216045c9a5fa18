package control;

import java.nio.file.Files;
import java.nio.file.Path;

/**
 * A thread that waits on a monitor until another thread notifies it, which that one does once a file appears: a
 * control test moves the waiter while it waits, puts the notifier on a third node, and then creates the file. A
 * third thread watches for the file with a {@code Path} in its frame, which no node can share: it cannot move.
 *
 * Arguments: GO-FILE
 */
public class WaitAndNotify {
    static final Object LOCK = new Object();
    static boolean released;
    static boolean wokenReleased;

    /** Keeps the Path out of the caller's frame. */
    static boolean exists(String file) {
        return Files.exists(Path.of(file));
    }

    public static void main(String[] args) throws InterruptedException {
        String goFile = args[0];
        Thread waiter = new Thread(() -> {
            synchronized (LOCK) {
                try {
                    while (!released) {
                        LOCK.wait();
                    }
                } catch (InterruptedException e) {
                    return;
                }
                wokenReleased = released;
            }
        }, "waiter");
        Thread notifier = new Thread(() -> {
            try {
                while (!exists(goFile)) {
                    Thread.sleep(5);
                }
            } catch (InterruptedException e) {
                return;
            }
            synchronized (LOCK) {
                released = true;
                LOCK.notify();
            }
        }, "notifier");
        Thread keeper = new Thread(() -> {
            Path go = Path.of(goFile);
            try {
                while (!Files.exists(go)) {
                    Thread.sleep(5);
                }
            } catch (InterruptedException e) {
                return;
            }
        }, "keeper");
        waiter.start();
        notifier.start();
        keeper.start();
        waiter.join();
        notifier.join();
        keeper.join();
        System.out.println("the waiter was notified and saw the release: " + wokenReleased);
    }
}
