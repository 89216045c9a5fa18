package inlining;

import java.lang.management.ManagementFactory;
import javax.management.ObjectName;

/** Prints the compiler directives of its JVM, as {@code jcmd PID Compiler.directives_print} would. */
public final class Directives {
    public static void main(String[] args) throws Exception {
        Object text = ManagementFactory.getPlatformMBeanServer().invoke(
                new ObjectName("com.sun.management:type=DiagnosticCommand"), "compilerDirectivesPrint",
                new Object[] {null}, new String[] {String[].class.getName()});
        System.out.println(text);
    }
}
