package io.ssijava.agent.rewrite.inputs;

import java.util.ArrayList;
import java.util.List;
import java.util.function.IntUnaryOperator;
import java.util.function.LongSupplier;

/** Programs that a continuation test captures at every safe point and resumes; each returns a digest of its run. */
public class Capture
{
    public static Runnable body(final String scenario, final Object[] out)
    {
        return () -> out[0] = run(scenario);
    }

    /**
     * Spins inside JDK code (forEach), saying so through {@code inside}, until {@code go}, then ends with a call: the
     * capture must wait for it.
     */
    public static Runnable pinned(final java.util.concurrent.atomic.AtomicBoolean inside,
        final java.util.concurrent.atomic.AtomicBoolean go, final Object[] out)
    {
        return () ->
        {
            final long[] acc = {0};
            final long[] spins = {0};
            List.of(1, 2, 3).forEach(x ->
            {
                inside.set(true);
                while (!go.get())
                {
                    spins[0] += mix(x, 1) % 2;
                }
                acc[0] += x;
            });
            out[0] = acc[0] + fib(5);
        };
    }

    /** Loops until {@code stop}: a thread that is captured when asked. */
    public static Runnable spinner(final java.util.concurrent.atomic.AtomicBoolean started,
        final java.util.concurrent.atomic.AtomicBoolean stop, final Object[] out)
    {
        return () ->
        {
            long n = 0;
            while (!stop.get())
            {
                n += tick((int)(n & 15));
                started.lazySet(true);
            }
            out[0] = n > 0;
        };
    }

    /** Sleeps once, for {@code millis}, and reports how long the sleep took in all (across a capture too). */
    public static Runnable sleeper(final long millis, final long[] out)
    {
        return () ->
        {
            final long start = System.nanoTime();
            try
            {
                Thread.sleep(millis);
            }
            catch (final InterruptedException ex)
            {
                Thread.currentThread().interrupt();
            }
            out[0] = System.nanoTime() - start;
        };
    }

    /** Waits on {@code lock} until {@code go[0]}, and reports what it saw then; {@code inside} says it got in. */
    public static Runnable waiter(final Object lock, final boolean[] go, final java.util.concurrent.atomic.AtomicBoolean inside,
        final Object[] out)
    {
        return () ->
        {
            synchronized (lock)
            {
                inside.set(true);
                try
                {
                    while (!go[0])
                    {
                        lock.wait();
                    }
                }
                catch (final InterruptedException ex)
                {
                    Thread.currentThread().interrupt();
                }
                out[0] = go[0] && Thread.holdsLock(lock);
            }
        };
    }

    /**
     * Takes two elements from {@code queue} and reports their sum, or that it was interrupted; {@code blocked} says
     * it is about to block.
     */
    public static Runnable taker(final java.util.concurrent.BlockingQueue<Integer> queue,
        final java.util.concurrent.atomic.AtomicBoolean blocked, final Object[] out)
    {
        return () ->
        {
            try
            {
                blocked.set(true);
                final int a = queue.take();
                final int b = queue.take();
                out[0] = a + b;
            }
            catch (final InterruptedException ex)
            {
                out[0] = "interrupted";
            }
        };
    }

    /** A queue class of the program's own: it inherits {@code take} from LinkedBlockingQueue. */
    public static final class JobQueue extends java.util.concurrent.LinkedBlockingQueue<Integer>
    {
        public boolean idle()
        {
            return isEmpty();
        }
    }

    /** As {@link #taker}, with the queue typed as the program's own subclass at the calls. */
    public static Runnable subclassTaker(final JobQueue queue, final java.util.concurrent.atomic.AtomicBoolean blocked,
        final Object[] out)
    {
        return () ->
        {
            try
            {
                blocked.set(true);
                final int a = queue.take();
                final int b = queue.take();
                out[0] = a + b;
            }
            catch (final InterruptedException ex)
            {
                out[0] = "interrupted";
            }
        };
    }

    /**
     * Takes two elements while the program has values of its own on the operand stack under each call (the list the
     * first goes into, a long the second is added to) and reports them; {@code blocked} says it is about to block.
     */
    public static Runnable stackedTaker(final java.util.concurrent.BlockingQueue<Integer> queue,
        final java.util.concurrent.atomic.AtomicBoolean blocked, final Object[] out)
    {
        return () ->
        {
            try
            {
                final java.util.List<Object> got = new java.util.ArrayList<>();
                blocked.set(true);
                got.add(queue.take());
                blocked.set(true);
                final long sum = 100L + queue.take();
                out[0] = got + " " + sum;
            }
            catch (final InterruptedException ex)
            {
                out[0] = "interrupted";
            }
        };
    }

    /**
     * Takes {@code lock} with {@code lock()} and reports whether it held it and was interrupted by then;
     * {@code blocked} says it is about to block.
     */
    public static Runnable locker(final java.util.concurrent.locks.Lock lock,
        final java.util.concurrent.atomic.AtomicBoolean blocked, final Object[] out)
    {
        return () ->
        {
            blocked.set(true);
            lock.lock();
            try
            {
                out[0] = "held " + ((java.util.concurrent.locks.ReentrantLock)lock).isHeldByCurrentThread() +
                    ", interrupted " + Thread.currentThread().isInterrupted();
            }
            finally
            {
                lock.unlock();
            }
        };
    }

    /**
     * Arrives at {@code phaser} and awaits the advance ({@code arriveAndAwaitAdvance}) with values on the stack
     * under the call, and reports the phase it answered and whether the thread was interrupted by then;
     * {@code blocked} says it is about to block.
     */
    public static Runnable phaserArriver(final java.util.concurrent.Phaser phaser,
        final java.util.concurrent.atomic.AtomicBoolean blocked, final Object[] out)
    {
        return () ->
        {
            blocked.set(true);
            // the array and the index wait on the stack under the call
            out[0] = "phase " + phaser.arriveAndAwaitAdvance() + ", interrupted " +
                Thread.currentThread().isInterrupted();
        };
    }

    /** Joins {@code other} and reports whether it had ended by then. */
    public static Runnable joiner(final Thread other, final Object[] out)
    {
        return () ->
        {
            try
            {
                other.join();
            }
            catch (final InterruptedException ex)
            {
                Thread.currentThread().interrupt();
            }
            out[0] = !other.isAlive();
        };
    }

    public static Object run(final String scenario)
    {
        switch (scenario)
        {
            case "loops": return loops(25);
            case "recursion": return fib(16);
            case "deep": return deep(1500);
            case "primitives": return primitives(12, 3.5, 'c', (byte)2, (short)9, true, 1.25f, 7L, "s", null);
            case "stack": return stack(30);
            case "lambdas": return lambdas(30);
            case "tryCatch": return tryCatch(30);
            case "monitors": return monitors(15);
            case "syncMethod": return new Counter(3).syncLoop(20);
            case "constructors": return constructors(20);
            case "virtual": return virtual(30);
            case "jdkCallback": return jdkCallback(20);
            case "iterators": return iterators(12);
            default: throw new IllegalArgumentException(scenario);
        }
    }

    static int tick(final int i)
    {
        return leaf(i) + 1;
    }

    static int leaf(final int i)
    {
        return i * 7 % 13;
    }

    static String loops(final int n)
    {
        long sum = 0;
        double d = 0.5;
        for (int i = 0; i < n; i++)
        {
            for (int j = 0; j < i; j++)
            {
                sum += mix(i, j);
            }
            d = d * 1.01 + tick(i);
        }
        return sum + "/" + d;
    }

    /** A nest of three loops that only compute, as in a matrix product, then a nest whose middle loop calls. */
    public static long nest(final long[][] m)
    {
        long sum = 0;
        for (int i = 0; i < m.length; i++)
        {
            for (int k = 0; k < m.length; k++)
            {
                for (int j = 0; j < m.length; j++)
                {
                    sum += m[i][j] * m[k][j];
                }
            }
        }
        for (int i = 0; i < m.length; i++)
        {
            for (int k = 0; k < m.length; k++)
            {
                sum += mix(i, k);
                for (int j = 0; j < m.length; j++)
                {
                    sum ^= m[k][j];
                }
            }
        }
        return sum;
    }

    static long mix(final int a, final int b)
    {
        return (a * 31L + tick(b)) ^ (a - b);
    }

    static long fib(final int n)
    {
        return n < 2 ? n : fib(n - 1) + fib(n - 2);
    }

    static long deep(final int n)
    {
        return n == 0 ? 0 : n + deep(n - 1) * 3 % 1_000_003;
    }

    static String primitives(final int i, final double d, final char c, final byte b, final short s, final boolean z,
        final float f, final long l, final String str, final Object nul)
    {
        String acc = "";
        for (int k = 0; k < 3; k++)
        {
            acc += i + tick(k) + "," + (d + tick(k)) + "," + (char)(c + tick(k)) + "," + (b + tick(k)) + "," +
                (s + tick(k)) + "," + (z ^ tick(k) > 3) + "," + (f * tick(k)) + "," + (l * tick(k)) + "," + str +
                tick(k) + "," + nul + ";";
        }
        return acc;
    }

    static String stack(final int n)
    {
        double x = 0;
        long y = 1;
        final StringBuilder sb = new StringBuilder();
        for (int i = 0; i < n; i++)
        {
            x = x + 0.5 * (tick(i) + 2.0 * tick(i + 1));
            y = y * 3 + (long)tick(i) * mix(i, tick(i));
            sb.append(i).append(':').append(tick(i) + tick(i + 2)).append(' ');
        }
        return x + " " + y + " " + sb;
    }

    static String lambdas(final int n)
    {
        final int k = tick(5);
        final IntUnaryOperator op = x -> tick(x) * k + leaf(x);
        final LongSupplier sup = () -> fib(10) + k;
        final Counter c = new Counter(2);
        final IntUnaryOperator ref = c::scaled;
        long acc = 0;
        for (int i = 0; i < n; i++)
        {
            acc = acc * 7 + op.applyAsInt(i) + sup.getAsLong() + ref.applyAsInt(i);
        }
        return Long.toString(acc);
    }

    static String tryCatch(final int n)
    {
        final StringBuilder sb = new StringBuilder();
        for (int i = 0; i < n; i++)
        {
            try
            {
                sb.append(maybeThrow(i));
            }
            catch (final IllegalStateException e)
            {
                sb.append('E').append(tick(i));
            }
            finally
            {
                sb.append('f').append(tick(i + 1)).append(' ');
            }
        }
        return sb.toString();
    }

    static int maybeThrow(final int i)
    {
        final int t = tick(i);
        if (i % 3 == 0)
        {
            throw new IllegalStateException("at " + i);
        }
        return t;
    }

    static String monitors(final int n)
    {
        final Object lock = new Object();
        final Object lock2 = new Object();
        final StringBuilder sb = new StringBuilder();
        for (int i = 0; i < n; i++)
        {
            synchronized (lock)
            {
                sb.append(held(lock));
                synchronized (lock2)
                {
                    sb.append(held(lock2)).append(held(lock));
                }
                sb.append(held(lock2));
            }
        }
        return sb.append(Thread.holdsLock(lock)).append(Thread.holdsLock(lock2)).toString();
    }

    static String held(final Object o)
    {
        return tick(1) > 0 && Thread.holdsLock(o) ? "y" : "n";
    }

    static String constructors(final int n)
    {
        final List<Counter> list = new ArrayList<>();
        for (int i = 0; i < n; i++)
        {
            list.add(new Counter(tick(i) + new Counter(leaf(i) + tick(i + 1)).scaled(i)));
        }
        long sum = 0;
        for (final Counter c : list)
        {
            sum = sum * 5 + c.scaled(3);
        }
        return Long.toString(sum);
    }

    static String virtual(final int n)
    {
        final Shape[] shapes = {new Square(3), new Circle(2), new Square(5)};
        double total = 0;
        for (int i = 0; i < n; i++)
        {
            total += shapes[i % shapes.length].area(i);
        }
        return Double.toString(total);
    }

    /**
     * Loops whose exit is a call of the program's (a for-each over an Iterable of its own, a negated test) and a
     * plain if on a call: a capture inside the call unwinds through the branch on its result.
     */
    static String iterators(final int n)
    {
        long sum = 0;
        for (final int v : new Ticks(n))
        {
            sum = sum * 3 + v;
        }
        final java.util.Iterator<Integer> it = new Ticks(n).iterator();
        int odd = 0;
        while (!atEnd(it))
        {
            if (isOdd(it.next()))
            {
                odd++;
            }
        }
        return sum + " " + odd;
    }

    static boolean atEnd(final java.util.Iterator<Integer> it)
    {
        return !it.hasNext();
    }

    static boolean isOdd(final int v)
    {
        return tick(v) % 2 == 1;
    }

    /** The numbers tick(0..n-1), each worked out as it is asked for. */
    static final class Ticks implements Iterable<Integer>
    {
        private final int n;

        Ticks(final int n)
        {
            this.n = n;
        }

        @Override
        public java.util.Iterator<Integer> iterator()
        {
            return new java.util.Iterator<Integer>()
            {
                private int i;

                @Override
                public boolean hasNext()
                {
                    return leaf(i) >= 0 && i < n;
                }

                @Override
                public Integer next()
                {
                    return tick(i++);
                }
            };
        }
    }

    static String jdkCallback(final int n)
    {
        final List<Integer> list = new ArrayList<>();
        for (int i = 0; i < n; i++)
        {
            list.add(tick(i));
        }
        final long[] acc = {0};
        list.forEach(x -> acc[0] = acc[0] * 3 + tick(x));
        list.sort((a, b) -> Integer.compare(tick(a), tick(b)));
        return acc[0] + " " + list;
    }

    public static class Counter
    {
        private final int factor;
        private long total;

        public Counter(final int factor)
        {
            this.factor = factor;
        }

        int scaled(final int x)
        {
            return tick(x) * factor;
        }

        synchronized String syncLoop(final int n)
        {
            final StringBuilder sb = new StringBuilder();
            for (int i = 0; i < n; i++)
            {
                total += scaled(i);
                sb.append(Thread.holdsLock(this) ? 'y' : 'n');
            }
            return total + sb.toString();
        }
    }

    abstract static class Shape
    {
        abstract double area(int i);

        double scale(final int i)
        {
            return tick(i) / 2.0;
        }
    }

    static class Square extends Shape
    {
        private final int side;

        Square(final int side)
        {
            this.side = side;
        }

        @Override
        double area(final int i)
        {
            return side * side * scale(i);
        }
    }

    static class Circle extends Shape
    {
        private final int r;

        Circle(final int r)
        {
            this.r = r;
        }

        @Override
        double area(final int i)
        {
            return 3.0 * r * r + super.scale(i + 1);
        }
    }
}
