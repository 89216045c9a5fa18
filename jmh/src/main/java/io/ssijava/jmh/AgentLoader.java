package io.ssijava.jmh;

import com.sun.tools.attach.VirtualMachine;
import io.ssijava.rt.Ssi;

import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Loads the ssi-java agent into the running (forked benchmark) JVM, and tells rewritten classes from plain ones.
 * <p>
 * Why not {@code @Fork(jvmArgsAppend = "-javaagent:...")}: annotation values are compile-time constants, but the
 * agent jar's path is only known at run time. So the agent fork attaches the agent to itself instead, before the
 * first kernel class is loaded; the agent's {@code agentmain} installs the same class rewriter as {@code premain}
 * (without joining a cluster), so every kernel class is rewritten exactly as under {@code -javaagent}. This needs
 * {@code -Djdk.attach.allowAttachSelf=true} on the fork.
 * <p>
 * The jar is the system property {@value #AGENT_PROPERTY} if set, else {@code ../../agent/target/ssi-agent.jar}
 * relative to the directory holding {@code benchmarks.jar} (i.e. {@code agent/target/ssi-agent.jar} of the same
 * checkout). JMH passes the host JVM's {@code -D} options on to its forks, so
 * {@code java -Dssi.agent=/path/ssi-agent.jar -jar benchmarks.jar} is enough.
 */
public final class AgentLoader
{
    /** System property naming the agent jar. */
    public static final String AGENT_PROPERTY = "ssi.agent";

    private AgentLoader()
    {
    }

    /**
     * Where the agent jar is expected.
     *
     * @return the absolute, normalised path (which may not exist).
     */
    public static Path agentJar()
    {
        final String given = System.getProperty(AGENT_PROPERTY);
        if (given != null && !given.isBlank())
        {
            return Path.of(given).toAbsolutePath().normalize();
        }
        try
        {
            // benchmarks.jar, or target/classes when run from an IDE: either way its parent is jmh/target.
            final Path codeSource = Path.of(AgentLoader.class.getProtectionDomain().getCodeSource().getLocation().toURI());
            return codeSource.toAbsolutePath().getParent().resolve("../../agent/target/ssi-agent.jar").normalize();
        }
        catch (final URISyntaxException ex)
        {
            throw new IllegalStateException("cannot locate benchmarks.jar; set -D" + AGENT_PROPERTY, ex);
        }
    }

    /**
     * Attaches the agent to this JVM. Classes loaded from now on are rewritten; classes already loaded are not.
     *
     * @throws IllegalStateException if the jar is missing or the attach fails.
     */
    public static void loadIntoSelf()
    {
        final Path jar = agentJar();
        if (!Files.isRegularFile(jar))
        {
            throw new IllegalStateException("ssi-java agent jar not found at " + jar + "; build the agent module or set -D" +
                AGENT_PROPERTY + "=/path/to/ssi-agent.jar");
        }
        try
        {
            final VirtualMachine vm = VirtualMachine.attach(Long.toString(ProcessHandle.current().pid()));
            try
            {
                vm.loadAgent(jar.toString());
            }
            finally
            {
                vm.detach();
            }
        }
        catch (final Exception ex)
        {
            throw new IllegalStateException("cannot load " + jar + " into this JVM (the fork needs " +
                "-Djdk.attach.allowAttachSelf=true): " + ex, ex);
        }
    }

    /**
     * Whether the agent rewrote a class: rewriting adds the state field to every class whose superclass is not
     * itself rewritten.
     *
     * @param type a class whose superclass is a JDK class.
     * @return true if it carries the injected state field.
     */
    public static boolean isRewritten(final Class<?> type)
    {
        try
        {
            type.getDeclaredField(Ssi.STATE_FIELD);
            return true;
        }
        catch (final NoSuchFieldException ex)
        {
            return false;
        }
    }
}
