package io.ssijava.agent.jit;

import org.junit.jupiter.api.Test;
import org.objectweb.asm.Opcodes;
import org.objectweb.asm.tree.AbstractInsnNode;
import org.objectweb.asm.tree.ClassNode;
import org.objectweb.asm.tree.MethodInsnNode;
import org.objectweb.asm.tree.MethodNode;

import java.util.ArrayList;
import java.util.List;

import static io.ssijava.agent.jit.ClassFiles.members;
import static io.ssijava.agent.jit.ClassFiles.read;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The two bodies the agent gives Cont.poll()'s class: a constant 0, and a read of Cont.active. */
class PollFoldingTest
{
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

    @Test
    void theDisarmedBodyAnswersZeroAndTheArmedOneReadsActiveWithTheClassOtherwiseUnchanged() throws Exception
    {
        final byte[] original = MethodBodies.classFile(Class.forName(PollFolding.POLL.replace('/', '.')));
        // without an agent the body goes through the call site
        assertTrue(opcodes(read(original)).contains(Opcodes.INVOKEVIRTUAL), "Poll.poll() calls the site's invoker");
        final byte[] disarmedFile = PollFolding.withBody(original, false);
        final byte[] armedFile = PollFolding.withBody(original, true);
        final ClassNode disarmed = read(disarmedFile);
        final ClassNode armed = read(armedFile);
        assertEquals(List.of(Opcodes.ICONST_0, Opcodes.IRETURN), opcodes(disarmed));
        assertEquals(List.of(Opcodes.INVOKESTATIC, Opcodes.IRETURN), opcodes(armed));
        final MethodInsnNode read = (MethodInsnNode)armed.methods.stream().filter(m -> m.name.equals("poll"))
            .findFirst().orElseThrow().instructions.getFirst();
        assertEquals("io/ssijava/threads/cont/Cont.readActive()I", read.owner + "." + read.name + read.desc);
        // redefinition takes new bodies only
        assertEquals(members(original), members(disarmedFile));
        assertEquals(members(original), members(armedFile));
    }
}
