package io.ssijava.dsm;

import io.ssijava.dsm.TestTypes.Color;
import io.ssijava.dsm.TestTypes.Pair;
import io.ssijava.dsm.TestTypes.Point;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.math.BigDecimal;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.Random;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * Decoding hostile or damaged bytes: only {@link WireException} (or, where a value could not be rebuilt, its parent
 * {@link SsiException}) may come out of the codec and the message handlers, never a runtime exception of the JDK or
 * an error. Node 0 encodes, node 1 decodes.
 */
class CodecMalformedInputTest
{
    private static IpcCluster cluster;
    private static Codec encoder;
    private static Codec decoder;

    @BeforeAll
    static void start()
    {
        cluster = new IpcCluster(2);
        encoder = cluster.space(0).codec;
        decoder = cluster.space(1).codec;
    }

    @AfterAll
    static void stop()
    {
        if (cluster != null)
        {
            cluster.close();
        }
    }

    private static byte[] encode(final Object value)
    {
        final WireOut out = new WireOut();
        encoder.writeValue(out, value);
        return out.toBytes();
    }

    /** Valid encodings of every kind of value, except arrays (see {@link #shouldRefuseAHugeArrayLength}). */
    private static List<byte[]> corpus()
    {
        final Point p = new Point();
        p.x = 1;
        p.label = "p";
        final List<byte[]> corpus = new ArrayList<>();
        for (final Object v : new Object[] {
            null, "a string", "", "\u00e9\u2603", 42, -7L, 2.5, 1.5f, (short)3, (byte)4, 'c', true,
            new BigInteger("123456789012345678901234567890"), new BigDecimal("-3.14159e-7"),
            Color.GREEN, TimeUnit.SECONDS, new Pair(5, "five"), new Pair(6, null), String.class, Point.class,
            p, new Object(), System.out, System.err, java.util.Locale.ROOT, java.util.Locale.CANADA_FRENCH})
        {
            corpus.add(encode(v));
        }
        return corpus;
    }

    /** A Locale (on a frame in the middle of a printf) travels as an equal value. */
    @Test
    void localesTravelAsEqualValues()
    {
        for (final java.util.Locale l : new java.util.Locale[] {java.util.Locale.ROOT, java.util.Locale.US,
            java.util.Locale.forLanguageTag("sr-Latn-RS")})
        {
            assertEquals(l, decoder.readValue(new WireIn(encode(l))));
        }
    }

    /** A thread's frame may hold System.out mid-call: it travels as the name of the stream, not as an object. */
    @Test
    void standardStreamsTravelByName()
    {
        for (final Object stream : new Object[] {System.out, System.err, System.in})
        {
            final byte[] bytes = encode(stream);
            assertEquals(2, bytes.length);
            assertTrue(decoder.readValue(new WireIn(bytes)) == stream);
        }
        assertInstanceOf(WireException.class, decodeFailure(new byte[] {Codec.T_STD_STREAM, 3}));
    }

    private static Throwable decodeFailure(final byte[] bytes)
    {
        try
        {
            decoder.readValue(new WireIn(bytes));
            return null;
        }
        catch (final Throwable ex)
        {
            return ex;
        }
    }

    private static String hex(final byte[] bytes)
    {
        final String h = HexFormat.of().formatHex(bytes, 0, Math.min(bytes.length, 48));
        return bytes.length > 48 ? h + "..." : h;
    }

    @Test
    @Timeout(10)
    void shouldDecodeTheCorpusItself()
    {
        for (final byte[] bytes : corpus())
        {
            final WireIn in = new WireIn(bytes);
            decoder.readValue(in);
            assertEquals(0, in.remaining(), "every byte is consumed: " + hex(bytes));
        }
    }

    @Test
    @Timeout(10)
    void shouldThrowWireExceptionForEveryTruncationOfAValidMessage()
    {
        final List<byte[]> corpus = corpus();
        corpus.add(encode(new double[] {1, 2, 3}));
        corpus.add(encode(new String[] {"x"}));
        final List<String> wrong = new ArrayList<>();
        for (final byte[] bytes : corpus)
        {
            for (int n = 0; n < bytes.length; n++)
            {
                final byte[] cut = Arrays.copyOf(bytes, n);
                final Throwable t = decodeFailure(cut);
                if (!(t instanceof WireException))
                {
                    wrong.add((t == null ? "no exception" : t.toString()) + " for " + hex(cut));
                }
            }
        }
        assertTrue(wrong.isEmpty(), wrong.size() + " truncated messages: " + wrong.subList(0, Math.min(5, wrong.size())));
    }

    @Test
    @Timeout(20)
    void shouldOnlyEverThrowWireOrSsiExceptionOnRandomAndMutatedInput()
    {
        final Random random = new Random(20240611L);
        final List<byte[]> corpus = corpus();
        final List<String> escaped = new ArrayList<>();
        final java.util.Map<String, String> byKind = new java.util.TreeMap<>();
        int decoded = 0;
        for (int i = 0; i < 10_000; i++)
        {
            final byte[] bytes = mutate(random, corpus);
            final Throwable t = decodeFailure(bytes);
            if (t == null)
            {
                decoded++;
            }
            else if (!(t instanceof SsiException))
            {
                escaped.add(t + " for " + hex(bytes));
                final StackTraceElement[] st = t.getStackTrace();
                final String where = Arrays.stream(st).filter(e -> e.getClassName().startsWith("io.ssijava.dsm"))
                    .findFirst().map(e -> e.getClassName().replace("io.ssijava.dsm.", "") + "." + e.getMethodName())
                    .orElse("?");
                byKind.putIfAbsent(t.getClass().getSimpleName() + " in " + where, t + " for " + hex(bytes));
            }
        }
        System.out.println("fuzz: 10000 inputs, " + decoded + " decoded, " + escaped.size() + " escaped");
        assertTrue(escaped.isEmpty(), escaped.size() + " inputs let another exception escape; one of each kind: " +
            byKind);
    }

    private static byte[] mutate(final Random random, final List<byte[]> corpus)
    {
        final int kind = random.nextInt(6);
        if (kind == 0)
        {
            // pure noise behind a plausible tag
            final byte[] noise = new byte[random.nextInt(64)];
            random.nextBytes(noise);
            if (noise.length > 0)
            {
                noise[0] = (byte)random.nextInt(Codec.T_PLAIN + 3);
            }
            return noise;
        }
        final byte[] base = corpus.get(random.nextInt(corpus.size()));
        byte[] b = base.clone();
        switch (kind)
        {
            case 1: // truncate
                return Arrays.copyOf(b, random.nextInt(b.length + 1));
            case 2: // flip bits
                for (int k = 0, n = 1 + random.nextInt(3); k < n && b.length > 1; k++)
                {
                    b[1 + random.nextInt(b.length - 1)] ^= (byte)(1 << random.nextInt(8));
                }
                return b;
            case 3: // overwrite an int somewhere (counts, lengths, ordinals)
                if (b.length >= 5)
                {
                    final int at = 1 + random.nextInt(b.length - 4);
                    final int v = random.nextBoolean() ? random.nextInt() : random.nextInt(8) - 2;
                    b[at] = (byte)v;
                    b[at + 1] = (byte)(v >> 8);
                    b[at + 2] = (byte)(v >> 16);
                    b[at + 3] = (byte)(v >> 24);
                }
                return b;
            case 4: // replace one printable character of a string payload
                for (int k = 0; k < 3; k++)
                {
                    final int at = random.nextInt(b.length);
                    if (b[at] >= '0' && b[at] <= 'z')
                    {
                        b[at] = (byte)"x.-+eE9$;[L".charAt(random.nextInt(11));
                        break;
                    }
                }
                return b;
            default: // append garbage or drop a byte in the middle
                if (random.nextBoolean() || b.length < 2)
                {
                    b = Arrays.copyOf(b, b.length + 1 + random.nextInt(8));
                    return b;
                }
                final int drop = random.nextInt(b.length);
                final byte[] shorter = new byte[b.length - 1];
                System.arraycopy(b, 0, shorter, 0, drop);
                System.arraycopy(b, drop + 1, shorter, drop, b.length - drop - 1);
                return shorter;
        }
    }

    private static byte[] message(final byte tag, final String name)
    {
        final WireOut out = new WireOut().putByte(tag);
        switch (tag)
        {
            case Codec.T_OBJ:
                return out.putLong(gidHomedOn(0, 999)).putString(name).putInt(1).toBytes();
            case Codec.T_ARR:
                return out.putLong(gidHomedOn(0, 998)).putString(name).putInt(3).putInt(1).toBytes();
            case Codec.T_ENUM:
                return out.putString(name).putInt(0).toBytes();
            case Codec.T_RECORD:
                return out.putString(name).putInt(0).toBytes();
            case Codec.T_LAMBDA:
                return out.putString(name).putInt(0).putInt(0).toBytes();
            default:
                return out.putString(name).toBytes();
        }
    }

    private static long gidHomedOn(final int node, final long seq)
    {
        return ((long)node << 48) | seq;
    }

    @Test
    @Timeout(10)
    void shouldRefuseUnknownAndUnsuitableClassNamesWithWireException()
    {
        final String missing = "io.ssijava.dsm.NoSuchClass";
        final String longName = "a".repeat(2000);
        final Object[][] cases = {
            {Codec.T_OBJ, missing}, {Codec.T_OBJ, "java.lang.String"}, {Codec.T_OBJ, "java.lang.Runtime"},
            {Codec.T_OBJ, TestTypes.ManagedShape.class.getName()}, {Codec.T_OBJ, ""}, {Codec.T_OBJ, longName},
            {Codec.T_OBJ, "io/ssijava/dsm/TestTypes$Point"},
            {Codec.T_ARR, missing}, {Codec.T_ARR, "java.lang.String"}, {Codec.T_ARR, "[Lno.such.Klass;"},
            {Codec.T_ARR, "[X"}, {Codec.T_ARR, "["},
            {Codec.T_ENUM, missing}, {Codec.T_ENUM, "java.lang.String"},
            {Codec.T_RECORD, missing}, {Codec.T_RECORD, "java.lang.String"},
            {Codec.T_CLASS, missing}, {Codec.T_CLASS, longName},
            {Codec.T_LAMBDA, missing}, {Codec.T_LAMBDA, "java.lang.String"},
        };
        final List<String> wrong = new ArrayList<>();
        for (final Object[] c : cases)
        {
            final Throwable t = decodeFailure(message((Byte)c[0], (String)c[1]));
            if (!(t instanceof WireException))
            {
                wrong.add("tag " + c[0] + " name " + abbreviate((String)c[1]) + ": " + (t == null ? "accepted" : t));
            }
        }
        assertTrue(wrong.isEmpty(), "not refused with WireException: " + wrong);
    }

    private static String abbreviate(final String s)
    {
        return s.length() > 40 ? s.substring(0, 40) + "..." : s;
    }

    @Test
    @Timeout(10)
    void shouldRefuseAnAbstractManagedClassWithWireException()
    {
        final Throwable t = decodeFailure(message(Codec.T_OBJ, TestTypes.AbstractShape.class.getName()));
        assertInstanceOf(WireException.class, t, "an abstract class can have no instances to copy: " + t);
    }

    @Test
    @Timeout(10)
    void shouldRefuseMalformedBigNumbersWithWireException()
    {
        for (final String text : new String[] {"12a", "", "-", "1e", "0x10", "1e99999999999"})
        {
            for (final byte tag : new byte[] {Codec.T_BIGINT, Codec.T_BIGDEC})
            {
                final byte[] bytes = new WireOut().putByte(tag).putString(text).toBytes();
                final Throwable t = decodeFailure(bytes);
                assertInstanceOf(WireException.class, t, "tag " + tag + " \"" + text + "\": " + t);
            }
        }
    }

    @Test
    @Timeout(10)
    void shouldRefuseBadEnumOrdinalsAndRecordShapesWithWireException()
    {
        for (final int ordinal : new int[] {-1, 3, Integer.MAX_VALUE})
        {
            final byte[] bytes = new WireOut().putByte(Codec.T_ENUM).putString(Color.class.getName()).putInt(ordinal)
                .toBytes();
            assertInstanceOf(WireException.class, decodeFailure(bytes), "ordinal " + ordinal);
        }
        for (final int components : new int[] {-1, 0, 1, 3, 1 << 30})
        {
            final byte[] bytes = new WireOut().putByte(Codec.T_RECORD).putString(Pair.class.getName())
                .putInt(components).toBytes();
            assertInstanceOf(WireException.class, decodeFailure(bytes), components + " components");
        }
        // right shape, wrong component type: the record cannot be rebuilt
        final byte[] swapped = new WireOut().putByte(Codec.T_RECORD).putString(Pair.class.getName()).putInt(2)
            .putByte(Codec.T_STRING).putString("not an int").putByte(Codec.T_INT).putInt(1).toBytes();
        assertInstanceOf(SsiException.class, decodeFailure(swapped));
    }

    @Test
    @Timeout(10)
    void shouldRefuseAReferenceClaimedToBeHomedOnTheDecodingNode()
    {
        final byte[] bytes = new WireOut().putByte(Codec.T_OBJ).putLong(gidHomedOn(1, 123_456))
            .putString(Point.class.getName()).putInt(0).toBytes();
        assertInstanceOf(WireException.class, decodeFailure(bytes));
        final byte[] plain = new WireOut().putByte(Codec.T_PLAIN).putLong(gidHomedOn(1, 123_457)).putInt(0).toBytes();
        assertInstanceOf(WireException.class, decodeFailure(plain));
        final byte[] array = new WireOut().putByte(Codec.T_ARR).putLong(gidHomedOn(1, 123_458)).putString("[I")
            .putInt(4).putInt(0).toBytes();
        assertInstanceOf(WireException.class, decodeFailure(array));
    }

    /** A global id names its home in its top 16 bits; a home that is no node of the job is malformed. */
    @Test
    @Timeout(10)
    void shouldRefuseAReferenceHomedOnANodeThatDoesNotExist()
    {
        final byte[] object = new WireOut().putByte(Codec.T_OBJ).putLong(gidHomedOn(999, 1))
            .putString(Point.class.getName()).putInt(0).toBytes();
        assertInstanceOf(WireException.class, decodeFailure(object), "object homed on node 999 of 2");
        final byte[] array = new WireOut().putByte(Codec.T_ARR).putLong(gidHomedOn(7, 1)).putString("[I")
            .putInt(4).putInt(0).toBytes();
        assertInstanceOf(WireException.class, decodeFailure(array), "array homed on node 7 of 2");
        final byte[] plain = new WireOut().putByte(Codec.T_PLAIN).putLong(-1L).putInt(0).toBytes();
        assertInstanceOf(WireException.class, decodeFailure(plain), "plain object homed on node 65535 of 2");
    }

    /**
     * An array reference carries the array's length; the copy is allocated when the reference is decoded. A
     * length no heap can hold must be refused, not end in an {@link OutOfMemoryError} wherever a message is read.
     */
    @Test
    @Timeout(10)
    void shouldRefuseAHugeArrayLength()
    {
        final long need = (Integer.MAX_VALUE - 8L) * Long.BYTES;
        org.junit.jupiter.api.Assumptions.assumeTrue(Runtime.getRuntime().maxMemory() < need,
            "this JVM's heap could actually allocate the array");
        final byte[] bytes = new WireOut().putByte(Codec.T_ARR).putLong(gidHomedOn(0, 1L << 40)).putString("[J")
            .putInt(Integer.MAX_VALUE - 8).putInt(0).toBytes();
        final Throwable t = decodeFailure(bytes);
        if (!(t instanceof SsiException))
        {
            fail("a hostile array length let " + t + " escape");
        }
    }

    /** Malformed requests through the messaging layer: answered with an error reply, never dropped or hung. */
    @Test
    @Timeout(20)
    void shouldAnswerMalformedRequestsWithAnErrorReply()
    {
        final Node from = cluster.node(1);
        final Point p = new Point();
        final long homedGid = cluster.space(0).share(p).gid;
        final List<WireOut> requests = List.of(
            from.message(MessageTypes.FETCH),                                                   // no body
            from.message(MessageTypes.FETCH).putInt(7),                                         // truncated gid
            from.message(MessageTypes.FETCH).putLong(gidHomedOn(0, 1L << 41)),                  // unknown object
            from.message(MessageTypes.DIFF).putInt(1),                                          // truncated
            from.message(MessageTypes.DIFF).putInt(-5),                                         // bad count
            from.message(MessageTypes.DIFF).putInt(1).putLong(gidHomedOn(1, 5)).putInt(0),      // not homed there
            from.message(MessageTypes.DIFF).putInt(1).putLong(homedGid).putInt(1).putInt(99),   // bad field index
            from.message(MessageTypes.DIFF).putInt(1).putLong(homedGid).putInt(1).putInt(0),    // value missing
            from.message(MessageTypes.INVALIDATE).putInt(3).putLong(1),                         // truncated
            from.message(MessageTypes.CLASS_INIT),                                              // no handler
            from.message((byte)99).putLong(1),                                                  // unknown extension
            from.message((byte)0));                                                             // unknown type
        final List<String> wrong = new ArrayList<>();
        for (final WireOut request : requests)
        {
            final byte type = request.buffer().getByte(0);
            try
            {
                from.call(0, request);
                wrong.add("type " + type + ": accepted");
            }
            catch (final SsiException expected)
            {
                // the error reply
            }
            catch (final RuntimeException ex)
            {
                wrong.add("type " + type + ": " + ex);
            }
        }
        assertTrue(wrong.isEmpty(), "malformed requests not answered with an error: " + wrong);
        // the node still works
        final Point copy = cluster.transfer(0, 1, p);
        Access.read(from, copy);
        assertThrows(WireException.class, () -> new WireIn(new byte[3]).getInt());
    }
}
