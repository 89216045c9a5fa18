package io.ssijava.agent.jdk;

import org.junit.jupiter.api.Test;
import org.objectweb.asm.ClassReader;
import org.objectweb.asm.ClassWriter;
import org.objectweb.asm.tree.ClassNode;
import org.objectweb.asm.tree.FieldNode;
import org.objectweb.asm.tree.MethodNode;
import org.objectweb.asm.tree.analysis.Analyzer;
import org.objectweb.asm.tree.analysis.AnalyzerException;
import org.objectweb.asm.tree.analysis.BasicVerifier;

import java.io.IOException;
import java.io.InputStream;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The running JDK's classes take the methods the instrumented copy adds to them, with the facade interfaces through
 * which ssi-java calls them, and still verify; a JDK class that lacks what a template declares is left as it is (CI
 * runs this on JDK 17 and JDK 25: a JDK whose pool classes changed would otherwise silently keep its workers pinned).
 */
class JdkAdditionsTest {

    private static final Map<String, List<String>> EXPECTED = Map.of(
            "java/util/concurrent/ThreadPoolExecutor$Worker", List.of("io/ssijava/rt/PoolWorker", "ssi$firstTask",
                    "ssi$taskWait", "ssi$queue", "ssi$keepAliveNanos", "ssi$lockForTask", "ssi$beforeExecute",
                    "ssi$afterExecute", "ssi$taskDone", "ssi$exit"),
            "java/util/concurrent/FutureTask", List.of("io/ssijava/rt/PoolWorker$Task", "ssi$begin", "ssi$end",
                    "ssi$ran"),
            "java/util/concurrent/Executors$RunnableAdapter", List.of("io/ssijava/rt/PoolWorker$Adapter", "ssi$task",
                    "ssi$result"),
            "java/util/concurrent/CyclicBarrier", List.of("", "ssi$arrive", "ssi$arriveHere", "ssi$awaitTrip",
                    "ssi$interrupted", "ssi$breakInterrupted", "ssi$tripped", "ssi$broken"));

    private static byte[] jdkClass(String internalName) {
        try (InputStream in = ClassLoader.getSystemResourceAsStream(internalName + ".class")) {
            assertNotNull(in, internalName + " not in this JDK");
            return in.readAllBytes();
        } catch (IOException e) {
            return null;
        }
    }

    private static ClassNode read(byte[] bytes) {
        ClassNode cn = new ClassNode();
        new ClassReader(bytes).accept(cn, 0);
        return cn;
    }

    @Test
    void theJdksPoolClassesTakeTheirAdditionsAndStillVerify() throws AnalyzerException {
        for (Map.Entry<String, List<String>> e : EXPECTED.entrySet()) {
            String owner = e.getKey();
            ClassNode cn = read(JdkAdditions.merge(owner, jdkClass(owner), JdkAdditionsTest::jdkClass));
            String itf = e.getValue().get(0);
            assertTrue(itf.isEmpty() || cn.interfaces.contains(itf), () -> owner + " does not implement " + itf);
            for (String added : e.getValue().subList(1, e.getValue().size())) {
                assertTrue(cn.methods.stream().anyMatch(m -> m.name.equals(added)), () -> owner + " lacks " + added);
            }
            for (MethodNode m : cn.methods) {
                if (m.name.startsWith("ssi$")) {
                    new Analyzer<>(new BasicVerifier()).analyze(cn.name, m);
                }
            }
        }
    }

    @Test
    void aWorkerClassThatLacksADeclaredFieldIsLeftAsItIs() {
        String owner = "java/util/concurrent/ThreadPoolExecutor$Worker";
        ClassNode cn = read(jdkClass(owner));
        for (FieldNode f : cn.fields) {
            if (f.name.equals("firstTask")) {
                f.name = "initialTask";
            }
        }
        ClassWriter cw = new ClassWriter(0);
        cn.accept(cw);
        byte[] changed = cw.toByteArray();
        assertArrayEquals(changed, JdkAdditions.merge(owner, changed, JdkAdditionsTest::jdkClass));
    }

    @Test
    void aPoolWhoseClassLacksADeclaredMethodLeavesItsWorkersAsTheyAre() {
        String owner = "java/util/concurrent/ThreadPoolExecutor$Worker";
        byte[] worker = jdkClass(owner);
        byte[] merged = JdkAdditions.merge(owner, worker, name -> {
            if (!name.equals("java/util/concurrent/ThreadPoolExecutor")) {
                return jdkClass(name);
            }
            ClassNode pool = read(jdkClass(name));
            pool.methods.removeIf(m -> m.name.equals("processWorkerExit"));
            ClassWriter cw = new ClassWriter(0);
            pool.accept(cw);
            return cw.toByteArray();
        });
        assertArrayEquals(worker, merged);
    }
}
