package io.ssijava.agent.rewrite;

import io.ssijava.dsm.JdkClasses;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.lang.invoke.VarHandle;
import java.lang.reflect.Field;
import java.lang.reflect.Modifier;
import java.net.URI;
import java.nio.file.FileSystem;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The instrumented JDK turns each atomic VarHandle operation of a JDK class into an operation on the field the handle
 * was made for: every VarHandle constant of every instrumented class of the running JDK must be recognized, and name
 * a field that exists. (JDK 21 changed how many classes make their handles; a handle that is not recognized
 * operates on the node's copy alone, and one that names the wrong field fails at run time.)
 */
class JdkVarHandlesTest {

    @Test
    void everyVarHandleOfAnInstrumentedJdkClassNamesAFieldOfTheClassItIsFor() throws IOException {
        FileSystem jrt = FileSystems.getFileSystem(URI.create("jrt:/"));
        Path base = jrt.getPath("/modules/java.base");
        List<String> problems = new ArrayList<>();
        int handles = 0;
        try (Stream<Path> walk = Files.walk(base.resolve("java/util"))) {
            for (Path p : (Iterable<Path>) walk.filter(x -> x.toString().endsWith(".class"))::iterator) {
                String rel = base.relativize(p).toString();
                String internal = rel.substring(0, rel.length() - ".class".length());
                if (!JdkClasses.isInstrumented(internal)) {
                    continue;
                }
                Class<?> c;
                try {
                    c = Class.forName(internal.replace('/', '.'), false, null);
                } catch (ClassNotFoundException | LinkageError e) {
                    continue;
                }
                Map<String, JdkAccesses.Target> found = JdkAccesses.handlesOf(internal);
                for (Field f : c.getDeclaredFields()) {
                    if (!Modifier.isStatic(f.getModifiers()) || f.getType() != VarHandle.class) {
                        continue;
                    }
                    handles++;
                    JdkAccesses.Target t = found.get(f.getName());
                    if (t == null) {
                        problems.add(c.getName() + "." + f.getName() + ": not recognized");
                    } else if (t.shape == 'F' && !hasInstanceField(t.owner, t.field)) {
                        problems.add(c.getName() + "." + f.getName() + ": names " + t.owner + "." + t.field
                                + ", which is no instance field");
                    }
                }
            }
        }
        assertTrue(handles > 50, "found only " + handles + " VarHandle constants");
        assertTrue(problems.isEmpty(), () -> "on JDK " + Runtime.version() + ":\n" + String.join("\n", problems));
    }

    private static boolean hasInstanceField(String owner, String name) {
        try {
            for (Class<?> c = Class.forName(owner.replace('/', '.'), false, null); c != null; c = c.getSuperclass()) {
                for (Field f : c.getDeclaredFields()) {
                    if (f.getName().equals(name) && !Modifier.isStatic(f.getModifiers())) {
                        return true;
                    }
                }
            }
        } catch (ClassNotFoundException e) {
            return false;
        }
        return false;
    }
}
