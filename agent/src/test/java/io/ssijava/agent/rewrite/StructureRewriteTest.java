package io.ssijava.agent.rewrite;

import io.ssijava.rt.Managed;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.lang.reflect.Field;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.util.Arrays;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The root of each application hierarchy gets the state word, Managed and (for direct Object subclasses) hashCode. */
@Timeout(10)
class StructureRewriteTest extends RewriteTestSupport
{
    @Test
    void rootClassGetsPublicStateFieldManagedAndIdentityHashCode() throws Throwable
    {
        final Class<?> c = cls("Plain");
        final Field s = c.getDeclaredField("__ssi_s");
        assertEquals(int.class, s.getType());
        assertTrue(Modifier.isPublic(s.getModifiers()));
        assertFalse(Modifier.isStatic(s.getModifiers()));
        assertTrue(Managed.class.isAssignableFrom(c));
        final Method hc = c.getDeclaredMethod("hashCode");
        assertEquals(int.class, hc.getReturnType());

        final Object local = newInstance("Plain");
        assertEquals(0, state(local));
        assertEquals(System.identityHashCode(local), local.hashCode(), "local object: JVM identity hash");

        install();
        final Object shared = newInstance("Plain");
        setState(shared, CLEAN);
        assertEquals(RecordingRuntime.HASH, shared.hashCode(), "shared object: the runtime's (home node's) hash");
        assertEquals(1, rt.count("identityHashCode", shared));
        assertEquals(System.identityHashCode(local), local.hashCode());
        assertEquals(0, rt.count("identityHashCode", local), "no runtime call for a local object");
    }

    @Test
    void managedAccessorsReadAndWriteTheStateField() throws Throwable
    {
        final Object o = newInstance("Plain");
        setState(o, INVALID);
        assertEquals(INVALID, cls("Plain").getDeclaredField("__ssi_s").getInt(o));
        cls("Plain").getDeclaredField("__ssi_s").setInt(o, CLEAN);
        assertEquals(CLEAN, state(o));
    }

    @Test
    void subclassOfRewrittenClassGetsNoSecondStateFieldAndNoHashCode() throws Throwable
    {
        final Class<?> sub = cls("SubPlain");
        assertThrows(NoSuchFieldException.class, () -> sub.getDeclaredField("__ssi_s"));
        assertThrows(NoSuchMethodException.class, () -> sub.getDeclaredMethod("hashCode"));
        assertEquals(1, Arrays.stream(sub.getFields()).filter(f -> f.getName().equals("__ssi_s")).count());
        assertFalse(Arrays.asList(sub.getInterfaces()).contains(Managed.class), "Managed only on the root");
        final Object o = newInstance("SubPlain");
        assertTrue(o instanceof Managed);
        setState(o, DIRTY);
        assertEquals(DIRTY, cls("Plain").getDeclaredField("__ssi_s").getInt(o));
    }

    @Test
    void declaredHashCodeIsKept() throws Throwable
    {
        final Class<?> c = cls("WithHash");
        assertTrue(Managed.class.isAssignableFrom(c));
        assertEquals(1, Arrays.stream(c.getDeclaredMethods()).filter(m -> m.getName().equals("hashCode")).count());
        install();
        final Object o = newInstance("WithHash");
        setState(o, CLEAN);
        assertEquals(77, o.hashCode());
        assertEquals(0, rt.count("identityHashCode"));
    }

    @Test
    void superHashCodeOfObjectGoesThroughTheFacade() throws Throwable
    {
        install();
        final Object o = newInstance("SuperHash");
        assertEquals(System.identityHashCode(o) + 1, o.hashCode());
        setState(o, CLEAN);
        assertEquals(RecordingRuntime.HASH + 1, o.hashCode());
        assertEquals(1, rt.count("identityHashCode", o));
    }

    @Test
    void recordGetsStateFieldButKeepsItsValueBasedHashCode() throws Throwable
    {
        final Class<?> c = cls("Pair");
        assertTrue(c.isRecord());
        assertTrue(Managed.class.isAssignableFrom(c));
        c.getDeclaredField("__ssi_s");
        assertEquals(2, c.getRecordComponents().length, "the state word is no record component");
        final Object a = newInstance("Pair", 3, "z");
        final Object b = newInstance("Pair", 3, "z");
        assertEquals(a, b);
        assertEquals(a.hashCode(), b.hashCode());
        assertEquals("Pair[a=3, b=z]", a.toString());
        install();
        setState(a, CLEAN);
        assertEquals(b.hashCode(), a.hashCode());
        assertEquals(0, rt.count("identityHashCode"));
    }

    @Test
    void enumGetsStateFieldButNoInjectedHashCode() throws Throwable
    {
        final Class<?> c = cls("Color");
        assertTrue(Managed.class.isAssignableFrom(c));
        c.getDeclaredField("__ssi_s");
        assertThrows(NoSuchMethodException.class, () -> c.getDeclaredMethod("hashCode"));
        final Object red = c.getEnumConstants()[0];
        assertEquals(System.identityHashCode(red), red.hashCode());
        // constant bodies are subclasses of a rewritten class: no second field
        final Class<?> plus = cls("Op").getEnumConstants()[0].getClass();
        assertNotEquals(cls("Op"), plus);
        assertThrows(NoSuchFieldException.class, () -> plus.getDeclaredField("__ssi_s"));
    }

    @Test
    void classExtendingJdkClassIsARootWithoutInjectedHashCode() throws Throwable
    {
        final Class<?> c = cls("ListSub");
        c.getDeclaredField("__ssi_s");
        assertTrue(Managed.class.isAssignableFrom(c));
        assertThrows(NoSuchMethodException.class, () -> c.getDeclaredMethod("hashCode"));
    }

    @Test
    void interfaceGetsNoStateField()
    {
        final Class<?> c = cls("Shape");
        assertTrue(c.isInterface());
        assertThrows(NoSuchFieldException.class, () -> c.getDeclaredField("__ssi_s"));
        assertThrows(NoSuchFieldException.class, () -> c.getDeclaredField("__ssi_ss"));
        assertFalse(Managed.class.isAssignableFrom(c));
    }

    @Test
    void classWithStaticsGetsStaticStateField() throws Throwable
    {
        final Field ss = cls("Statics").getDeclaredField("__ssi_ss");
        assertTrue(Modifier.isStatic(ss.getModifiers()) && Modifier.isPublic(ss.getModifiers()));
        assertEquals(int.class, ss.getType());
        assertThrows(NoSuchFieldException.class, () -> cls("Color").getDeclaredField("__ssi_ss"),
            "enum statics are not shared through the state word");
        assertThrows(NoSuchFieldException.class, () -> cls("SubStatics").getDeclaredField("__ssi_ss"));
    }
}
