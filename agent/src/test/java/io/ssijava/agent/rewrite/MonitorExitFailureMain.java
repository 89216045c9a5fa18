package io.ssijava.agent.rewrite;

import io.ssijava.rt.Managed;
import io.ssijava.rt.Ssi;

import java.io.File;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;

/**
 * Child JVM for {@link MonitorRewriteTest#failingMonitorExitAfterBlockDoesNotLoopForever}: runs a synchronized block
 * whose runtime monitorExit throws once, and prints what became of the thread.
 */
public final class MonitorExitFailureMain
{
    private MonitorExitFailureMain()
    {
    }

    public static void main(final String[] args) throws Exception
    {
        final RewritingLoader loader = new RewritingLoader();
        final Class<?> monitors = loader.load("Monitors");
        final Object lock = loader.load("Plain").getConstructor().newInstance();
        ((Managed)lock).__ssi_state(RewriteTestSupport.DIRTY);
        final RecordingRuntime rt = new RecordingRuntime();
        final boolean[] failed = new boolean[1];
        rt.onMonitorExit = o ->
        {
            if (!failed[0])
            {
                failed[0] = true;
                throw new IllegalStateException("hand-over failed");
            }
        };
        Ssi.install(rt);
        final AtomicReference<String> result = new AtomicReference<>("STUCK (thread still running after 1.5 s)");
        final Thread t = new Thread(() ->
        {
            try
            {
                monitors.getMethod("block", Object.class).invoke(null, lock);
                result.set("RETURNED normally");
            }
            catch (final java.lang.reflect.InvocationTargetException ex)
            {
                result.set("THREW " + ex.getCause());
            }
            catch (final Throwable ex)
            {
                result.set("FAILED " + ex);
            }
        }, "block");
        t.setDaemon(true);
        t.start();
        t.join(1500);
        String where = "";
        if (t.isAlive())
        {
            final StackTraceElement[] st = t.getStackTrace();
            where = " [alive, " + t.getState() + ", at " + (st.length > 0 ? st[0] : "?") + "]";
        }
        System.out.println("RESULT " + result.get() + where + " calls=" + rt.names());
        System.out.flush();
        Runtime.getRuntime().halt(0);
    }

    /** @return the RESULT line of a child JVM running {@link #main}. */
    static String runInChildJvm() throws Exception
    {
        final Path out = Files.createTempFile("monitor-exit-", ".out");
        try
        {
            final List<String> cmd = new ArrayList<>();
            cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
            cmd.add("--add-opens");
            cmd.add("java.base/java.lang=ALL-UNNAMED");
            cmd.add("-cp");
            cmd.add(System.getProperty("java.class.path") + File.pathSeparator + jarsOf(Ssi.class, Probe.class));
            cmd.add(MonitorExitFailureMain.class.getName());
            final Process p = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(out.toFile()).start();
            if (!p.waitFor(20, TimeUnit.SECONDS))
            {
                p.destroyForcibly();
                return "child JVM did not end: " + Files.readString(out, StandardCharsets.UTF_8);
            }
            final String text = Files.readString(out, StandardCharsets.UTF_8);
            for (final String line : text.split("\n"))
            {
                if (line.startsWith("RESULT "))
                {
                    return line.substring("RESULT ".length());
                }
            }
            return "no result: " + text;
        }
        finally
        {
            Files.deleteIfExists(out);
        }
    }

    private static String jarsOf(final Class<?>... classes) throws Exception
    {
        final StringBuilder sb = new StringBuilder();
        for (final Class<?> c : classes)
        {
            sb.append(File.pathSeparator).append(Path.of(c.getProtectionDomain().getCodeSource().getLocation().toURI()));
        }
        return sb.substring(1);
    }
}
