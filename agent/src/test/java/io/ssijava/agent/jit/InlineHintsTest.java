package io.ssijava.agent.jit;

import org.junit.jupiter.api.Test;
import org.objectweb.asm.ClassWriter;
import org.objectweb.asm.MethodVisitor;
import org.objectweb.asm.Opcodes;

import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** What the inline hints choose from the sizes of methods before and after the rewriting, and how they say it. */
class InlineHintsTest
{
    /**
     * A class whose methods have code of the given lengths: {@code nop}s and a {@code return}. Fields with attributes
     * come first, as the reader must step over them.
     */
    private static byte[] classWith(final Map<String, Integer> sizes)
    {
        final ClassWriter cw = new ClassWriter(ClassWriter.COMPUTE_MAXS);
        cw.visit(Opcodes.V17, Opcodes.ACC_PUBLIC, "p/Grown", null, "java/lang/Object", null);
        cw.visitField(Opcodes.ACC_STATIC | Opcodes.ACC_FINAL, "K", "I", null, 7).visitEnd();
        cw.visitField(Opcodes.ACC_PRIVATE, "f", "Ljava/lang/String;", null, null).visitEnd();
        cw.visitMethod(Opcodes.ACC_PUBLIC | Opcodes.ACC_ABSTRACT, "none", "()V", null, null).visitEnd();
        for (final Map.Entry<String, Integer> e : sizes.entrySet())
        {
            method(cw, "p/Grown", e.getKey(), e.getValue() - 1, null);
        }
        cw.visitEnd();
        return cw.toByteArray();
    }

    /** A static method {@code (I)V}: {@code nops} nops, then {@code iload_0; invokestatic calls} if given, return. */
    private static void method(final ClassWriter cw, final String owner, final String name, final int nops,
        final String calls)
    {
        final MethodVisitor mv = cw.visitMethod(Opcodes.ACC_STATIC, name, "(I)V", null, null);
        mv.visitCode();
        for (int i = 0; i < nops; i++)
        {
            mv.visitInsn(Opcodes.NOP);
        }
        if (calls != null)
        {
            mv.visitVarInsn(Opcodes.ILOAD, 0);
            mv.visitMethodInsn(Opcodes.INVOKESTATIC, owner, calls, "(I)V", false);
        }
        mv.visitInsn(Opcodes.RETURN);
        mv.visitMaxs(0, 0);
        mv.visitEnd();
    }

    @Test
    void codeSizesAreTheBytecodeLengthsOfMethodsWithCode()
    {
        final Map<String, Integer> sizes = CodeSizes.of(classWith(Map.of("a", 1, "b", 300, "c", 4000)));
        assertEquals(Map.of("a(I)V", 1, "b(I)V", 300, "c(I)V", 4000), sizes);
    }

    @Test
    void onlyMethodsThatCrossTheLimitThroughTheRewritingAreHinted()
    {
        final byte[] before = classWith(Map.of("crosses", 300, "alreadyBig", 400, "staysSmall", 100, "atLimit", 325,
            "<clinit>", 200));
        final byte[] after = classWith(Map.of("crosses", 326, "alreadyBig", 600, "staysSmall", 325, "atLimit", 500,
            "<clinit>", 900));
        final List<InlineHints.Growth> grown = InlineHints.growths("p/Grown", before, after, 325);
        final Set<String> patterns = new LinkedHashSet<>();
        assertTrue(InlineHints.choose(grown, 325, patterns));
        assertEquals(Set.of("p/Grown.crosses(I)V", "p/Grown.atLimit(I)V"), patterns);
        assertFalse(InlineHints.choose(grown, 325, patterns), "nothing new the second time");

        // a JVM run with a larger limit inlines the 326-byte method by itself
        final Set<String> larger = new LinkedHashSet<>();
        InlineHints.choose(grown, 400, larger);
        assertEquals(Set.of("p/Grown.atLimit(I)V"), larger);
        assertEquals(List.of("p/Grown.crosses(I)V\t300\t326", "p/Grown.atLimit(I)V\t325\t500"),
            InlineHints.jdkLines("p/Grown", before, after).stream().sorted((x, y) -> y.compareTo(x)).toList());
    }

    /** {@code big} of {@code bigSize} bytes; {@code small} calls it, {@code tiny} calls small, {@code far} late. */
    private static byte[] classWithCalls(final int bigSize)
    {
        final ClassWriter cw = new ClassWriter(ClassWriter.COMPUTE_MAXS);
        cw.visit(Opcodes.V17, Opcodes.ACC_PUBLIC, "p/Calls", null, "java/lang/Object", null);
        method(cw, "p/Calls", "big", bigSize - 1, null);
        method(cw, "p/Calls", "small", 0, "big");
        method(cw, "p/Calls", "tiny", 0, "small");
        method(cw, "p/Calls", "far", 40, "big");
        cw.visitEnd();
        return cw.toByteArray();
    }

    @Test
    void smallMethodsThatCallAGrownOneAreHintedWithIt()
    {
        final List<InlineHints.Growth> grown = InlineHints.growths("p/Calls", classWithCalls(300),
            classWithCalls(326), 325);
        final Set<String> patterns = new LinkedHashSet<>();
        InlineHints.choose(grown, 325, patterns);
        // far (45 bytes) is over MaxInlineSize: plain java does not inline it everywhere either
        assertEquals(Set.of("p/Calls.big(I)V", "p/Calls.small(I)V", "p/Calls.tiny(I)V"), patterns);
        // chosen with the method they call: a JVM whose limit takes the grown method takes them as they are
        final Set<String> larger = new LinkedHashSet<>();
        InlineHints.choose(grown, 400, larger);
        assertEquals(Set.of(), larger);
        assertEquals(List.of(), InlineHints.growths("p/Calls", classWithCalls(300), classWithCalls(320), 325));
    }

    @Test
    void theDirectivesKeepTheRewriterAndTheReleaseOutOfC2AndTheSlowPathsOutOfLineAndForceInliningInC2Only()
    {
        final String rewriter = "{ match: [\"io/ssijava/shaded/asm/*.*\", \"io/ssijava/agent/rewrite/*.*\", " +
            "\"io/ssijava/agent/jit/*.*\", \"jdk/internal/org/objectweb/asm/*.*\", " +
            "\"io/ssijava/dsm/ObjectSpace.flush\", \"io/ssijava/dsm/ObjectSpace.applyDiffs\"], c2: { Exclude: true } }";
        final String slow = "\"-io/ssijava/rt/Ssi.readMiss\", \"-io/ssijava/rt/Ssi.writeMiss\", " +
            "\"-io/ssijava/rt/Ssi.staticReadMiss\", \"-io/ssijava/rt/Ssi.staticWriteMiss\", " +
            "\"-io/ssijava/rt/ArrayGuard.readMiss\", \"-io/ssijava/rt/ArrayGuard.writeMiss\", " +
            "\"-io/ssijava/rt/ArrayGuard.holdMiss\", \"-io/ssijava/threads/cont/Cont.pollSlow\"";
        assertEquals("[" + rewriter + ", { match: \"*.*\", c2: { inline: [" + slow +
            ", \"+p/A.m(I)V\", \"+p/B$C.n()J\"] } }]\n", InlineHints.directive(List.of("p/A.m(I)V", "p/B$C.n()J")));
        assertEquals("[" + rewriter + ", { match: \"*.*\", c2: { inline: [" + slow + "] } }]\n",
            InlineHints.directive(List.of()));
    }

    @Test
    void flagsAreReadFromTheJvmsListing()
    {
        final String flags = String.join("\n",
            "     intx FreqInlineSize                     = 325                  {C2 pd product} {default}",
            "     intx MaxInlineSize                      = 35                   {C2 product} {default}",
            "    ccstr CompilerDirectivesFile             =                      {diagnostic} {default}",
            "    ccstr ErrorFile                          = /tmp/err.log         {product} {command line}",
            "    ccstr EmptyAtEnd                         =",
            "     bool Next                               = true                 {product} {default}");
        assertEquals(325, InlineHints.flag(flags, "FreqInlineSize"));
        assertEquals(35, InlineHints.flag(flags, "MaxInlineSize"));
        assertEquals(-1, InlineHints.flag(flags, "InlineSize"), "a name is matched whole");
        assertEquals("", InlineHints.flagText(flags, "CompilerDirectivesFile"));
        assertEquals("/tmp/err.log", InlineHints.flagText(flags, "ErrorFile"));
        assertNull(InlineHints.flagText(flags, "Missing"));
        assertEquals("", InlineHints.flagText(flags, "EmptyAtEnd"), "an empty value never reads the next line");
    }
}
