package io.ssijava.agent.rewrite;

import org.junit.jupiter.api.Test;
import org.objectweb.asm.ClassReader;
import org.objectweb.asm.Opcodes;
import org.objectweb.asm.tree.AbstractInsnNode;
import org.objectweb.asm.tree.ClassNode;
import org.objectweb.asm.tree.FieldInsnNode;
import org.objectweb.asm.tree.JumpInsnNode;
import org.objectweb.asm.tree.MethodInsnNode;
import org.objectweb.asm.tree.MethodNode;
import org.objectweb.asm.tree.analysis.Analyzer;
import org.objectweb.asm.tree.analysis.AnalyzerException;
import org.objectweb.asm.tree.analysis.BasicVerifier;

import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Which array accesses of the running JDK's collections may skip their check while the collection was never shared:
 * those on the collection's own array read from its field on {@code this}, and no other.
 */
class OwnArraysTest {

    static byte[] jdkClass(String owner) throws IOException {
        try (InputStream in = Object.class.getResourceAsStream("/" + owner + ".class")) {
            return in.readAllBytes();
        }
    }

    private static MethodNode method(String owner, String name, String desc) throws IOException {
        return method(jdkClass(owner), owner, name, desc);
    }

    private static MethodNode method(byte[] bytes, String owner, String name, String desc) {
        ClassNode cn = new ClassNode();
        new ClassReader(bytes).accept(cn, 0);
        return cn.methods.stream().filter(m -> m.name.equals(name) && (desc == null || m.desc.equals(desc)))
                .findFirst().orElseThrow(() -> new AssertionError("no " + owner + "." + name + " in this JDK"));
    }

    private static List<Integer> arrayOps(MethodNode mn, Set<AbstractInsnNode> picked, boolean wantPicked) {
        List<Integer> ops = new ArrayList<>();
        for (AbstractInsnNode insn : mn.instructions) {
            int op = insn.getOpcode();
            boolean access = op >= Opcodes.IALOAD && op <= Opcodes.SALOAD
                    || op >= Opcodes.IASTORE && op <= Opcodes.SASTORE;
            if (access && picked.contains(insn) == wantPicked) {
                ops.add(op);
            }
        }
        return ops;
    }

    @Test
    void aDequesStoresIntoItsOwnArrayAreFoundDirectlyAndThroughALocal() throws IOException {
        // addLast: es = elements; es[tail] = e     pollFirst: es = elements (dup, astore); es[h] = null
        for (String name : List.of("addLast", "pollFirst")) {
            MethodNode mn = method("java/util/ArrayDeque", name, null);
            Set<AbstractInsnNode> own = OwnArrays.accesses("java/util/ArrayDeque", mn);
            assertEquals(List.of(Opcodes.AASTORE), arrayOps(mn, own, true), name);
            assertEquals(List.of(), arrayOps(mn, own, false), name);
        }
        // ArrayList.get reads through elementData(index), an instance method: found there
        MethodNode elementData = method("java/util/ArrayList", "elementData", "(I)Ljava/lang/Object;");
        assertEquals(List.of(Opcodes.AALOAD),
                arrayOps(elementData, OwnArrays.accesses("java/util/ArrayList", elementData), true));
    }

    @Test
    void arraysThatAreNotTheCollectionsOwnKeepTheirChecks() throws IOException {
        // toArray(T[] a) writes the caller's array: a[size] = null
        MethodNode toArray = method("java/util/ArrayList", "toArray", "([Ljava/lang/Object;)[Ljava/lang/Object;");
        Set<AbstractInsnNode> own = OwnArrays.accesses("java/util/ArrayList", toArray);
        assertFalse(arrayOps(toArray, own, false).isEmpty(), "toArray stores into the caller's array");
        assertTrue(arrayOps(toArray, own, true).isEmpty());
        // a static helper is given the array: nothing says whose it is
        MethodNode elementAt = method("java/util/ArrayDeque", "elementAt", null);
        assertTrue(OwnArrays.accesses("java/util/ArrayDeque", elementAt).isEmpty());
        // a class whose arrays are not listed (a shared copy-on-write array may be handed to several lists)
        MethodNode cow = method("java/util/concurrent/CopyOnWriteArrayList", "set", null);
        assertTrue(OwnArrays.accesses("java/util/concurrent/CopyOnWriteArrayList", cow).isEmpty());
    }

    @Test
    void aResizeThatWritesTheOldAndTheNewTableChecksOnlyWhatItCannotProve() throws IOException {
        // HashMap.resize reads the old table (its own) and fills a new one made in the method: the new table's
        // stores keep their checks, as the analysis does not follow new arrays
        MethodNode resize = method("java/util/HashMap", "resize", null);
        Set<AbstractInsnNode> own = OwnArrays.accesses("java/util/HashMap", resize);
        assertFalse(arrayOps(resize, own, true).isEmpty(), "the old table's accesses are its own");
        assertTrue(arrayOps(resize, own, false).contains(Opcodes.AASTORE), "the new table's stores keep checks");
    }

    @Test
    void theInstrumentedDequeTestsItsStateWordBeforeTheCheckOfItsOwnArray() throws IOException, AnalyzerException {
        byte[] patched = ClassRewriter.rewriteJdk(jdkClass("java/util/ArrayDeque"));
        // addLast: es[tail] = e     pollFirst: elementAt(es, h), made a load of its own, and es[h] = null
        for (String name : List.of("addLast", "pollFirst")) {
            MethodNode mn = method(patched, "java/util/ArrayDeque", name, null);
            List<Integer> guarded = new ArrayList<>();
            for (AbstractInsnNode insn : mn.instructions) {
                int op = insn.getOpcode();
                assertFalse(insn instanceof MethodInsnNode && ((MethodInsnNode) insn).name.equals("elementAt"),
                        name + " still calls elementAt");
                if (op != Opcodes.AASTORE && op != Opcodes.AALOAD) {
                    continue;
                }
                // aload_0; getfield __ssi_s; ifeq past the array check (which ends with the call of the site's method)
                AbstractInsnNode n = insn.getPrevious();
                while (n != null && !(n instanceof JumpInsnNode && n.getOpcode() == Opcodes.IFEQ)) {
                    n = n.getPrevious();
                }
                assertTrue(n != null && landsOn(((JumpInsnNode) n).label, insn),
                        name + ": the guard jumps to the access");
                FieldInsnNode state = (FieldInsnNode) n.getPrevious();
                assertEquals(ClassRewriter.STATE, state.name);
                guarded.add(op);
            }
            assertEquals(name.equals("addLast") ? List.of(Opcodes.AASTORE) : List.of(Opcodes.AALOAD, Opcodes.AASTORE),
                    guarded, name);
            new Analyzer<>(new BasicVerifier()).analyze("java/util/ArrayDeque", mn);
        }
    }

    /** Whether only labels, frames and line numbers lie between {@code label} and {@code insn}. */
    private static boolean landsOn(AbstractInsnNode label, AbstractInsnNode insn) {
        for (AbstractInsnNode n = label; n != null; n = n.getNext()) {
            if (n == insn) {
                return true;
            }
            if (n.getOpcode() >= 0) {
                return false;
            }
        }
        return false;
    }
}
