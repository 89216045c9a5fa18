package checkpoint;

import java.util.List;

/**
 * A thread that runs the program's code inside JDK code ({@code List.forEach} calls it) for as long as the main
 * thread sleeps: it cannot be captured until forEach returns, so checkpoints asked for meanwhile cannot be taken.
 *
 * Arguments: MILLISECONDS
 */
public class PinnedInJdkCode {
    static volatile boolean stop;
    static int rounds;

    static void waitForStop() {
        try {
            while (!stop) {
                Thread.sleep(2);
                rounds++;
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    public static void main(String[] args) throws InterruptedException {
        Thread pinned = new Thread(() -> List.of(1).forEach(x -> waitForStop()), "pinned-in-forEach");
        pinned.start();
        Thread.sleep(Long.parseLong(args[0]));
        stop = true;
        pinned.join();
        System.out.println("stopped after some rounds: " + (rounds > 0));
    }
}
