package litmus;

import java.util.ArrayList;
import java.util.List;

/**
 * A plain (non-volatile) flag set by one thread and spun on by another with Thread.yield().
 * There is no happens-before edge, but the spinning thread must see the write eventually:
 * the program must terminate.
 */
public final class PlainFlagYield {

    static final class Flag {
        boolean set;
        long spins;
    }

    private PlainFlagYield() {
    }

    public static void main(String[] args) throws InterruptedException {
        Where.init();
        Flag flag = new Flag();
        Thread spinner = new Thread(() -> {
            Where.report("spinner");
            long n = 0;
            while (!flag.set) {
                n++;
                Thread.yield();
            }
            flag.spins = n;
        }, "spinner");
        Thread setter = new Thread(() -> {
            Where.report("setter");
            try {
                Thread.sleep(100);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            flag.set = true;
        }, "setter");
        spinner.start();
        setter.start();
        setter.join();
        spinner.join();
        List<String> failures = new ArrayList<>();
        if (!flag.set) {
            failures.add("main does not see the flag after joining both threads");
        }
        System.out.println("spinner saw the flag");
        Where.verdict(failures);
    }
}
