package jdkshared;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Future;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;

/**
 * Thread pools: the pools of java.util.concurrent.Executors and a ThreadPoolExecutor built by
 * hand run Callables and Runnables whose results come back through Future.get, invokeAll and
 * CompletableFuture; a single-thread executor must run its tasks one at a time in submission
 * order; every pool must shut down and terminate.
 */
public final class Executors {

    static final int TASKS = 10;

    private Executors() {
    }

    static long fib(int n) {
        long a = 0;
        long b = 1;
        for (int i = 0; i < n; i++) {
            long c = a + b;
            a = b;
            b = c;
        }
        return a;
    }

    public static void main(String[] args) throws InterruptedException, ExecutionException {
        Where.init();
        List<String> failures = new ArrayList<>();

        // Fixed pool: submit Callables, collect with Future.get in submission order.
        ExecutorService fixed = java.util.concurrent.Executors.newFixedThreadPool(3);
        List<Future<Long>> squares = new ArrayList<>();
        for (int i = 0; i < TASKS; i++) {
            final int n = i;
            squares.add(fixed.submit(() -> {
                Where.report("fixed pool task " + n);
                return (long) n * n;
            }));
        }
        List<Long> gotSquares = new ArrayList<>();
        for (Future<Long> f : squares) {
            gotSquares.add(f.get());
        }
        List<Long> wantSquares = new ArrayList<>();
        for (int i = 0; i < TASKS; i++) {
            wantSquares.add((long) i * i);
        }
        System.out.println("newFixedThreadPool: " + gotSquares);
        Where.check(failures, "fixed pool results", gotSquares, wantSquares);

        // Cached pool: invokeAll returns futures in the order of the tasks.
        ExecutorService cached = java.util.concurrent.Executors.newCachedThreadPool();
        List<Callable<String>> calls = new ArrayList<>();
        for (int i = 0; i < TASKS; i++) {
            final int n = i;
            calls.add(() -> {
                Where.report("cached pool task " + n);
                return "fib(" + (n + 20) + ")=" + fib(n + 20);
            });
        }
        List<String> gotFibs = new ArrayList<>();
        for (Future<String> f : cached.invokeAll(calls)) {
            gotFibs.add(f.get());
        }
        List<String> wantFibs = new ArrayList<>();
        for (int i = 0; i < TASKS; i++) {
            wantFibs.add("fib(" + (i + 20) + ")=" + fib(i + 20));
        }
        System.out.println("newCachedThreadPool invokeAll: " + gotFibs);
        Where.check(failures, "invokeAll results", gotFibs, wantFibs);

        // Single thread: tasks append to a plain list, which is safe because they run one at a time.
        ExecutorService single = java.util.concurrent.Executors.newSingleThreadExecutor();
        List<Integer> order = new ArrayList<>();
        List<Future<?>> appended = new ArrayList<>();
        for (int i = 0; i < TASKS; i++) {
            final int n = i;
            appended.add(single.submit(() -> {
                Where.report("single thread task " + n);
                order.add(n);
            }));
        }
        for (Future<?> f : appended) {
            f.get();
        }
        List<Integer> wantOrder = new ArrayList<>();
        for (int i = 0; i < TASKS; i++) {
            wantOrder.add(i);
        }
        System.out.println("newSingleThreadExecutor order: " + order);
        Where.check(failures, "single thread executor order", order, wantOrder);

        // A ThreadPoolExecutor built by hand, also as CompletableFuture's executor.
        ThreadPoolExecutor pool = new ThreadPoolExecutor(2, 2, 0L, TimeUnit.MILLISECONDS,
                new LinkedBlockingQueue<>());
        List<Future<Integer>> lengths = new ArrayList<>();
        for (int i = 0; i < TASKS; i++) {
            final String word = "word" + "x".repeat(i);
            lengths.add(pool.submit(() -> {
                Where.report("hand-built pool task " + word);
                return word.length();
            }));
        }
        int lengthSum = 0;
        for (Future<Integer> f : lengths) {
            lengthSum += f.get();
        }
        String answer = CompletableFuture.supplyAsync(() -> {
            Where.report("supplyAsync");
            return 6 * 7;
        }, pool).thenApply(v -> "answer=" + v).join();
        String combined = CompletableFuture.supplyAsync(() -> {
            Where.report("supplyAsync left");
            return fib(30);
        }, fixed).thenCombine(CompletableFuture.supplyAsync(() -> {
            Where.report("supplyAsync right");
            return fib(31);
        }, cached), (a, b) -> a + "+" + b + "=" + (a + b)).join();
        System.out.println("ThreadPoolExecutor: length sum=" + lengthSum);
        System.out.println("CompletableFuture: " + answer + ", " + combined);
        Where.check(failures, "hand-built pool results", lengthSum, TASKS * 4 + TASKS * (TASKS - 1) / 2);
        Where.check(failures, "supplyAsync.thenApply", answer, "answer=42");
        Where.check(failures, "thenCombine", combined, fib(30) + "+" + fib(31) + "=" + fib(32));

        // Shut everything down.
        List<String> terminated = new ArrayList<>();
        for (ExecutorService e : List.of(fixed, cached, single, pool)) {
            e.shutdown();
            terminated.add(String.valueOf(e.awaitTermination(30, TimeUnit.SECONDS) && e.isTerminated()));
        }
        System.out.println("terminated: " + terminated + ", hand-built pool completed " + pool.getCompletedTaskCount()
                + " tasks");
        Where.check(failures, "pools terminated", terminated, List.of("true", "true", "true", "true"));
        Where.check(failures, "hand-built pool completed tasks", pool.getCompletedTaskCount(), (long) TASKS + 1);
        Where.verdict(failures);
    }
}
