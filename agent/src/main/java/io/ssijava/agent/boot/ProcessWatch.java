package io.ssijava.agent.boot;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import java.util.function.BooleanSupplier;

/**
 * Runs an action once another process on this host is gone (the parent that started this JVM, or the nodes started
 * beside it), by looking at it every {@value #PERIOD_MS} ms from a sleeping daemon thread.
 * <p>
 * Why not a blocking read of a pipe from the parent, which ends at once when the parent does: HotSpot's exit (and
 * {@code Runtime.halt}) waits up to 300 ms for threads that are in native code, and a thread blocked in such a read
 * is. A worker node that watched its stdin so made every job end 0.3 s late. Nor {@code ProcessHandle.onExit()}: for
 * a process that is not a child the JDK polls it every 300 ms, then every 5 s as time goes on.
 */
public final class ProcessWatch
{
    /** How often the process is looked at. */
    public static final long PERIOD_MS = 50;

    private ProcessWatch()
    {
    }

    /**
     * Watches the process for as long as this JVM runs.
     *
     * @param pid    the process's pid.
     * @param name   the watching thread's name.
     * @param onGone what to do once the process is gone (at once if it is gone already).
     */
    public static void start(final long pid, final String name, final Runnable onGone)
    {
        start(pid, name, () -> true, onGone);
    }

    /**
     * @param pid    the process's pid.
     * @param name   the watching thread's name.
     * @param wanted whether the watch is still wanted: once it answers false the thread ends, doing nothing.
     * @param onGone what to do once the process is gone (at once if it is gone already) while the watch is wanted.
     */
    public static void start(final long pid, final String name, final BooleanSupplier wanted, final Runnable onGone)
    {
        final Optional<ProcessHandle> process = ProcessHandle.of(pid);
        final Thread watcher = new Thread(() ->
        {
            while (wanted.getAsBoolean())
            {
                if (process.isEmpty() || !isAlive(process.get()))
                {
                    onGone.run();
                    return;
                }
                try
                {
                    Thread.sleep(PERIOD_MS);
                }
                catch (final InterruptedException ignored)
                {
                    // keep watching: only the process's end, or the end of the need, ends this thread
                }
            }
        }, name);
        watcher.setDaemon(true);
        watcher.start();
    }

    /**
     * Whether the process runs: {@link ProcessHandle#isAlive()} (which tells a reused pid from the process it had),
     * and on Linux not a zombie, which the JDK counts as alive: a parent that died but was not reaped yet.
     */
    static boolean isAlive(final ProcessHandle process)
    {
        if (!process.isAlive())
        {
            return false;
        }
        final Path stat = Path.of("/proc", Long.toString(process.pid()), "stat");
        try
        {
            // "pid (command) S ...": the state follows the last parenthesis, which the command may contain
            final String line = Files.readString(stat);
            final int close = line.lastIndexOf(')');
            final char state = close >= 0 && close + 2 < line.length() ? line.charAt(close + 2) : '?';
            return state != 'Z' && state != 'X';
        }
        catch (final IOException | RuntimeException ex)
        {
            // on Linux the process ended just now; elsewhere there is no /proc, and the JDK's answer stands
            return !Files.isDirectory(Path.of("/proc", "self"));
        }
    }
}
