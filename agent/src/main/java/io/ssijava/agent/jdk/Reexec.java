package io.ssijava.agent.jdk;

import io.ssijava.agent.boot.ProcessWatch;

import java.io.IOException;
import java.util.List;
import java.util.Map;

/**
 * Runs this JVM's program again in a child JVM with extra flags, passing the terminal through, and ends with the
 * child's exit status. The child halts if this process goes away.
 */
public final class Reexec
{
    /** Environment variable naming the pid of the JVM that started this one again. */
    public static final String ENV_PARENT = "SSI_JAVA_REEXEC_PARENT";
    private static final List<String> JVM_OPTION_VARS = List.of("JAVA_TOOL_OPTIONS", "JDK_JAVA_OPTIONS", "_JAVA_OPTIONS");

    private Reexec()
    {
    }

    /**
     * Starts the command with this JVM's stdin, stdout and stderr, waits for it and returns its exit status.
     *
     * @param command the child's command (its JVM flags already hold what the option variables added).
     * @return the child's exit status.
     * @throws IOException if it cannot be started.
     */
    public static int run(final List<String> command) throws IOException
    {
        return run(command, Map.of());
    }

    /**
     * As {@link #run(List)}, with variables added to the child's environment.
     *
     * @param command the child's command.
     * @param extra   variables the child's environment gets too.
     * @return the child's exit status.
     * @throws IOException if it cannot be started.
     */
    public static int run(final List<String> command, final Map<String, String> extra) throws IOException
    {
        final ProcessBuilder pb = new ProcessBuilder(command).inheritIO();
        final Map<String, String> env = pb.environment();
        JVM_OPTION_VARS.forEach(env::remove);
        env.putAll(extra);
        env.put(ENV_PARENT, Long.toString(ProcessHandle.current().pid()));
        final Process child = pb.start();
        final Thread hook = new Thread(() ->
        {
            if (child.isAlive())
            {
                child.destroy();
                try
                {
                    child.waitFor();
                }
                catch (final InterruptedException ignored)
                {
                    child.destroyForcibly();
                }
            }
        }, "ssi-reexec-cleanup");
        Runtime.getRuntime().addShutdownHook(hook);
        while (true)
        {
            try
            {
                return child.waitFor();
            }
            catch (final InterruptedException ignored)
            {
                // keep waiting: the child owns the program now
            }
        }
    }

    /** In a child started by {@link #run}: halts when the parent is gone (killed without a chance to clean up). */
    public static void watchParent()
    {
        final String pid = System.getenv(ENV_PARENT);
        if (pid == null)
        {
            return;
        }
        try
        {
            // not onExit(): for a process that is not its child the JDK looks only every 300 ms to 5 s
            ProcessWatch.start(Long.parseLong(pid.strip()), "ssi-launcher-watch", () ->
            {
                System.err.println("ssi-java: the launching process " + pid + " is gone; stopping");
                Runtime.getRuntime().halt(3);
            });
        }
        catch (final NumberFormatException ignored)
        {
            // not ours
        }
    }
}
