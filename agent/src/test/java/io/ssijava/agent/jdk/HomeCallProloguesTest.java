package io.ssijava.agent.jdk;

import io.ssijava.rt.HomeCalls;
import org.junit.jupiter.api.Test;
import org.objectweb.asm.ClassReader;
import org.objectweb.asm.Opcodes;
import org.objectweb.asm.tree.AbstractInsnNode;
import org.objectweb.asm.tree.ClassNode;
import org.objectweb.asm.tree.MethodInsnNode;
import org.objectweb.asm.tree.MethodNode;
import org.objectweb.asm.tree.analysis.Analyzer;
import org.objectweb.asm.tree.analysis.AnalyzerException;
import org.objectweb.asm.tree.analysis.BasicVerifier;

import java.io.IOException;
import java.io.InputStream;
import java.util.LinkedHashSet;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Every method {@link HomeCalls} lists exists in the running JDK's class (with the methods the instrumented JDK
 * adds to it) with that descriptor and gets the test that sends a call on a shared object to its home, and the
 * method still verifies. A JDK whose class changed would otherwise keep the method as it is, silently (CI runs this
 * on JDK 17 and JDK 25).
 */
class HomeCallProloguesTest {

    private static byte[] jdkClass(String internalName) throws IOException {
        try (InputStream in = ClassLoader.getSystemResourceAsStream(internalName + ".class")) {
            assertNotNull(in, internalName + " not in this JDK");
            return in.readAllBytes();
        }
    }

    private static byte[] jdkClassIfAny(String internalName) {
        try (InputStream in = ClassLoader.getSystemResourceAsStream(internalName + ".class")) {
            return in == null ? null : in.readAllBytes();
        } catch (IOException e) {
            return null;
        }
    }

    private static AbstractInsnNode firstInstruction(MethodNode m) {
        AbstractInsnNode n = m.instructions.getFirst();
        while (n != null && n.getOpcode() < 0) {
            n = n.getNext();
        }
        return n;
    }

    @Test
    void everyListedMethodStartsWithTheHomeTestAndStillVerifies() throws IOException, AnalyzerException {
        Set<String> owners = new LinkedHashSet<>();
        HomeCalls.METHODS.forEach(m -> owners.add(m.owner()));
        int found = 0;
        for (String owner : owners) {
            // with the methods the instrumented JDK adds (a barrier's steps), as the agent patches the class
            byte[] original = JdkAdditions.merge(owner, jdkClass(owner), HomeCallProloguesTest::jdkClassIfAny);
            byte[] patched = HomeCallPrologues.inject(owner, original);
            ClassNode cn = new ClassNode();
            new ClassReader(patched).accept(cn, 0);
            for (HomeCalls.Method listed : HomeCalls.METHODS) {
                if (!listed.owner().equals(owner)) {
                    continue;
                }
                MethodNode m = cn.methods.stream()
                        .filter(x -> x.name.equals(listed.name()) && x.desc.equals(listed.desc()))
                        .findFirst().orElse(null);
                assertNotNull(m, owner + "." + listed.name() + listed.desc() + " is not in this JDK");
                AbstractInsnNode first = firstInstruction(m);
                assertEquals(Opcodes.ALOAD, first.getOpcode(), owner + "." + m.name + m.desc);
                MethodInsnNode test = (MethodInsnNode) first.getNext();
                assertEquals(HomeCalls.INTERNAL_NAME, test.owner, owner + "." + m.name + m.desc);
                assertEquals("isShared", test.name);
                // a method of the class itself tests the class before it goes home: a subclass's runs here
                boolean classTested = false;
                for (AbstractInsnNode n = first; n != null; n = n.getNext()) {
                    if (n instanceof MethodInsnNode && ((MethodInsnNode) n).owner.equals(HomeCalls.INTERNAL_NAME)
                            && ((MethodInsnNode) n).name.equals("call")) {
                        break;
                    }
                    classTested |= n instanceof MethodInsnNode && ((MethodInsnNode) n).name.equals("getClass");
                }
                assertEquals(listed.exactClass(), classTested, owner + "." + m.name + m.desc);
                new Analyzer<>(new BasicVerifier()).analyze(owner, m);
                found++;
            }
        }
        assertEquals(HomeCalls.METHODS.size(), found);
    }

    @Test
    void aClassWithoutListedMethodsIsLeftAsItIs() throws IOException {
        byte[] original = jdkClass("java/util/concurrent/ConcurrentHashMap");
        assertSame(original, HomeCallPrologues.inject("java/util/concurrent/ConcurrentHashMap", original));
        assertTrue(HomeCalls.METHODS.stream().noneMatch(m -> m.owner().endsWith("ConcurrentHashMap")));
    }
}
