package io.ssijava.agent.rewrite;

import io.ssijava.rt.ArrayGuard;
import org.objectweb.asm.ClassReader;
import org.objectweb.asm.tree.AbstractInsnNode;
import org.objectweb.asm.tree.ClassNode;
import org.objectweb.asm.tree.FieldInsnNode;
import org.objectweb.asm.tree.MethodInsnNode;
import org.objectweb.asm.tree.MethodNode;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Array loads and stores through per-site ArrayGuards, and the JDK array helpers through the facade. */
@Timeout(10)
class ArrayAccessRewriteTest extends RewriteTestSupport
{
    private void setUpArrays() throws Exception
    {
        install("ArrayOps");
        final java.lang.reflect.Field active = ArrayGuard.class.getDeclaredField("ACTIVE");
        active.setAccessible(true);
        assertEquals(true, active.get(null), "ArrayGuard was initialized before ssi.cluster was set");
        // a node that holds an invalid and a write-trapped shared array: guards take their per-site memo path
        ArrayGuard.invalidArrays = 1;
        ArrayGuard.trappedArrays = 1;
    }

    @AfterEach
    void noArraysInTrappedStates()
    {
        ArrayGuard.invalidArrays = 0;
        ArrayGuard.trappedArrays = 0;
    }

    @Test
    void hoistedChecksFollowTheAccessesAndEveryRewriteIsTheSame()
    {
        final byte[] first = new RewritingLoader().rewrittenBytes("ArrayOps");
        for (int i = 0; i < 20; i++)
        {
            // a fresh loader: new instruction objects, whose identity hashes used to order the hoisted checks
            final byte[] again = new RewritingLoader().rewrittenBytes("ArrayOps");
            assertArrayEquals(first, again, () -> "rewrites differ:\n" + RewritingLoader.textify(first) +
                "\n---\n" + RewritingLoader.textify(again));
        }
        final ClassNode app = new ClassNode();
        new ClassReader(first).accept(app, 0);
        final MethodNode incAll = app.methods.stream().filter(m -> m.name.equals("incAll")).findFirst().orElseThrow();
        final List<String> checks = new java.util.ArrayList<>();
        for (final AbstractInsnNode insn : incAll.instructions)
        {
            if (insn instanceof MethodInsnNode && ((MethodInsnNode)insn).owner.equals("io/ssijava/rt/ArrayGuard"))
            {
                checks.add(((MethodInsnNode)insn).name);
            }
        }
        // a[i]++ reads a, then writes it: the loop's two checks, in front of it, in that order
        assertEquals(List.of("checkRead", "checkHoistedWrite"), checks);
    }

    @Test
    void writeChecksOfApplicationClassesAskTheWriteSiteAndTheJdksReadTheCount() throws Exception
    {
        final ClassNode app = new ClassNode();
        new ClassReader(new RewritingLoader().rewrittenBytes("ArrayOps")).accept(app, 0);
        int siteCalls = 0;
        int countReads = 0;
        for (final MethodNode m : app.methods)
        {
            for (final AbstractInsnNode insn : m.instructions)
            {
                if (insn instanceof MethodInsnNode && ((MethodInsnNode)insn).owner.equals("io/ssijava/rt/ArrayWriteSite"))
                {
                    siteCalls++;
                }
                if (insn instanceof FieldInsnNode && ((FieldInsnNode)insn).name.equals("trappedArrays"))
                {
                    countReads++;
                }
            }
        }
        // incAll, the setters and the swaps write arrays: each write site's check method asks the site
        assertTrue(siteCalls >= 9, "write checks calling ArrayWriteSite.trapped(): " + siteCalls);
        assertEquals(0, countReads, "write checks reading ArrayGuard.trappedArrays themselves");
        // the instrumented JDK runs before java.lang.invoke can be used: its checks read the count
        final String text = RewritingLoader.textify(ClassRewriter.rewriteJdk(OwnArraysTest.jdkClass("java/util/ArrayDeque")));
        assertTrue(text.contains("ArrayGuard.trappedArrays"), "ArrayDeque's write checks read the count");
        assertFalse(text.contains("ArrayWriteSite"), "ArrayDeque's write checks call the site");
    }

    @Test
    void withNoInvalidOrTrappedArrayOnTheNodeNoAccessTraps() throws Throwable
    {
        setUpArrays();
        ArrayGuard.invalidArrays = 0;
        ArrayGuard.trappedArrays = 0;
        final long[] a = new long[50];
        call("ArrayOps", "incAll", a);
        assertEquals(49L, a[49]);
        final int[] b = {4, 5};
        assertEquals(9, call("ArrayOps", "sum", b));
        assertEquals(0, rt.count("arrayReadMiss"));
        assertEquals(0, rt.count("arrayWriteMiss"));
        // one invalid array somewhere on the node: reads go back to the guards, writes still pass
        ArrayGuard.invalidArrays = 1;
        assertEquals(9, call("ArrayOps", "sum", b));
        call("ArrayOps", "incAll", a);
        assertEquals(1, rt.count("arrayReadMiss", b));
        assertEquals(1, rt.count("arrayReadMiss", a));
        assertEquals(0, rt.count("arrayWriteMiss"));
        // one write-trapped array: writes go back to the guards too
        ArrayGuard.trappedArrays = 1;
        call("ArrayOps", "setJ", a, 3, 7L);
        assertEquals(1, rt.count("arrayWriteMiss", a));
        // the loop's write check went in front of the loop: it held the array on the first run, whatever the count
        assertEquals(1, rt.count("holdArray", a));
        call("ArrayOps", "incAll", a);
        assertEquals(1, rt.count("holdArray", a));
    }

    @Test
    void everyLoadKindIsGuardedAndReturnsTheFaultedValue() throws Throwable
    {
        setUpArrays();
        final Object[][] cases = {
            {"getI", new int[] {0, 0}, 7},
            {"getJ", new long[] {0, 0}, Long.MIN_VALUE},
            {"getD", new double[] {0, 0}, -2.5},
            {"getF", new float[] {0, 0}, 1.25f},
            {"getB", new byte[] {0, 0}, (byte)-3},
            {"getZ", new boolean[] {false, false}, true},
            {"getC", new char[] {'a', 'a'}, 'z'},
            {"getS", new short[] {0, 0}, (short)-300},
            {"getA", new Object[] {null, null}, "obj"},
        };
        for (final Object[] c : cases)
        {
            final Object array = c[1];
            rt.onArrayReadMiss = a -> java.lang.reflect.Array.set(a, 1, c[2]);
            assertEquals(c[2], call("ArrayOps", (String)c[0], array, 1), (String)c[0]);
            assertEquals(1, rt.count("arrayReadMiss", array), (String)c[0]);
            assertEquals(c[2], call("ArrayOps", (String)c[0], array, 1), (String)c[0]);
            assertEquals(1, rt.count("arrayReadMiss", array), "same array, same epoch: " + c[0]);
        }
        assertEquals(0, rt.count("arrayWriteMiss"));
    }

    @Test
    void everyStoreKindIsGuardedAndStoresTheValue() throws Throwable
    {
        setUpArrays();
        final Object[][] cases = {
            {"setI", new int[2], 7},
            {"setJ", new long[2], Long.MAX_VALUE},
            {"setD", new double[2], Double.MIN_VALUE},
            {"setF", new float[2], -1.5f},
            {"setB", new byte[2], (byte)9},
            {"setZ", new boolean[2], true},
            {"setC", new char[2], 'q'},
            {"setS", new short[2], (short)1234},
            {"setA", new Object[2], "v"},
        };
        for (final Object[] c : cases)
        {
            final Object array = c[1];
            final Object before = java.lang.reflect.Array.get(array, 1);
            final Object[] seen = new Object[1];
            rt.onArrayWriteMiss = a -> seen[0] = java.lang.reflect.Array.get(a, 1);
            call("ArrayOps", (String)c[0], array, 1, c[2]);
            call("ArrayOps", (String)c[0], array, 1, c[2]);
            assertEquals(c[2], java.lang.reflect.Array.get(array, 1), (String)c[0]);
            assertEquals(before, seen[0], "the write trap comes before the store: " + c[0]);
            assertEquals(1, rt.count("arrayWriteMiss", array), (String)c[0]);
        }
        assertEquals(0, rt.count("arrayReadMiss"));
    }

    @Test
    void loopTrapsOncePerArrayAndEpoch() throws Throwable
    {
        setUpArrays();
        final int[] a = new int[1000];
        java.util.Arrays.fill(a, 1);
        assertEquals(1000, call("ArrayOps", "sum", a));
        assertEquals(1000, call("ArrayOps", "sum", a));
        assertEquals(1, rt.count("arrayReadMiss", a));
        final int[] b = {4, 5};
        assertEquals(9, call("ArrayOps", "sum", b));
        assertEquals(1, rt.count("arrayReadMiss", b));
        ArrayGuard.invalidateAll();
        assertEquals(9, call("ArrayOps", "sum", b));
        assertEquals(2, rt.count("arrayReadMiss", b), "a new epoch re-arms the guard");
    }

    @Test
    void rowsOfASharedMatrixAreLookedUpOncePerEpoch() throws Throwable
    {
        setUpArrays();
        // one site reads every row in turn, so its own memo misses at each row
        final long[][] shared = {{1, 2}, {3, 4}, {5, 6}};
        rt.sharedArrays.addAll(List.of(shared));
        assertEquals(50L, call("ArrayOps", "sum2d", (Object)shared));
        assertEquals(50L, call("ArrayOps", "sum2d", (Object)shared));
        for (final long[] row : shared)
        {
            assertEquals(1, rt.count("arrayReadMiss", row), "the node remembers a shared row it checked");
        }
        ArrayGuard.invalidateAll();
        assertEquals(50L, call("ArrayOps", "sum2d", (Object)shared));
        for (final long[] row : shared)
        {
            assertEquals(2, rt.count("arrayReadMiss", row), "a new epoch re-arms what the node remembers");
        }
        // local rows are not remembered node-wide (that would keep them alive)
        final long[][] local = {{1}, {2}};
        assertEquals(5L, call("ArrayOps", "sum2d", (Object)local));
        assertEquals(5L, call("ArrayOps", "sum2d", (Object)local));
        for (final long[] row : local)
        {
            assertEquals(2, rt.count("arrayReadMiss", row));
        }
    }

    @Test
    void writeGuardsReArmOnRearmWritesAndInvalidateAll() throws Throwable
    {
        setUpArrays();
        final long[] a = new long[50];
        call("ArrayOps", "setJ", a, 49, 49L);
        call("ArrayOps", "getJ", a, 49);
        call("ArrayOps", "setJ", a, 49, 50L);
        assertEquals(1, rt.count("arrayWriteMiss", a));
        assertEquals(1, rt.count("arrayReadMiss", a));
        ArrayGuard.rearmWrites();
        call("ArrayOps", "setJ", a, 49, 51L);
        call("ArrayOps", "getJ", a, 49);
        assertEquals(51L, a[49]);
        assertEquals(2, rt.count("arrayWriteMiss", a));
        assertEquals(1, rt.count("arrayReadMiss", a), "rearmWrites leaves read guards alone");
        ArrayGuard.invalidateAll();
        call("ArrayOps", "setJ", a, 49, 52L);
        call("ArrayOps", "getJ", a, 49);
        assertEquals(3, rt.count("arrayWriteMiss", a));
        assertEquals(2, rt.count("arrayReadMiss", a));
    }

    @Test
    void writesStayCheckedInLoopsThatReadAnotherClasssStatics() throws Throwable
    {
        setUpArrays();
        final int[] a = new int[10];
        call("ArrayOps", "fillWithOut", a);
        assertEquals(9, a[9]);
        assertEquals(0, rt.count("holdArray", a), "a class initializer could end the hold inside the loop");
        assertEquals(1, rt.count("arrayWriteMiss", a));
        ArrayGuard.rearmWrites();
        call("ArrayOps", "fillWithOut", a);
        assertEquals(2, rt.count("arrayWriteMiss", a), "each write is checked again");
    }

    @Test
    void aHoistedWriteCheckHoldsTheArrayOncePerThreadAndScope() throws Throwable
    {
        setUpArrays();
        final long[] a = new long[50];
        call("ArrayOps", "incAll", a);
        call("ArrayOps", "incAll", a);
        assertEquals(98L, a[49]);
        assertEquals(1, rt.count("holdArray", a));
        assertEquals(0, rt.count("arrayWriteMiss", a));
        // re-armed traps do not end a hold: releases keep comparing held arrays until the holder's scope ends
        ArrayGuard.rearmWrites();
        ArrayGuard.invalidateAll();
        call("ArrayOps", "incAll", a);
        assertEquals(1, rt.count("holdArray", a));
        rt.scope.epoch++;
        call("ArrayOps", "incAll", a);
        assertEquals(2, rt.count("holdArray", a), "a new scope holds again");
        final Throwable[] failed = new Throwable[1];
        final Thread other = new Thread(() ->
        {
            try
            {
                call("ArrayOps", "incAll", a);
            }
            catch (final Throwable ex)
            {
                failed[0] = ex;
            }
        });
        other.start();
        other.join();
        assertNull(failed[0]);
        assertEquals(3, rt.count("holdArray", a), "another thread holds the array for itself");
        assertEquals(0, rt.count("arrayWriteMiss", a));
        assertEquals(5 * 49L, a[49]);
    }

    @Test
    void nullAndOutOfBoundsStillThrowAsBefore() throws Throwable
    {
        setUpArrays();
        assertThrows(NullPointerException.class, () -> call("ArrayOps", "getI", null, 0));
        assertThrows(NullPointerException.class, () -> call("ArrayOps", "setJ", null, 0, 1L));
        assertThrows(ArrayIndexOutOfBoundsException.class, () -> call("ArrayOps", "getD", new double[1], 1));
        assertThrows(ArrayStoreException.class, () -> call("ArrayOps", "setA", new String[1], 0, 1));
        assertEquals(0, rt.count("arrayReadMiss", null));
    }

    @Test
    void arraycopyReadsSourceAndWritesDestination() throws Throwable
    {
        setUpArrays();
        final int[] src = {1, 2, 3};
        final int[] dst = new int[4];
        rt.onArrayReadMiss = a -> ((int[])a)[2] = 30;
        call("ArrayOps", "copy", src, dst);
        assertArrayEquals(new int[] {0, 1, 2, 30}, dst);
        assertEquals(List.of("arrayReadMiss", "arrayWriteMiss"), rt.names());
        assertSame(src, rt.calls.get(0).arg());
        assertSame(dst, rt.calls.get(1).arg());
    }

    @Test
    void arraysFillAndSortAreWrites() throws Throwable
    {
        setUpArrays();
        final int[] a = new int[3];
        call("ArrayOps", "fill", a, 4);
        assertArrayEquals(new int[] {4, 4, 4}, a);
        assertEquals(1, rt.count("arrayWriteMiss", a));
        final double[] d = new double[4];
        call("ArrayOps", "fillRange", d, 1, 3, 0.5);
        assertArrayEquals(new double[] {0, 0.5, 0.5, 0}, d);
        assertEquals(1, rt.count("arrayWriteMiss", d));
        final int[] s = {3, 1, 2};
        call("ArrayOps", "sort", s);
        assertArrayEquals(new int[] {1, 2, 3}, s);
        assertEquals(1, rt.count("arrayWriteMiss", s));
        assertEquals(0, rt.count("arrayReadMiss"));
    }

    @Test
    void arraysEqualsReadsBothArrays() throws Throwable
    {
        setUpArrays();
        final int[] a = {1};
        final int[] b = {2};
        rt.onArrayReadMiss = x -> ((int[])x)[0] = 5;
        assertEquals(true, call("ArrayOps", "same", a, b));
        assertEquals(1, rt.count("arrayReadMiss", a));
        assertEquals(1, rt.count("arrayReadMiss", b));
        assertEquals(0, rt.count("arrayWriteMiss"));
    }

    @Test
    void arrayCloneReadsTheOriginal() throws Throwable
    {
        setUpArrays();
        final int[] a = {1, 2};
        rt.onArrayReadMiss = x -> ((int[])x)[1] = 20;
        final int[] c = (int[])call("ArrayOps", "cloneOf", a);
        assertNotSame(a, c);
        assertArrayEquals(new int[] {1, 20}, c);
        assertEquals(List.of("arrayReadMiss"), rt.names());
    }

    @Test
    void interfaceMethodsCheckWithoutGuardMemo() throws Throwable
    {
        cls("Square");
        final Object sq = call("Shape", "square", 2.0);
        final Object table = getStatic(cls("Shape"), "TABLE");
        install();
        final int[] values = {1, -2, 3};
        assertEquals(2, callOn(sq, "sumOf", (Object)values));
        assertEquals(2, callOn(sq, "sumOf", (Object)values));
        // no guard can live in an interface: no memo between calls (the loop's check is hoisted: once per call)
        assertEquals(2, rt.count("arrayReadMiss", values));
        assertEquals(6, callOn(sq, "sumAbs", (Object)values));
        assertEquals(2 + 3, rt.count("arrayReadMiss", values), "a call in the loop: every element read checked");
        callOn(sq, "describe");
        callOn(sq, "describe");
        assertEquals(2, rt.count("arrayReadMiss", table));
    }

    @Test
    void hoistedLoopCheckFaultsBeforeTheFirstRead() throws Throwable
    {
        setUpArrays();
        final int[] a = new int[100];
        rt.onArrayReadMiss = x -> java.util.Arrays.fill((int[])x, 2);
        assertEquals(200, call("ArrayOps", "sum", a));
        assertEquals(1, rt.count("arrayReadMiss", a));
        final double[] src = {1, 2, 3};
        final double[] dst = new double[3];
        rt.onArrayReadMiss = x -> ((double[])x)[0] = 10;
        call("ArrayOps", "copyLoop", src, dst);
        assertArrayEquals(new double[] {20, 4, 6}, dst);
        assertEquals(1, rt.count("arrayReadMiss", src));
        assertEquals(1, rt.count("holdArray", dst));
        assertEquals(0, rt.count("arrayWriteMiss", dst));
        assertEquals(0, rt.count("holdArray", src));
        assertEquals(0, rt.count("arrayReadMiss", dst));
    }

    @Test
    void hoistedLoopShapesBehaveAsTheOriginal() throws Throwable
    {
        final RewritingLoader plain = new RewritingLoader(false);
        final Class<?> p = plain.load("ArrayOps");
        setUpArrays();
        rt.onArrayReadMiss = x -> { };
        final int[] a = {3, 4, 5};
        final long[][] m = {{1, 2}, {3}, {}, {4, 5, 6}};
        final int[][] chain = {{2}, {-1}, {1}};
        final Object[][] cases = {
            {"sumN", new Object[] {null, 0}},
            {"sumN", new Object[] {a, 2}},
            {"whileAfterIf", new Object[] {a, true}},
            {"whileAfterIf", new Object[] {a, false}},
            {"sum2d", new Object[] {m}},
            {"walk", new Object[] {chain}},
            {"sumAbs", new Object[] {new int[] {-1, 2, -3}}},
        };
        for (final Object[] c : cases)
        {
            final Object[] args = (Object[])c[1];
            Object expected;
            try
            {
                expected = p.getMethod((String)c[0], types(p, (String)c[0])).invoke(null, args);
            }
            catch (final java.lang.reflect.InvocationTargetException ex)
            {
                expected = ex.getCause().getClass();
            }
            Object actual;
            try
            {
                actual = call("ArrayOps", (String)c[0], args);
            }
            catch (final Throwable ex)
            {
                actual = ex.getClass();
            }
            assertEquals(expected, actual, c[0] + java.util.Arrays.deepToString(args));
        }
        assertEquals(0, rt.count("arrayReadMiss", null));
        assertEquals(4, rt.calls("arrayReadMiss").stream().filter(x -> x.arg() instanceof long[]).count(),
            "sum2d: one check per row (hoisted out of the inner loop)");
    }

    private static Class<?>[] types(final Class<?> c, final String name)
    {
        for (final java.lang.reflect.Method m : c.getMethods())
        {
            if (m.getName().equals(name))
            {
                return m.getParameterTypes();
            }
        }
        throw new IllegalArgumentException(name);
    }

    @Test
    void noRuntimeMeansNoSlowPathButSameResults() throws Throwable
    {
        final int[] a = {1, 2, 3};
        final int[] d = new int[4];
        call("ArrayOps", "copy", a, d);
        call("ArrayOps", "fill", a, 2);
        assertEquals(6, call("ArrayOps", "sum", a));
        assertArrayEquals(new int[] {0, 1, 2, 3}, d);
        assertEquals(List.of(), rt.names());
    }
}
