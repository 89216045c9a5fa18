package io.ssijava.agent.jit;

import org.objectweb.asm.ClassReader;
import org.objectweb.asm.tree.AbstractInsnNode;
import org.objectweb.asm.tree.ClassNode;
import org.objectweb.asm.tree.MethodInsnNode;
import org.objectweb.asm.tree.MethodNode;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Keeps HotSpot's C2 inlining the methods plain java would have it inline at hot call sites.
 * <p>
 * C2 judges a callee by its bytecode size: at a hot call site it inlines methods up to {@code FreqInlineSize} bytes
 * (325). The rewriting adds code that never runs on the fast path (the calls that fetch a missing object, the blocks
 * that save a frame for a capture), and that code alone can push a method past the limit: tsp's recursive
 * {@code expand} grows from 148 to 522 bytes, the instrumented JDK's {@code HashMap.putVal} from 300 to 371, and
 * neither is inlined any more where plain java inlined it. For every method that was under the limit before the
 * rewriting and is over it after, and for the small methods of its class that call it ({@link #delegators}), this
 * class tells C2 to inline it: a compiler directive, pushed with the JVM's
 * {@code Compiler.directives_add} diagnostic command before the class is defined (once the list is long, a moment
 * after classes stop loading). C2's other limits (recursion depth, the inlined size of a whole compilation) still
 * hold. A forced method is inlined at cold call sites too, where plain java would call it; those run rarely.
 * <p>
 * Measured on tsp (RewriteOverheadBenchmark, see jmh/README.md): C2 inlines one level of {@code expand}'s recursion
 * again, as it does in plain java.
 * <p>
 * The same directives keep C2 from compiling the rewriter ({@link #NOT_IN_C2}). It runs a few times per class as
 * the program loads them, yet its analysis got hot enough for C2, whose compilations of it took 0.6 s of a node's
 * compile time in a 2-node {@code MatMul} (on a node's one CPU, the program's). Left to C1, the rewriting is no
 * slower; a 2-node {@code Pi 2 1000} takes 1.33 s instead of 1.38 (medians of 6). They keep the methods that drive
 * the runtime's releases out of C2 as well, for the same reason. And they keep C2 from inlining the runtime's slow
 * paths into the program's code ({@link #NOT_INLINED}).
 * <p>
 * Off with {@code -Dssi.inlineHints=false}; never used when the program gives its own directives file (ours would
 * hide it), nor on a JVM without C2 or without the diagnostic commands.
 */
public final class InlineHints
{
    /** Name of the file, in the instrumented JDK's directory, that lists the JDK methods the rewriting grew. */
    public static final String JDK_HINTS_FILE = "ssi-java-inline-hints.tsv";
    /** HotSpot's MaxInlineSize: C2 inlines methods up to this size at any call site (unless compiled big). */
    private static final int MAX_INLINE_SIZE = 35;
    /** HotSpot's default, used until the JVM's own value is read (and for the instrumented JDK's list). */
    private static final int DEFAULT_FREQ_INLINE_SIZE = 325;
    /** How long classes must stop loading before the directive is (re)pushed. */
    private static final long QUIET_MILLIS = 150;
    /** More patterns than this make every inlining decision of C2 walk a long list: the rest go without. */
    static final int MAX_PATTERNS = 4000;

    /** A method's bytecode size before and after the rewriting, with the directive pattern that names it. */
    record Growth(String pattern, int before, int after)
    {
        /** Whether plain java's size passed a limit the rewritten size fails. */
        boolean crosses(final int limit)
        {
            return before <= limit && after > limit;
        }
    }

    private static final boolean ENABLED = !"false".equals(System.getProperty("ssi.inlineHints"));
    /**
     * Compiled by C1 only: the rewriter's classes, the JDK's own copy of ASM (it spins the JDK's lambda and method
     * handle classes, a few times each, yet got hot enough for C2), and the two methods that drive a release and
     * take one in. C2 compiled those 4 to 7 times each in a 2-node {@code NBody} (each trap of the sharing protocol's
     * rarer paths a new compilation, inlining 5 to 7 KB of bytecode, most of it the collections they use), 1.3 s of
     * node 1's compile time and 1.3 s of node 0's, on the CPU the program runs on. The work per element (comparing
     * with twins, encoding, decoding) is in methods they call, which C2 still compiles.
     */
    static final List<String> NOT_IN_C2 = List.of("io/ssijava/shaded/asm/*.*", "io/ssijava/agent/rewrite/*.*",
        "io/ssijava/agent/jit/*.*", "jdk/internal/org/objectweb/asm/*.*", "io/ssijava/dsm/ObjectSpace.flush",
        "io/ssijava/dsm/ObjectSpace.applyDiffs");
    /**
     * The runtime's slow paths, which the checks in rewritten code call when they fail: never inlined. C2 inlined
     * them where they ran often (a write miss for every body in every step of {@code NBody} on node 1, with the
     * reflection that makes its twin), used up the compilation's inlining budget, and then called the small checks
     * of the hot loop instead of inlining them (73 KB of code for the loop's method against node 0's 54 KB). Left
     * out of line: node 1's compute thread 3.6-3.7 s of CPU instead of 4.0-4.1 (node 0's 2.7-3.2), its method
     * 19 KB (node 0's 16 KB).
     */
    static final List<String> NOT_INLINED = List.of("io/ssijava/rt/Ssi.readMiss", "io/ssijava/rt/Ssi.writeMiss",
        "io/ssijava/rt/Ssi.staticReadMiss", "io/ssijava/rt/Ssi.staticWriteMiss", "io/ssijava/rt/ArrayGuard.readMiss",
        "io/ssijava/rt/ArrayGuard.writeMiss", "io/ssijava/rt/ArrayGuard.holdMiss",
        "io/ssijava/threads/cont/Cont.pollSlow");
    /** Up to this many methods, the list is pushed again as soon as a class adds to it. */
    private static final int SYNC_PATTERNS = 1000;

    private static final Object LOCK = new Object();
    /** Growths noted before {@link #start} knew the JVM's limits (guarded by LOCK). */
    private static final List<Growth> PENDING = new ArrayList<>();
    private static final java.util.Set<String> CHOSEN = new java.util.LinkedHashSet<>();
    private static volatile boolean recording = ENABLED;
    private static DiagnosticCommands dcmd;
    private static volatile int freqInlineSize = DEFAULT_FREQ_INLINE_SIZE;
    private static boolean started;
    /** How many directives {@link #directive} writes. */
    private static final int DIRECTIVES = 2;
    /** How many directives this class has on the JVM's stack (guarded by LOCK). */
    private static int pushed;
    private static boolean dirty;
    private static boolean verbose;

    private InlineHints()
    {
    }

    /**
     * Notes the methods of a class that the rewriting grew past an inlining limit.
     *
     * @param owner  the class's internal name.
     * @param before the class file as loaded.
     * @param after  the rewritten class file.
     */
    public static void rewritten(final String owner, final byte[] before, final byte[] after)
    {
        if (recording)
        {
            final List<Growth> grown = growths(owner, before, after, freqInlineSize);
            if (!grown.isEmpty())
            {
                add(grown);
            }
        }
    }

    /**
     * The methods of a class whose size crosses the inlining limit through the rewriting.
     *
     * @param owner  the class's internal name.
     * @param before the class file before the rewriting.
     * @param after  the rewritten class file.
     * @param limit  FreqInlineSize.
     * @return one per such method.
     */
    static List<Growth> growths(final String owner, final byte[] before, final byte[] after, final int limit)
    {
        final Map<String, Integer> was = CodeSizes.of(before);
        final Map<String, Integer> is = CodeSizes.of(after);
        final List<Growth> out = new ArrayList<>();
        for (final Map.Entry<String, Integer> e : was.entrySet())
        {
            final Integer now = is.get(e.getKey());
            final String pattern = owner + "." + e.getKey();
            // a class initializer runs once and is never inlined
            if (now != null && safe(pattern) && !e.getKey().startsWith("<clinit>"))
            {
                final Growth g = new Growth(pattern, e.getValue(), now);
                if (g.crosses(limit))
                {
                    out.add(g);
                }
            }
        }
        if (!out.isEmpty())
        {
            out.addAll(delegators(owner, before, was, is, out));
        }
        return out;
    }

    /**
     * The small methods of the class (at most {@code MaxInlineSize} bytes before the rewriting, which C2 inlines at
     * any call site) that call one of its grown methods, directly or through another such method. Each stands with
     * the sizes of the grown method it calls, so it is chosen exactly when that one is. Once the grown method is
     * inlined into it, its compiled code can pass {@code InlineSmallCode} where plain java's did not, and C2 then
     * calls it instead of inlining it ("already compiled into a big method"): the instrumented {@code HashMap.put}
     * (13 bytes, calling {@code putVal}) was called, not inlined, in a get+put loop on a node.
     */
    private static List<Growth> delegators(final String owner, final byte[] before, final Map<String, Integer> was,
        final Map<String, Integer> is, final List<Growth> grown)
    {
        final Map<String, Growth> byMethod = new HashMap<>();
        for (final Growth g : grown)
        {
            byMethod.put(g.pattern().substring(owner.length() + 1), g);
        }
        final ClassNode cn = new ClassNode();
        new ClassReader(before).accept(cn, ClassReader.SKIP_DEBUG | ClassReader.SKIP_FRAMES);
        final List<Growth> out = new ArrayList<>();
        boolean more = true;
        while (more)
        {
            more = false;
            for (final MethodNode m : cn.methods)
            {
                final String key = m.name + m.desc;
                final Integer size = was.get(key);
                if (size == null || size > MAX_INLINE_SIZE || byMethod.containsKey(key) || !is.containsKey(key) ||
                    !safe(owner + "." + key) || m.name.equals("<clinit>"))
                {
                    continue;
                }
                for (final AbstractInsnNode insn : m.instructions)
                {
                    final Growth callee = insn instanceof MethodInsnNode && ((MethodInsnNode)insn).owner.equals(owner) ?
                        byMethod.get(((MethodInsnNode)insn).name + ((MethodInsnNode)insn).desc) : null;
                    if (callee != null)
                    {
                        final Growth g = new Growth(owner + "." + key, callee.before(), callee.after());
                        byMethod.put(key, g);
                        out.add(g);
                        more = true;
                        break;
                    }
                }
            }
        }
        return out;
    }

    /**
     * The lines of {@link #JDK_HINTS_FILE} for one class of the instrumented JDK.
     *
     * @param owner  the class's internal name.
     * @param before the JDK's class file.
     * @param after  the instrumented class file.
     * @return "pattern TAB before TAB after" per grown method.
     */
    public static List<String> jdkLines(final String owner, final byte[] before, final byte[] after)
    {
        final List<String> out = new ArrayList<>();
        for (final Growth g : growths(owner, before, after, DEFAULT_FREQ_INLINE_SIZE))
        {
            out.add(g.pattern() + "\t" + g.before() + "\t" + g.after());
        }
        return out;
    }

    /** Names that need no quoting in a directive (class names may hold almost anything). */
    private static boolean safe(final String pattern)
    {
        for (int i = 0; i < pattern.length(); i++)
        {
            final char c = pattern.charAt(i);
            if (c < 0x20 || c > 0x7e || c == '"' || c == '\\' || c == '*' || c == ' ')
            {
                return false;
            }
        }
        return true;
    }

    /**
     * The methods to force inline under the JVM's own limit, at most {@link #MAX_PATTERNS}.
     *
     * @param growths what the rewriting grew.
     * @param freq    the JVM's FreqInlineSize.
     * @param into    patterns already chosen; new ones are added.
     * @return whether any was added.
     */
    static boolean choose(final Collection<Growth> growths, final int freq, final java.util.Set<String> into)
    {
        boolean added = false;
        for (final Growth g : growths)
        {
            if (g.crosses(freq) && into.size() < MAX_PATTERNS)
            {
                added |= into.add(g.pattern());
            }
        }
        return added;
    }

    /**
     * The directives, in HotSpot's syntax: the first keeps the rewriter out of C2, the second keeps C2 from inlining
     * the runtime's slow paths and makes it inline the given methods everywhere else. The first in the file is the
     * first matched.
     *
     * @param patterns class/method(descriptor) patterns.
     * @return the directives file's text.
     */
    static String directive(final Collection<String> patterns)
    {
        final StringBuilder sb = new StringBuilder("[{ match: [");
        String sep = "";
        for (final String p : NOT_IN_C2)
        {
            sb.append(sep).append('"').append(p).append('"');
            sep = ", ";
        }
        sb.append("], c2: { Exclude: true } }, { match: \"*.*\", c2: { inline: [");
        sep = "";
        for (final String p : NOT_INLINED)
        {
            sb.append(sep).append("\"-").append(p).append('"');
            sep = ", ";
        }
        for (final String p : patterns)
        {
            sb.append(sep).append("\"+").append(p).append('"');
        }
        return sb.append("] } }]\n").toString();
    }

    /**
     * Starts telling the JVM: at once for what is known, and from then on as classes are rewritten. Also reads the
     * instrumented JDK's hints when this JVM runs with it.
     *
     * @param inst    to open the diagnostic commands to the agent.
     * @param verbose whether to say on stderr what was pushed.
     */
    public static void start(final java.lang.instrument.Instrumentation inst, final boolean verbose)
    {
        if (!ENABLED)
        {
            return;
        }
        synchronized (LOCK)
        {
            try
            {
                dcmd = DiagnosticCommands.open(inst);
                final String flags = dcmd == null ? "" : dcmd.execute("VM.flags -all");
                freqInlineSize = flag(flags, "FreqInlineSize");
                final String own = flagText(flags, "CompilerDirectivesFile");
                // no C2, or the program's own directives, which ours would hide (the flag is listed only when set:
                // it needs -XX:+UnlockDiagnosticVMOptions)
                if (freqInlineSize < 0 || own != null && !own.isEmpty())
                {
                    stop(null, false);
                    return;
                }
                InlineHints.verbose = verbose;
                PENDING.addAll(jdkGrowths());
                started = true;
                choose(PENDING, freqInlineSize, CHOSEN);
                PENDING.clear();
                push(); // the rewriter's exclusion and the slow paths, whether or not there are hints yet
            }
            catch (final Exception ex)
            {
                stop(ex, verbose);
                return;
            }
        }
        final Thread t = new Thread(InlineHints::pushLater, "ssi-inline-hints");
        t.setDaemon(true);
        t.start();
    }

    /** Adds what a rewritten class grew: pushed at once while the list is short, else after a quiet moment. */
    private static void add(final List<Growth> growths)
    {
        synchronized (LOCK)
        {
            if (!started)
            {
                PENDING.addAll(growths);
                return;
            }
            if (!choose(growths, freqInlineSize, CHOSEN))
            {
                return;
            }
            if (CHOSEN.size() > SYNC_PATTERNS)
            {
                // each push parses the whole list again: a long one waits until classes stop loading
                dirty = true;
                LOCK.notifyAll();
                return;
            }
            try
            {
                push();
            }
            catch (final Exception ex)
            {
                stop(ex, verbose);
            }
        }
    }

    /** The background thread: pushes the list once classes have stopped loading for a moment. */
    private static void pushLater()
    {
        try
        {
            synchronized (LOCK)
            {
                while (recording)
                {
                    if (!dirty)
                    {
                        LOCK.wait();
                        continue;
                    }
                    dirty = false;
                    LOCK.wait(QUIET_MILLIS);
                    if (!dirty)
                    {
                        push();
                    }
                }
            }
        }
        catch (final InterruptedException ex)
        {
            Thread.currentThread().interrupt();
        }
        catch (final Exception ex)
        {
            synchronized (LOCK)
            {
                stop(ex, verbose);
            }
        }
    }

    /** Replaces the directives this class pushed with the rewriter's and the current inline list (under LOCK). */
    private static void push() throws java.io.IOException, ReflectiveOperationException
    {
        final Path file = Files.createTempFile("ssi-java-inline", ".json");
        try
        {
            Files.writeString(file, directive(CHOSEN));
            for (; pushed > 0; pushed--)
            {
                dcmd.execute("Compiler.directives_remove");
            }
            final String answer = dcmd.execute("Compiler.directives_add " + file);
            if (!answer.contains(DIRECTIVES + " compiler directives added"))
            {
                throw new IllegalStateException("the JVM refused them: " + answer.trim());
            }
            pushed = DIRECTIVES;
            if (verbose && !CHOSEN.isEmpty())
            {
                System.err.println("ssi-java: C2 told to inline " + CHOSEN.size() + (CHOSEN.size() == 1 ?
                    " method" : " methods") + " that the rewriting grew past its size limit");
            }
        }
        finally
        {
            Files.deleteIfExists(file);
        }
    }

    /** Gives up (under LOCK): the program runs on, only without hints. */
    private static void stop(final Exception why, final boolean report)
    {
        recording = false;
        PENDING.clear();
        LOCK.notifyAll();
        if (why != null && report)
        {
            System.err.println("ssi-java: no inline hints: " + why);
        }
    }

    /** The hints the instrumented JDK's directory lists, if this JVM runs with it (a resource of java.base then). */
    private static List<Growth> jdkGrowths() throws java.io.IOException
    {
        final List<Growth> out = new ArrayList<>();
        try (java.io.InputStream in = Object.class.getModule().getResourceAsStream(JDK_HINTS_FILE))
        {
            if (in == null)
            {
                return out;
            }
            for (final String line : new String(in.readAllBytes(), java.nio.charset.StandardCharsets.UTF_8).split("\n"))
            {
                final String[] f = line.split("\t");
                if (f.length == 3 && safe(f[0]))
                {
                    out.add(new Growth(f[0], Integer.parseInt(f[1]), Integer.parseInt(f[2])));
                }
            }
        }
        return out;
    }

    /** An integer flag's value in the output of {@code VM.flags -all}, or -1 if absent. */
    static int flag(final String flags, final String name)
    {
        final String v = flagText(flags, name);
        try
        {
            return v == null ? -1 : Integer.parseInt(v);
        }
        catch (final NumberFormatException ex)
        {
            return -1;
        }
    }

    /** A flag's value as text ("" when empty), or null if absent. */
    static String flagText(final String flags, final String name)
    {
        final java.util.regex.Matcher m = java.util.regex.Pattern.compile(
            "(?m)^[ \\t]*\\S+[ \\t]+" + name + "[ \\t]+:?=[ \\t]*(\\S*)").matcher(flags);
        if (!m.find())
        {
            return null;
        }
        final String v = m.group(1);
        return v.startsWith("{") ? "" : v;
    }
}
