package io.ssijava.agent;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.objectweb.asm.ClassReader;
import org.objectweb.asm.ClassWriter;
import org.objectweb.asm.Opcodes;
import org.objectweb.asm.tree.ClassNode;
import org.objectweb.asm.tree.MethodNode;
import org.objectweb.asm.tree.AbstractInsnNode;
import org.objectweb.asm.tree.InsnNode;
import org.objectweb.asm.tree.MethodInsnNode;
import org.objectweb.asm.tree.VarInsnNode;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The transformer never throws: a class it cannot rewrite is reported once and loaded as well as it can be. */
@Timeout(10)
class TransformerTest
{
    private final ByteArrayOutputStream err = new ByteArrayOutputStream();
    private PrintStream oldErr;
    private final ClassLoader loader = new ClassLoader(TransformerTest.class.getClassLoader())
    {
    };

    @BeforeEach
    void captureStderr()
    {
        oldErr = System.err;
        System.setErr(new PrintStream(err, true, StandardCharsets.UTF_8));
    }

    @AfterEach
    void restoreStderr()
    {
        System.setErr(oldErr);
    }

    private String stderr()
    {
        return err.toString(StandardCharsets.UTF_8);
    }

    private static int count(final String text, final String part)
    {
        int n = 0;
        for (int i = text.indexOf(part); i >= 0; i = text.indexOf(part, i + 1))
        {
            n++;
        }
        return n;
    }

    @Test
    void garbageBytesGiveNullAndOneReport()
    {
        final Transformer t = new Transformer(false);
        final byte[] garbage = {(byte)0xCA, (byte)0xFE, (byte)0xBA, (byte)0xBE, 0, 0, 0, 61, 1, 2, 3};
        assertNull(t.transform(loader, "bad/Garbage", null, null, garbage));
        assertNull(t.transform(loader, "bad/Garbage", null, null, garbage));
        assertNull(t.transform(loader, "bad/Garbage", null, null, new byte[] {1, 2, 3}));
        final String text = stderr();
        assertEquals(1, count(text, "ssi-java: class bad.Garbage is not rewritten"), text);
    }

    /**
     * A method just under the 64 KiB code limit with thousands of array reads: rewriting every read makes it too
     * large, so the full rewrite fails; the structure-only pass still gives the class its state word.
     */
    @Test
    void classWhoseCodeCannotBeRewrittenGetsStructureOnlyAndOneReport() throws Exception
    {
        final ClassNode cn = new ClassNode();
        cn.visit(Opcodes.V17, Opcodes.ACC_PUBLIC, "bad/Huge", null, "java/lang/Object", null);
        final MethodNode m = new MethodNode(Opcodes.ACC_PUBLIC | Opcodes.ACC_STATIC, "big", "([I)I", null, null);
        m.instructions.add(new InsnNode(Opcodes.ICONST_0));
        for (int i = 0; i < 12_000; i++)
        {
            m.instructions.add(new VarInsnNode(Opcodes.ALOAD, 0));
            m.instructions.add(new InsnNode(Opcodes.ICONST_0));
            m.instructions.add(new InsnNode(Opcodes.IALOAD));
            m.instructions.add(new InsnNode(Opcodes.IADD));
        }
        m.instructions.add(new InsnNode(Opcodes.IRETURN));
        cn.methods.add(m);
        final ClassWriter cw = new ClassWriter(ClassWriter.COMPUTE_MAXS | ClassWriter.COMPUTE_FRAMES);
        cn.accept(cw);
        final byte[] original = cw.toByteArray();

        final Transformer t = new Transformer(false);
        final byte[] out = t.transform(loader, "bad/Huge", null, null, original);
        final byte[] again = t.transform(loader, "bad/Huge", null, null, original);
        final String text = stderr();
        assertEquals(1, count(text, "ssi-java: class bad.Huge is not rewritten"), text);
        assertNotNull(out, "structure-only bytes expected");
        assertNotNull(again);
        final ClassNode result = new ClassNode();
        new ClassReader(out).accept(result, 0);
        assertTrue(result.interfaces.contains("io/ssijava/rt/Managed"));
        assertTrue(result.fields.stream().anyMatch(f -> f.name.equals("__ssi_s")));
        final MethodNode big = result.methods.stream().filter(x -> x.name.equals("big")).findFirst().orElseThrow();
        for (final AbstractInsnNode insn : big.instructions)
        {
            assertTrue(!(insn instanceof MethodInsnNode), "code left as it was");
        }
        final Class<?> c = new ClassLoader(TransformerTest.class.getClassLoader())
        {
            Class<?> define()
            {
                return defineClass("bad.Huge", out, 0, out.length);
            }
        }.define();
        assertEquals(12_000 * 3, c.getMethod("big", int[].class).invoke(null, (Object)new int[] {3}));
    }

    @Test
    void systemAndAgentClassesAreNotTransformed()
    {
        final Transformer t = new Transformer(false);
        final byte[] any = {1, 2, 3};
        assertNull(t.transform(loader, "java/util/ArrayList", null, null, any));
        assertNull(t.transform(loader, "io/ssijava/rt/Ssi", null, null, any));
        assertNull(t.transform(null, "app/Boot", null, null, any));
        assertNull(t.transform(loader, "app/X$$Lambda$1", null, null, any));
        assertNull(t.transform(loader, "app/Redefined", Object.class, null, any));
        assertEquals("", stderr());
    }

    @Test
    void applicationClassIsRewritten()
    {
        final ClassNode cn = new ClassNode();
        cn.visit(Opcodes.V17, Opcodes.ACC_PUBLIC, "good/Ok", null, "java/lang/Object", null);
        final ClassWriter cw = new ClassWriter(0);
        cn.accept(cw);
        final byte[] out = new Transformer(false).transform(loader, "good/Ok", null, null, cw.toByteArray());
        assertNotNull(out);
        final ClassNode result = new ClassNode();
        new ClassReader(out).accept(result, 0);
        assertTrue(result.interfaces.contains("io/ssijava/rt/Managed"));
        assertEquals("", stderr());
    }
}
