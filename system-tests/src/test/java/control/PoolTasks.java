package control;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;

/**
 * A fixed pool of two workers, started before it has tasks: a control test moves them while they wait for one, then
 * again while each runs a task that waits, inside the program's code, for the main thread to release it. Main goes
 * from one phase to the next once a file appears, and says, by a file of its own, when both tasks have started.
 *
 * Arguments: GO-FILE TASKS-STARTED-FILE RELEASE-FILE
 */
public class PoolTasks {
    static final CountDownLatch STARTED = new CountDownLatch(2);
    static final CountDownLatch RELEASE = new CountDownLatch(1);

    /** Keeps the Path out of the caller's frame. */
    static boolean exists(String file) {
        return Files.exists(Path.of(file));
    }

    static void awaitFile(String file) throws InterruptedException {
        while (!exists(file)) {
            Thread.sleep(5);
        }
    }

    static long task(int n) throws InterruptedException {
        STARTED.countDown();
        RELEASE.await();
        long sum = 0;
        for (int i = 1; i <= n; i++) {
            sum += (long) i * i;
        }
        return sum + Thread.currentThread().getName().length();
    }

    public static void main(String[] args) throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(2);
        ((ThreadPoolExecutor) pool).prestartAllCoreThreads();
        awaitFile(args[0]);
        List<Future<Long>> results = new ArrayList<>();
        for (int n : new int[] {1000, 2000}) {
            results.add(pool.submit(() -> task(n)));
        }
        STARTED.await();
        Files.createFile(Path.of(args[1]));
        awaitFile(args[2]);
        RELEASE.countDown();
        long total = 0;
        for (Future<Long> f : results) {
            total += f.get();
        }
        pool.shutdown();
        boolean ended = pool.awaitTermination(60, TimeUnit.SECONDS);
        System.out.println("total " + total + ", tasks " + ((ThreadPoolExecutor) pool).getCompletedTaskCount()
                + ", pool ended " + ended);
    }
}
