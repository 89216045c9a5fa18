package io.ssijava.dsm;

import org.junit.jupiter.api.Test;

import java.lang.reflect.Field;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Merging a fetched value into a copy's field: what counts as a write of this node. */
class FieldOpsTest
{
    static final class Holder
    {
        volatile Long boxed;
        int plain;
        String text;
    }

    private static Field field(final String name) throws NoSuchFieldException
    {
        return Holder.class.getDeclaredField(name);
    }

    @Test
    void anEqualBoxedValueThatIsAnotherObjectIsNoWriteAndTakesTheFreshValue() throws Exception
    {
        final Long twin = Long.valueOf(1771);
        final Holder h = new Holder();
        // what a thread's "v + 0" leaves: the same number in a new object; the diff sends nothing for it
        h.boxed = Long.valueOf(twin.longValue() + 0);
        assertNotSame(twin, h.boxed);
        assertTrue(ObjectSpace.same(h.boxed, twin));

        assertTrue(FieldOps.replaceIfUnchanged(field("boxed"), h, twin, Long.valueOf(1776)));

        assertEquals(1776L, h.boxed);
    }

    @Test
    void aRealWriteOfThisNodeIsKept() throws Exception
    {
        final Holder h = new Holder();
        h.boxed = 1772L;
        h.plain = 5;
        final String mine = new String("mine");
        h.text = mine;

        FieldOps.replaceIfUnchanged(field("boxed"), h, 1771L, 1776L);
        FieldOps.replaceIfUnchanged(field("plain"), h, 4, 9);
        FieldOps.replaceIfUnchanged(field("text"), h, "theirs", "fresh");

        assertEquals(1772L, h.boxed);
        assertEquals(5, h.plain);
        assertSame(mine, h.text);
    }

    @Test
    void anUnchangedFieldTakesTheFreshValue() throws Exception
    {
        final Holder h = new Holder();
        h.plain = 4;
        final String twin = "theirs";
        h.text = twin;

        FieldOps.replaceIfUnchanged(field("plain"), h, 4, 9);
        FieldOps.replaceIfUnchanged(field("text"), h, twin, "fresh");

        assertEquals(9, h.plain);
        assertEquals("fresh", h.text);
    }
}
