package io.ssijava.agent.jit;

import java.lang.instrument.Instrumentation;
import java.lang.reflect.Method;
import java.util.Map;
import java.util.Set;

/**
 * Runs HotSpot's diagnostic commands (those of {@code jcmd}) in this JVM. The public way, the platform MBean server,
 * takes about a second to start; the command entry point behind it takes a few milliseconds.
 */
final class DiagnosticCommands
{
    private static final String PKG = "com.sun.management.internal";

    private final Object impl;
    private final Method execute;

    private DiagnosticCommands(final Object impl, final Method execute)
    {
        this.impl = impl;
        this.execute = execute;
    }

    /** @return the commands, or null where this JVM has none (no jdk.management, another VM). */
    static DiagnosticCommands open(final Instrumentation inst)
    {
        final Module management = ModuleLayer.boot().findModule("jdk.management").orElse(null);
        if (management == null)
        {
            return null;
        }
        try
        {
            final Set<Module> self = Set.of(DiagnosticCommands.class.getModule());
            inst.redefineModule(management, Set.of(), Map.of(), Map.of(PKG, self), Set.of(), Map.of());
            // loads the native library the commands live in
            Class.forName(PKG + ".PlatformMBeanProviderImpl", true, management.getClassLoader());
            final Class<?> c = Class.forName(PKG + ".DiagnosticCommandImpl", true, management.getClassLoader());
            final Method get = c.getDeclaredMethod("getDiagnosticCommandMBean");
            get.setAccessible(true);
            final Method execute = c.getDeclaredMethod("executeDiagnosticCommand", String.class);
            execute.setAccessible(true);
            final Object impl = get.invoke(null);
            return impl == null ? null : new DiagnosticCommands(impl, execute);
        }
        catch (final ReflectiveOperationException | RuntimeException | LinkageError ex)
        {
            return null;
        }
    }

    /**
     * @param command a command line as jcmd takes it, e.g. {@code VM.flags -all}.
     * @return what the command printed.
     * @throws ReflectiveOperationException if the command failed (its message says why).
     */
    String execute(final String command) throws ReflectiveOperationException
    {
        final Object out = execute.invoke(impl, command);
        return out == null ? "" : out.toString();
    }
}
