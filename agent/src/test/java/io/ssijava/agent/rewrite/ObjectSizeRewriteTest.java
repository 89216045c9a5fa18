package io.ssijava.agent.rewrite;

import net.bytebuddy.agent.ByteBuddyAgent;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.lang.instrument.Instrumentation;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertTrue;

/** The state word costs at most one 8-byte alignment step per object; prints the table. */
@Timeout(30)
class ObjectSizeRewriteTest extends RewriteTestSupport
{
    @Test
    void rewrittenObjectsAreAtMostEightBytesLarger() throws Throwable
    {
        final Instrumentation inst = ByteBuddyAgent.install();
        final RewritingLoader plain = new RewritingLoader(false);
        final StringBuilder table = new StringBuilder(String.format("%n%-28s %8s %10s %6s%n", "class", "plain",
            "rewritten", "delta"));
        boolean ok = true;
        for (final String name : List.of("SizeEmpty", "SizeOneInt", "SizeOneRef", "SizeThreeDoubles", "Point",
            "Plain", "Pair"))
        {
            final Object p = instance(plain.load(name));
            final Object r = instance(cls(name));
            final long ps = inst.getObjectSize(p);
            final long rs = inst.getObjectSize(r);
            table.append(String.format("%-28s %8d %10d %+6d%n", name + describe(name), ps, rs, rs - ps));
            ok &= rs - ps <= 8;
        }
        table.append("(").append(System.getProperty("java.vm.name")).append(' ')
            .append(System.getProperty("java.vm.version")).append(", ")
            .append(System.getProperty("sun.arch.data.model")).append("-bit)");
        System.out.println("[object sizes]" + table);
        assertTrue(ok, table.toString());
    }

    private static String describe(final String name)
    {
        switch (name)
        {
            case "SizeEmpty": return " (no fields)";
            case "SizeOneInt": return " (int)";
            case "SizeOneRef": return " (Object)";
            case "SizeThreeDoubles": return " (3 doubles)";
            case "Point": return " (int,2 long,2 dbl,ref)";
            case "Pair": return " (record int,String)";
            default: return "";
        }
    }

    private static Object instance(final Class<?> c) throws Exception
    {
        if (c.isRecord())
        {
            return c.getDeclaredConstructors()[0].newInstance(1, "s");
        }
        return c.getConstructor().newInstance();
    }
}
