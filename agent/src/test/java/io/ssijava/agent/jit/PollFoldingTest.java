package io.ssijava.agent.jit;

import org.junit.jupiter.api.Test;
import org.objectweb.asm.ClassReader;
import org.objectweb.asm.Opcodes;
import org.objectweb.asm.tree.AbstractInsnNode;
import org.objectweb.asm.tree.ClassNode;
import org.objectweb.asm.tree.MethodInsnNode;
import org.objectweb.asm.tree.MethodNode;

import java.io.InputStream;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The two bodies the agent gives Cont.poll()'s class: a constant 0, and a read of Cont.active. */
class PollFoldingTest
{
    private static ClassNode read(final byte[] classFile)
    {
        final ClassNode cn = new ClassNode();
        new ClassReader(classFile).accept(cn, 0);
        return cn;
    }

    private static List<Integer> opcodes(final ClassNode cn)
    {
        final MethodNode poll = cn.methods.stream().filter(m -> m.name.equals("poll")).findFirst().orElseThrow();
        final List<Integer> out = new ArrayList<>();
        for (final AbstractInsnNode insn : poll.instructions)
        {
            if (insn.getOpcode() >= 0)
            {
                out.add(insn.getOpcode());
            }
        }
        return out;
    }

    private static List<String> members(final ClassNode cn)
    {
        final List<String> out = new ArrayList<>();
        cn.fields.forEach(f -> out.add(f.access + " " + f.name + f.desc));
        cn.methods.forEach(m -> out.add(m.access + " " + m.name + m.desc));
        return out;
    }

    @Test
    void theDisarmedBodyAnswersZeroAndTheArmedOneReadsActiveWithTheClassOtherwiseUnchanged() throws Exception
    {
        final byte[] original;
        try (InputStream in = Class.forName("io.ssijava.threads.cont.Poll").getResourceAsStream("Poll.class"))
        {
            assertNotNull(in);
            original = in.readAllBytes();
        }
        // without an agent the body goes through the call site
        assertTrue(opcodes(read(original)).contains(Opcodes.INVOKEVIRTUAL), "Poll.poll() calls the site's invoker");
        final ClassNode disarmed = read(PollFolding.withBody(original, false));
        final ClassNode armed = read(PollFolding.withBody(original, true));
        assertEquals(List.of(Opcodes.ICONST_0, Opcodes.IRETURN), opcodes(disarmed));
        assertEquals(List.of(Opcodes.INVOKESTATIC, Opcodes.IRETURN), opcodes(armed));
        final MethodInsnNode read = (MethodInsnNode)armed.methods.stream().filter(m -> m.name.equals("poll"))
            .findFirst().orElseThrow().instructions.getFirst();
        assertEquals("io/ssijava/threads/cont/Cont.readActive()I", read.owner + "." + read.name + read.desc);
        // redefinition takes new bodies only
        assertEquals(members(read(original)), members(disarmed));
        assertEquals(members(read(original)), members(armed));
    }
}
