package io.ssijava.dsm;

import java.lang.invoke.CallSite;
import java.lang.invoke.LambdaMetafactory;
import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandleInfo;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;
import java.lang.reflect.Field;
import java.lang.reflect.Modifier;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Lambdas are instances of hidden classes that exist only in the JVM that spun them. To move one, the runtime
 * records, per rewritten invokedynamic site, what the bootstrap was given, and rebuilds an equivalent lambda on the
 * receiving node from the site (host class and index) and the captured values.
 */
public final class LambdaSites
{
    /** The registry of this JVM. */
    public static final LambdaSites INSTANCE = new LambdaSites();

    /** What a lambda site's bootstrap was given, recorded by the agent. */
    public static final class Site
    {
        final String host;
        final int index;
        final String samName;
        final String indyDescriptor;
        final String samDescriptor;
        final int implTag;
        final String implOwner;
        final String implName;
        final String implDescriptor;
        final boolean implInterface;
        final String instantiatedDescriptor;

        public Site(final String host, final int index, final String samName, final String indyDescriptor,
            final String samDescriptor, final int implTag, final String implOwner, final String implName,
            final String implDescriptor, final boolean implInterface, final String instantiatedDescriptor)
        {
            this.host = host;
            this.index = index;
            this.samName = samName;
            this.indyDescriptor = indyDescriptor;
            this.samDescriptor = samDescriptor;
            this.implTag = implTag;
            this.implOwner = implOwner;
            this.implName = implName;
            this.implDescriptor = implDescriptor;
            this.implInterface = implInterface;
            this.instantiatedDescriptor = instantiatedDescriptor;
        }
    }

    private final List<Site> sites = new ArrayList<>();
    private final Map<String, Site> byHostIndex = new ConcurrentHashMap<>();
    private final Map<Class<?>, Site> byClass = new ConcurrentHashMap<>();
    /** Per site: the host class it was built for on this node and the factory of its lambdas. */
    private final Map<Site, Object[]> factories = new ConcurrentHashMap<>();

    private LambdaSites()
    {
    }

    /** Records a site at class-rewriting time; returns its JVM-local id. */
    public synchronized int register(final Site site)
    {
        sites.add(site);
        byHostIndex.put(site.host + "#" + site.index, site);
        return sites.size() - 1;
    }

    /** Called after every lambda creation at a rewritten site (cheap after the first per site). */
    public void created(final Object lambda, final int id)
    {
        final Class<?> c = lambda.getClass();
        if (!byClass.containsKey(c))
        {
            final Site s;
            synchronized (this)
            {
                s = sites.get(id);
            }
            byClass.put(c, s);
        }
    }

    boolean isLambda(final Object o)
    {
        return byClass.containsKey(o.getClass());
    }

    void write(final Codec codec, final WireOut out, final Object lambda)
    {
        final Site s = byClass.get(lambda.getClass());
        out.putString(s.host.replace('/', '.')).putInt(s.index);
        final Field[] captured = captured(lambda.getClass());
        out.putInt(captured.length);
        for (final Field f : captured)
        {
            try
            {
                codec.writeValue(out, f.get(lambda));
            }
            catch (final IllegalAccessException ex)
            {
                throw new SsiException("cannot read captured value of lambda from " + s.host, ex);
            }
            catch (final SsiException ex)
            {
                throw ex.addPath("lambda in " + s.host.replace('/', '.'));
            }
        }
    }

    /** The captured-value fields of a lambda class, in argument order: looked up once per class. */
    private static final ClassValue<Field[]> CAPTURED = new ClassValue<>()
    {
        @Override
        protected Field[] computeValue(final Class<?> c)
        {
            return fieldsOf(c);
        }
    };

    private static Field[] captured(final Class<?> c)
    {
        return CAPTURED.get(c);
    }

    private static Field[] fieldsOf(final Class<?> c)
    {
        final Field[] fs = Arrays.stream(c.getDeclaredFields())
            .filter(f -> !Modifier.isStatic(f.getModifiers()))
            .sorted(Comparator.comparingInt(LambdaSites::argIndex))
            .toArray(Field[]::new);
        for (final Field f : fs)
        {
            f.setAccessible(true);
        }
        return fs;
    }

    private static int argIndex(final Field f)
    {
        final String n = f.getName();
        final int i = n.lastIndexOf('$');
        try
        {
            return Integer.parseInt(n.substring(i + 1));
        }
        catch (final NumberFormatException ex)
        {
            return Integer.MAX_VALUE;
        }
    }

    Object read(final Codec codec, final WireIn in)
    {
        final String host = in.getString();
        final int index = in.getInt();
        final Class<?> hostClass = codec == null ? null : loadHost(codec, host);
        final Site s = byHostIndex.get(host.replace('.', '/') + "#" + index);
        if (s == null)
        {
            throw new WireException("unknown lambda site " + index + " in " + host);
        }
        final int n = in.getCount(255);
        final Object[] args = new Object[n];
        for (int i = 0; i < n; i++)
        {
            args[i] = codec.readValue(in);
        }
        try
        {
            final Object[] cached = factories.get(s);
            MethodHandle factory = cached != null && cached[0] == hostClass ? (MethodHandle)cached[1] : null;
            if (factory == null)
            {
                // one lambda class per site and loader, as on the node that made the lambda: spinning a class for
                // every lambda that arrives would cost a millisecond each and never be unloaded
                final ClassLoader loader = hostClass.getClassLoader();
                final MethodHandles.Lookup lookup = MethodHandles.privateLookupIn(hostClass, MethodHandles.lookup());
                final MethodType indyType = MethodType.fromMethodDescriptorString(s.indyDescriptor, loader);
                final MethodHandle impl = implHandle(lookup, s, loader);
                final CallSite cs = LambdaMetafactory.metafactory(lookup, s.samName, indyType,
                    MethodType.fromMethodDescriptorString(s.samDescriptor, loader), impl,
                    MethodType.fromMethodDescriptorString(s.instantiatedDescriptor, loader));
                // takes the captured values as one Object[]: invokeWithArguments would build this adapter anew
                // for every lambda that arrives
                factory = cs.getTarget().asType(cs.getTarget().type().generic()).asSpreader(Object[].class, n);
                factories.put(s, new Object[] {hostClass, factory});
            }
            final Object lambda = (Object)factory.invokeExact(args);
            byClass.putIfAbsent(lambda.getClass(), s);
            return lambda;
        }
        catch (final Throwable ex)
        {
            throw new SsiException("cannot rebuild lambda " + index + " of " + host + ": " + ex, ex);
        }
    }

    private static Class<?> loadHost(final Codec codec, final String host)
    {
        return codec.space().classes.anyClass(host);
    }

    private static MethodHandle implHandle(final MethodHandles.Lookup lookup, final Site s, final ClassLoader loader)
        throws ReflectiveOperationException
    {
        final Class<?> owner = Class.forName(s.implOwner.replace('/', '.'), false, loader);
        final MethodType type = MethodType.fromMethodDescriptorString(s.implDescriptor, loader);
        switch (s.implTag)
        {
            case MethodHandleInfo.REF_invokeStatic: return lookup.findStatic(owner, s.implName, type);
            case MethodHandleInfo.REF_invokeVirtual:
            case MethodHandleInfo.REF_invokeInterface: return lookup.findVirtual(owner, s.implName, type);
            case MethodHandleInfo.REF_invokeSpecial: return lookup.findSpecial(owner, s.implName, type, lookup.lookupClass());
            case MethodHandleInfo.REF_newInvokeSpecial: return lookup.findConstructor(owner, type);
            default: throw new IllegalArgumentException("unsupported lambda implementation kind " + s.implTag);
        }
    }
}
