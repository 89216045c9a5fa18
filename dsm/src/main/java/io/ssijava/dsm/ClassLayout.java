package io.ssijava.dsm;

import io.ssijava.rt.Managed;

import java.lang.reflect.Constructor;
import java.lang.reflect.Field;
import java.lang.reflect.Modifier;
import java.util.ArrayList;
import java.util.List;

/**
 * How the runtime reads and writes the state of one class: its instance fields (for objects of rewritten classes)
 * and its static fields (for the class's statics), in a fixed order that every node computes the same way.
 * Injected fields ({@code __ssi_*}) are not part of the state.
 */
final class ClassLayout
{
    private static final ClassValue<ClassLayout> LAYOUTS = new ClassValue<>()
    {
        @Override
        protected ClassLayout computeValue(final Class<?> type)
        {
            return new ClassLayout(type);
        }
    };

    final Class<?> type;
    final Field[] fields;
    final Field[] statics;
    /** Non-final statics: what can change after initialization, so what is diffed and refreshed. */
    final Field[] mutableStatics;
    final Field stateField;
    final Field staticStateField;
    /** Whether an instance has a volatile field: a write to one may be a release (see ObjectSpace.flush). */
    final boolean volatileFields;
    /** Whether a mutable static is volatile. */
    final boolean volatileStatics;
    /**
     * Indices into {@link #fields} (and {@link #mutableStatics}, {@link #statics}), volatile fields first: the order
     * in which a sender reads a state that threads may be writing meanwhile. A release makes its plain stores before
     * the volatile one that publishes them (an AQS owner cleared, then its state), so a volatile value read first
     * comes with every plain store made before it.
     */
    final int[] fieldsReadOrder;
    final int[] mutableStaticsReadOrder;
    final int[] staticsReadOrder;
    private volatile Constructor<?> allocator;

    private ClassLayout(final Class<?> type)
    {
        this.type = type;
        final List<Field> instance = new ArrayList<>();
        collectInstanceFields(type, instance);
        fields = instance.toArray(new Field[0]);
        final List<Field> st = new ArrayList<>();
        final List<Field> mst = new ArrayList<>();
        Field sst = null;
        for (final Field f : type.getDeclaredFields())
        {
            if (!Modifier.isStatic(f.getModifiers()))
            {
                continue;
            }
            if (f.getName().startsWith("__ssi_"))
            {
                if (f.getName().equals(io.ssijava.rt.Ssi.STATIC_STATE_FIELD))
                {
                    f.setAccessible(true);
                    sst = f;
                }
                continue;
            }
            f.setAccessible(true);
            st.add(f);
            if (!Modifier.isFinal(f.getModifiers()))
            {
                mst.add(f);
            }
        }
        // by name: the agent generates the initializer's stores in the same order without loading the class
        st.sort(java.util.Comparator.comparing(Field::getName));
        mst.sort(java.util.Comparator.comparing(Field::getName));
        statics = st.toArray(new Field[0]);
        mutableStatics = mst.toArray(new Field[0]);
        staticStateField = sst;
        stateField = null;
        volatileFields = anyVolatile(fields);
        volatileStatics = anyVolatile(mutableStatics);
        fieldsReadOrder = volatileFirst(fields);
        mutableStaticsReadOrder = volatileFirst(mutableStatics);
        staticsReadOrder = volatileFirst(statics);
    }

    /** The indices of {@code fields}, the volatile ones first, each group in its declared order. */
    static int[] volatileFirst(final Field[] fields)
    {
        final int[] out = new int[fields.length];
        int k = 0;
        for (int pass = 0; pass < 2; pass++)
        {
            for (int i = 0; i < fields.length; i++)
            {
                if (Modifier.isVolatile(fields[i].getModifiers()) == (pass == 0))
                {
                    out[k++] = i;
                }
            }
        }
        return out;
    }

    private static boolean anyVolatile(final Field[] fields)
    {
        for (final Field f : fields)
        {
            if (Modifier.isVolatile(f.getModifiers()))
            {
                return true;
            }
        }
        return false;
    }

    static ClassLayout of(final Class<?> type)
    {
        return LAYOUTS.get(type);
    }

    private static void collectInstanceFields(final Class<?> type, final List<Field> out)
    {
        if (type == null || type == Object.class || type == Thread.class || type == Enum.class || type == Record.class)
        {
            return;
        }
        collectInstanceFields(type.getSuperclass(), out);
        final boolean unchecked = JdkClasses.isJdk(type) &&
            !JdkClasses.isInstrumented(type.getName().replace('.', '/'));
        for (final Field f : type.getDeclaredFields())
        {
            if (Modifier.isStatic(f.getModifiers()) || f.getName().startsWith("__ssi_"))
            {
                continue;
            }
            if (unchecked && !Modifier.isFinal(f.getModifiers()))
            {
                // the JDK code that writes it is not rewritten: a copy on another node would silently go stale
                throw new SsiException("cannot share an instance of " + type.getName() +
                    " between nodes: its JDK code is not made cluster-aware (field " + f.getName() + ")");
            }
            try
            {
                f.setAccessible(true);
            }
            catch (final RuntimeException ex)
            {
                throw new SsiException("cannot share objects of " + type.getName() + ": field " + f.getName() +
                    " of " + f.getDeclaringClass().getName() + " is not accessible (" + ex.getMessage() + ")");
            }
            out.add(f);
        }
    }

    /** Allocates an instance without running any constructor of this class (as deserialization does). */
    Object allocate()
    {
        Constructor<?> c = allocator;
        if (c == null)
        {
            c = allocator = Allocation.constructorFor(type);
        }
        try
        {
            return c.newInstance();
        }
        catch (final ReflectiveOperationException ex)
        {
            throw new SsiException("cannot create a copy of " + type.getName() + ": " + ex, ex);
        }
    }

    /** @return whether objects of the class carry the injected state field. */
    boolean isManaged()
    {
        return Managed.class.isAssignableFrom(type);
    }
}
