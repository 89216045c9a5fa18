package io.ssijava.systemtests;

import io.ssijava.testsupport.PlainJava;
import io.ssijava.testsupport.ProcessCleanupExtension;
import io.ssijava.testsupport.ProcessRunner;
import io.ssijava.testsupport.SsiJava;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;

import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * C2 inlines a rewritten method where it inlines the program's own: {@code inlining.Search.expand} is inlined into
 * itself once in plain java, grows past C2's size limit through the rewriting, and is inlined again because the
 * agent tells C2 to. Read from C2's own account ({@code -XX:+PrintInlining}, compiled in the foreground with
 * {@code -Xbatch} so that every compilation finishes before the program goes on). The same directives keep C2 from
 * compiling the rewriter.
 */
@ExtendWith(ProcessCleanupExtension.class)
class InliningTest {

    private static final String MAIN = "inlining.Search";
    private static final List<String> PRINT_INLINING = List.of("-XX:+UnlockDiagnosticVMOptions",
            "-XX:+PrintInlining", "-Xbatch");

    private static List<String> withJvmFlags(List<String> command, List<String> flags) {
        List<String> out = new ArrayList<>(command);
        out.addAll(1, flags);
        return out;
    }

    /** C2's verdicts on the recursive call of expand, e.g. "inline (hot)", "hot method too big". */
    private static List<String> verdicts(String stdout) {
        List<String> out = new ArrayList<>();
        var m = Pattern.compile("inlining\\.Search::expand \\(\\d+ bytes\\)\\s+(?:failed to inline: )?([^\\n]*)")
                .matcher(stdout);
        while (m.find()) {
            out.add(m.group(1).trim());
        }
        return out;
    }

    private static String tours(String stdout) {
        StringBuilder sb = new StringBuilder();
        stdout.lines().filter(l -> l.startsWith("shortest tour ")).forEach(l -> sb.append(l).append('\n'));
        return sb.toString();
    }

    private static ProcessRunner.Result run(List<String> command) {
        ProcessRunner.Result r = Cluster.run(command);
        assertEquals(0, r.exitCode(), () -> Cluster.explain(command, r));
        return r;
    }

    @Test
    @Timeout(120)
    void aMethodTheRewritingGrewPastTheLimitIsInlinedAsInPlainJava() {
        String cp = Cluster.litmusClasses().toString();
        ProcessRunner.Result plain = run(withJvmFlags(PlainJava.command(cp, MAIN), PRINT_INLINING));
        assertTrue(verdicts(plain.stdout()).contains("inline (hot)"),
                () -> "plain java should inline expand into itself\n" + plain.stdout());

        List<String> hinted = withJvmFlags(SsiJava.agentCommand("nodes=1", cp, MAIN), PRINT_INLINING);
        ProcessRunner.Result r = run(hinted);
        assertTrue(verdicts(r.stdout()).contains("force inline by CompileCommand"),
                () -> "expand should be inlined on the agent's word: " + verdicts(r.stdout()) + "\n" +
                        Cluster.explain(hinted, r));
        assertEquals(tours(plain.stdout()), tours(r.stdout()));

        List<String> unhinted = withJvmFlags(hinted, List.of("-Dssi.inlineHints=false"));
        ProcessRunner.Result off = run(unhinted);
        assertTrue(verdicts(off.stdout()).contains("hot method too big"),
                () -> "without hints C2 should refuse the grown expand: " + verdicts(off.stdout()) + "\n" +
                        Cluster.explain(unhinted, off));
        assertEquals(tours(plain.stdout()), tours(off.stdout()));
    }

    /** The directive on the JVM's stack that matches the rewriter's classes, with C2's part of it. */
    private static String rewriterDirective(String printed) {
        var m = Pattern.compile("(?s) matching: ([^\n]*io/ssijava/shaded/asm/[^\n]*)\n.*? c2 directives:\n[^\n]*\n"
                + "(\s*Enable:[^\n]*)").matcher(printed);
        return m.find() ? m.group(1) + " -> " + m.group(2) : "";
    }

    /** C2's list of methods to inline or not, from the directive that matches every method. */
    private static String inlineList(String printed) {
        var m = Pattern.compile("(?s) matching: \\*\\.\\*\n.*? c2 directives:\n\\s*inline: ([^\n]*)").matcher(printed);
        return m.find() ? m.group(1) : "";
    }

    @Test
    @Timeout(120)
    void theRewriterAndTheReleaseAreLeftToC1AndTheSlowPathsAreNotInlined() {
        String cp = Cluster.litmusClasses().toString();
        List<String> command = SsiJava.agentCommand("nodes=1", cp, "inlining.Directives");
        ProcessRunner.Result r = run(command);
        String directive = rewriterDirective(r.stdout());
        assertTrue(directive.contains("io/ssijava/agent/rewrite/*.*") && directive.contains(" Exclude:true "),
                () -> "C2 should be told to leave the rewriter alone: " + directive + "\n" + r.stdout());
        assertTrue(directive.contains("io/ssijava/dsm/ObjectSpace.flush")
                        && directive.contains("io/ssijava/dsm/ObjectSpace.applyDiffs")
                        && directive.contains("jdk/internal/org/objectweb/asm/*.*"),
                () -> "C2 should be told to leave the release and the JDK's ASM alone: " + directive + "\n"
                        + r.stdout());
        String inline = inlineList(r.stdout());
        assertTrue(inline.contains("-io/ssijava/rt/Ssi.writeMiss") && inline.contains("-io/ssijava/rt/Ssi.readMiss"),
                () -> "C2 should be told not to inline the misses: " + inline + "\n" + r.stdout());

        List<String> off = withJvmFlags(command, List.of("-Dssi.inlineHints=false"));
        ProcessRunner.Result o = run(off);
        assertEquals("", rewriterDirective(o.stdout()), () -> Cluster.explain(off, o));
        assertTrue(!inlineList(o.stdout()).contains("Ssi.writeMiss"), () -> Cluster.explain(off, o));
    }

    @Test
    @Timeout(120)
    void clusterNodesHintTheInstrumentedJdksGrownMethods() {
        String cp = Cluster.litmusClasses().toString();
        List<String> command = SsiJava.agentCommand("nodes=2,verbose", cp, MAIN, "3");
        ProcessRunner.Result r = run(command);
        var m = Pattern.compile("(?m)^ssi-java: C2 told to inline (\\d+) methods?").matcher(r.stderr());
        int most = 0;
        while (m.find()) {
            most = Math.max(most, Integer.parseInt(m.group(1)));
        }
        // HashMap.putVal alone grows from 300 to 371 bytes; the JDK's list holds dozens
        int told = most;
        assertTrue(told > 10,
                () -> "the JDK's grown methods should be hinted on a node\n" + Cluster.explain(command, r));
        assertEquals(tours(Cluster.plain(Cluster.litmusClasses(), MAIN, "3").stdout()), tours(r.stdout()));
    }
}
