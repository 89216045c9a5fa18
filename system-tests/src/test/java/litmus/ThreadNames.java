package litmus;

import java.util.ArrayList;
import java.util.List;

/**
 * Default thread names: threads made without a name are numbered Thread-0, Thread-1, ... in the order the program
 * makes them, whichever thread (and so whichever node) makes them, and whatever constructor or subclass.
 */
public final class ThreadNames {

    static final class Unnamed extends Thread {
        Unnamed() {
        }
    }

    static final String[] MADE_ELSEWHERE = new String[2];

    private ThreadNames() {
    }

    public static void main(String[] args) throws InterruptedException {
        Where.init();
        List<String> names = new ArrayList<>();
        Thread a = new Thread(() -> { });
        Thread b = new Thread(Thread.currentThread().getThreadGroup(), () -> { });
        Thread c = new Unnamed();
        Thread d = new Thread();
        names.add(a.getName());
        names.add(b.getName());
        names.add(c.getName());
        names.add(d.getName());
        // a thread that runs on another node makes two more
        Thread maker = new Thread(() -> {
            Where.report("maker");
            Thread e = new Thread(() -> { });
            Thread f = new Thread(() -> { });
            MADE_ELSEWHERE[0] = e.getName();
            MADE_ELSEWHERE[1] = f.getName();
        }, "maker");
        maker.start();
        maker.join();
        names.add(MADE_ELSEWHERE[0]);
        names.add(MADE_ELSEWHERE[1]);
        Thread g = new Thread(() -> Where.report("g"));
        names.add(g.getName());
        g.start();
        g.join();

        List<String> failures = new ArrayList<>();
        for (int i = 0; i < names.size(); i++) {
            if (!names.get(i).equals("Thread-" + i)) {
                failures.add("thread " + i + " made is named " + names.get(i) + ", expected Thread-" + i);
            }
        }
        System.out.println("names " + names);
        Where.verdict(failures);
    }
}
