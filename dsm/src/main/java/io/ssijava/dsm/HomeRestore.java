package io.ssijava.dsm;

import java.lang.reflect.Array;
import java.lang.reflect.Field;
import java.util.HashMap;
import java.util.Map;

/**
 * Brings back, as their home, the entities a checkpoint holds for this node. An entity is made (allocated and given
 * its global id) the first time anything refers to it, so that references between entities, and from a class's
 * statics, resolve in any order; {@link #fill} then gives every one its fields or elements. A class's statics wait
 * for its initializer, which takes them instead of running again ({@link NodeRuntime#clinitStart}).
 */
final class HomeRestore
{
    private final ObjectSpace space;
    private final HomeImages images;
    private final Map<String, HomeImages.Image> statics = new HashMap<>();

    HomeRestore(final ObjectSpace space, final HomeImages images)
    {
        this.space = space;
        this.images = images;
        for (final HomeImages.Image im : images.all())
        {
            if (im.kind() == Meta.Kind.STATICS)
            {
                statics.put(im.type(), im);
            }
        }
    }

    /** @return the restored entity with this id, made now if it was not yet; null if the checkpoint has none. */
    Object make(final long gid)
    {
        final HomeImages.Image im = images.get(gid);
        if (im == null || im.kind() == Meta.Kind.STATICS)
        {
            return null;
        }
        final Object o = switch (im.kind())
        {
            case OBJECT -> ClassLayout.of(space.classes.managedClass(im.type())).allocate();
            case ARRAY -> Array.newInstance(space.classes.arrayClass(im.type()).getComponentType(), im.length());
            default -> new Object();
        };
        return space.registerRestored(gid, im.kind(), o, im.hash());
    }

    /** Makes every entity and gives it its fields or elements; references to other nodes' entities stay unfetched. */
    void fill()
    {
        for (final HomeImages.Image im : images.all())
        {
            if (im.kind() == Meta.Kind.STATICS)
            {
                continue;
            }
            final Meta known = space.byGid(im.gid());
            final Object o = known != null ? known.target : make(im.gid());
            final WireIn in = new WireIn(im.body());
            try
            {
                if (im.kind() == Meta.Kind.OBJECT)
                {
                    final Field[] fields = ClassLayout.of(o.getClass()).fields;
                    checkCount(in.getCount(Integer.MAX_VALUE), fields.length, im.type());
                    for (final Field f : fields)
                    {
                        ObjectSpace.set(f, o, space.codec.readField(in, f.getType()));
                    }
                }
                else if (im.kind() == Meta.Kind.ARRAY)
                {
                    final Object part = space.codec.readElements(in, o.getClass().getComponentType(), im.length());
                    System.arraycopy(part, 0, o, 0, im.length());
                }
            }
            catch (final WireException ex)
            {
                throw new WireException("checkpointed " + im.type() + " #" + Long.toHexString(im.gid()) + ": " +
                    ex.getMessage());
            }
        }
    }

    /** @return whether the checkpoint holds the statics of this class (it had been initialized). */
    boolean hasStatics(final Class<?> c)
    {
        return statics.containsKey(c.getName());
    }

    /** @return the names of the classes whose statics the checkpoint holds. */
    Iterable<String> staticsClasses()
    {
        return statics.keySet();
    }

    long staticsGid(final Class<?> c)
    {
        return statics.get(c.getName()).gid();
    }

    /** @return the class's static fields as the checkpoint holds them, in {@link ClassLayout#statics} order. */
    Object[] statics(final Class<?> c)
    {
        final HomeImages.Image im = statics.get(c.getName());
        final Field[] fields = ClassLayout.of(c).statics;
        final WireIn in = new WireIn(im.body());
        checkCount(in.getCount(Integer.MAX_VALUE), fields.length, c.getName() + "'s statics");
        final Object[] values = new Object[fields.length];
        for (int i = 0; i < fields.length; i++)
        {
            values[i] = space.codec.readField(in, fields[i].getType());
        }
        return values;
    }

    private static void checkCount(final int saved, final int here, final String what)
    {
        if (saved != here)
        {
            throw new WireException(what + " has " + saved + " fields in the checkpoint and " + here + " here: the " +
                "program's classes changed since it was taken");
        }
    }
}
