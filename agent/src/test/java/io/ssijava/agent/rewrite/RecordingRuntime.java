package io.ssijava.agent.rewrite;

import io.ssijava.rt.Runtime;

import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;
import java.util.function.Function;
import java.util.function.Predicate;
import java.util.stream.Collectors;

/**
 * A {@link Runtime} that records every slow-path call (with whether the calling thread held the JVM monitor of the
 * argument at that moment) and lets a test simulate the runtime's reaction, e.g. a fault that fetches values.
 */
final class RecordingRuntime implements Runtime
{
    /** One call into the runtime. */
    record Call(String what, Object arg, Object extra, boolean heldMonitor)
    {
        @Override
        public String toString()
        {
            final String a = arg instanceof Class ? ((Class<?>)arg).getSimpleName() :
                arg == null ? "null" : arg.getClass().getSimpleName() + "@" + System.identityHashCode(arg);
            return what + "(" + a + (extra == null ? "" : ", " + extra) + ")";
        }
    }

    /** Thread.start without virtual dispatch, as the real runtime would need to start a JVM thread. */
    static final MethodHandle THREAD_START;

    static
    {
        try
        {
            THREAD_START = MethodHandles.privateLookupIn(Thread.class, MethodHandles.lookup())
                .findSpecial(Thread.class, "start", MethodType.methodType(void.class), Thread.class);
        }
        catch (final ReflectiveOperationException ex)
        {
            throw new ExceptionInInitializerError(ex);
        }
    }

    final List<Call> calls = new CopyOnWriteArrayList<>();

    volatile Consumer<Object> onReadMiss = o -> { };
    volatile Consumer<Object> onWriteMiss = o -> { };
    volatile Consumer<Class<?>> onStaticReadMiss = c -> { };
    volatile Consumer<Class<?>> onStaticWriteMiss = c -> { };
    volatile Consumer<Object> onArrayReadMiss = a -> { };
    volatile Consumer<Object> onArrayWriteMiss = a -> { };
    /** Arrays arrayReadMiss answers as shared (by identity). */
    final Set<Object> sharedArrays = Collections.newSetFromMap(new IdentityHashMap<>());
    volatile Consumer<Object> onMonitorExit = o -> { };
    volatile Predicate<Class<?>> clinitStart = c -> true;
    volatile Function<Class<?>, Object[]> fetchStatics = c -> new Object[0];
    /** Whether threadStart really starts the thread (non-virtually). */
    volatile boolean startThreads = true;
    static final int HASH = 0x5151;

    private void record(final String what, final Object arg, final Object extra)
    {
        calls.add(new Call(what, arg, extra, arg != null && Thread.holdsLock(arg)));
    }

    private void record(final String what, final Object arg)
    {
        record(what, arg, null);
    }

    /** @return the calls named {@code what} whose argument is {@code arg} (identity). */
    List<Call> calls(final String what, final Object arg)
    {
        return calls.stream().filter(c -> c.what.equals(what) && c.arg == arg).collect(Collectors.toList());
    }

    List<Call> calls(final String what)
    {
        return calls.stream().filter(c -> c.what.equals(what)).collect(Collectors.toList());
    }

    int count(final String what, final Object arg)
    {
        return calls(what, arg).size();
    }

    int count(final String what)
    {
        return calls(what).size();
    }

    /** The recorded call names, without the class-initialization noise. */
    List<String> names()
    {
        return calls.stream().map(Call::what).filter(w -> !w.startsWith("clinit")).collect(Collectors.toList());
    }

    void clear()
    {
        calls.clear();
    }

    @Override
    public void readMiss(final Object o)
    {
        record("readMiss", o);
        onReadMiss.accept(o);
    }

    @Override
    public void writeMiss(final Object o)
    {
        record("writeMiss", o);
        onWriteMiss.accept(o);
    }

    @Override
    public void staticReadMiss(final Class<?> c)
    {
        record("staticReadMiss", c);
        onStaticReadMiss.accept(c);
    }

    @Override
    public void staticWriteMiss(final Class<?> c)
    {
        record("staticWriteMiss", c);
        onStaticWriteMiss.accept(c);
    }

    @Override
    public boolean arrayReadMiss(final Object array)
    {
        record("arrayReadMiss", array);
        onArrayReadMiss.accept(array);
        return sharedArrays.contains(array);
    }

    @Override
    public void arrayWriteMiss(final Object array)
    {
        record("arrayWriteMiss", array);
        onArrayWriteMiss.accept(array);
    }

    /** The scope that holds report: tests end it to see the next hold. */
    final io.ssijava.rt.WriteScope scope = new io.ssijava.rt.WriteScope();

    @Override
    public io.ssijava.rt.WriteScope holdArray(final Object array)
    {
        record("holdArray", array);
        onArrayWriteMiss.accept(array);
        return scope;
    }

    @Override
    public void releaseShared()
    {
        record("releaseShared", null);
    }

    @Override
    public void monitorEnter(final Object o)
    {
        record("monitorEnter", o);
    }

    @Override
    public void monitorExit(final Object o)
    {
        record("monitorExit", o);
        onMonitorExit.accept(o);
    }

    @Override
    public void await(final Object o, final long millis, final int nanos)
    {
        record("await", o, millis + "ms+" + nanos + "ns");
    }

    @Override
    public void notify(final Object o, final boolean all)
    {
        record(all ? "notifyAll" : "notify", o);
    }

    @Override
    public int identityHashCode(final Object o)
    {
        record("identityHashCode", o);
        return HASH;
    }

    @Override
    public boolean clinitStart(final Class<?> c)
    {
        record("clinitStart", c);
        return clinitStart.test(c);
    }

    @Override
    public void clinitDone(final Class<?> c)
    {
        record("clinitDone", c);
    }

    @Override
    public Object[] fetchStatics(final Class<?> c)
    {
        record("fetchStatics", c);
        return fetchStatics.apply(c);
    }

    @Override
    public void clinitFetched(final Class<?> c)
    {
        record("clinitFetched", c);
    }

    @Override
    public void lambdaCreated(final Object lambda, final int site)
    {
        record("lambdaCreated", lambda, site);
    }

    @Override
    public void runThread(final Thread self, final Runnable body)
    {
        record("runThread", self);
        body.run();
    }

    @Override
    public String threadName()
    {
        record("threadName", null);
        return io.ssijava.rt.ThreadNames.local();
    }

    @Override
    public void runMain(final Runnable body)
    {
        record("runMain", body);
        body.run();
    }

    @Override
    public void threadStart(final Thread t)
    {
        record("threadStart", t);
        if (startThreads)
        {
            try
            {
                THREAD_START.invokeExact(t);
            }
            catch (final RuntimeException | Error ex)
            {
                throw ex;
            }
            catch (final Throwable ex)
            {
                throw new IllegalStateException(ex);
            }
        }
    }

    @Override
    public void threadJoin(final Thread t, final long millis) throws InterruptedException
    {
        record("threadJoin", t, millis);
        t.join(millis);
    }

    @Override
    public boolean threadIsAlive(final Thread t)
    {
        record("threadIsAlive", t);
        return t.isAlive();
    }

    @Override
    public void exit(final int status)
    {
        record("exit", null, status);
    }

    @Override
    public void adoptHeldMonitor(final Object o)
    {
        record("adoptHeldMonitor", o, null);
    }

    @Override
    public Object atomic(final Object o, final long where, final String field, final int op, final Object a,
        final Object b)
    {
        record("atomic", o, op);
        throw new UnsupportedOperationException("no atomics in application rewriting tests");
    }

    @Override
    public boolean isShared(final Object o)
    {
        return false;
    }

    @Override
    public boolean signalRemoteThread(final Thread t, final boolean interrupt)
    {
        record(interrupt ? "interrupt" : "unpark", t, null);
        return false;
    }
}
