package io.ssijava.dsm;

import io.ssijava.dsm.TestTypes.Point;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Messages of every type a node knows (and of types it does not), with malformed, truncated and hostile bodies,
 * sent by another node: the node goes on serving, reports a malformed message once per type and counts the rest,
 * and initializes no class a message names unless it is a class of the job whose statics are shared.
 */
class MessageFuzzTest
{
    /** Set by {@link Gadget}'s initializer: a class a hostile message names must not run it. */
    static volatile boolean gadgetInitialized;

    /** A class of the class path with an initializer of its own, not rewritten to share its statics. */
    static final class Gadget
    {
        static
        {
            gadgetInitialized = true;
        }
    }

    /** A stand-in for a class the agent rewrote to share its statics: it has the marker field. */
    static final class SharedStatics
    {
        public static int __ssi_ss;
        static int value = 7;
    }

    @Test
    @Timeout(60)
    void malformedMessagesOfEveryTypeAreCountedReportedOnceAndLeaveTheNodeServing() throws Exception
    {
        final PrintStream realErr = System.err;
        final ByteArrayOutputStream captured = new ByteArrayOutputStream();
        final Random random = new Random(Long.getLong("ssi.fuzz.seed", 20261205L)); // another seed: -Dssi.fuzz.seed
        try (IpcCluster cluster = new IpcCluster(2))
        {
            final Node zero = cluster.node(0);
            final Node one = cluster.node(1);
            new NodeRuntime(zero); // class initialization, home calls: the handlers a job's node 0 has
            new NodeRuntime(one);
            final Point home = new Point();
            home.x = 41;
            home.label = "home";
            final Point copy = cluster.transfer(0, 1, home); // shares it at node 0
            final long shared = Access.meta(zero, home).gid;

            System.setErr(new PrintStream(captured, true, StandardCharsets.UTF_8));
            // every type the runtime uses (and the first extensions), and a sample of the rest
            final List<Integer> types = new ArrayList<>();
            for (int t = -128; t < 128; t++)
            {
                if (t >= 0 && t <= MessageTypes.FIRST_EXTENSION + 8 || Math.floorMod(t, 9) == 0)
                {
                    types.add(t);
                }
            }
            int sent = 0;
            for (int round = 0; round < 40; round++)
            {
                for (final int type : types)
                {
                    if (type == MessageTypes.REPLY)
                    {
                        continue; // a reply nobody waits for is ignored before it is read
                    }
                    final WireOut m = one.message((byte)type);
                    if (random.nextBoolean())
                    {
                        m.buffer().putLong(1, 1 + random.nextInt(1_000_000), java.nio.ByteOrder.LITTLE_ENDIAN);
                    }
                    body(random, m, shared);
                    one.send(0, m);
                    sent++;
                }
            }

            // node 0 goes on serving: a fault from node 1 gets the home's values
            Access.read(one, copy);
            assertEquals(home.x, copy.x);
            assertEquals(home.label, copy.label);

            // every malformed message is counted (the node handles them on several threads: wait for the count)
            final long deadline = System.nanoTime() + 20_000_000_000L;
            while (zero.stats().malformedMessages.get() == 0 && System.nanoTime() < deadline)
            {
                Thread.onSpinWait();
            }
            final long malformed = zero.stats().malformedMessages.get();
            assertTrue(malformed > 0 && malformed <= sent, malformed + " of " + sent);
        }
        finally
        {
            System.setErr(realErr);
        }
        final String err = captured.toString(StandardCharsets.UTF_8);
        final Map<String, Integer> perType = new HashMap<>();
        final Matcher m = Pattern.compile("dropped (?:a )?message of type (-?\\d+) from node 1").matcher(err);
        while (m.find())
        {
            perType.merge(m.group(1), 1, Integer::sum);
        }
        assertFalse(perType.isEmpty(), err);
        perType.forEach((type, n) -> assertEquals(1, n, "type " + type + " reported " + n + " times:\n" + err));
        assertFalse(err.contains("Exception in thread"), err);
    }

    /** A body for a message: noise, or noise behind a real global id, a count or a class name. */
    private static void body(final Random random, final WireOut m, final long gid)
    {
        switch (random.nextInt(6))
        {
            case 0:
                return; // empty
            case 1:
                m.putLong(gid);
                break;
            case 2:
                m.putLong(gid).putInt(random.nextInt(8) - 2);
                break;
            case 3:
                m.putString(random.nextBoolean() ? Gadget.class.getName() : "java.awt.Toolkit");
                break;
            case 4:
                m.putInt(random.nextBoolean() ? Integer.MAX_VALUE : -1);
                break;
            default:
                break;
        }
        final byte[] noise = new byte[random.nextInt(48)];
        random.nextBytes(noise);
        m.putBytes(noise, 0, noise.length);
    }

    @Test
    @Timeout(30)
    void classInitializationIsRefusedForAClassThatDoesNotShareItsStatics()
    {
        try (IpcCluster cluster = new IpcCluster(2))
        {
            new NodeRuntime(cluster.node(0));
            new NodeRuntime(cluster.node(1));
            final Node one = cluster.node(1);
            for (final String name : List.of(Gadget.class.getName(), "java.awt.Toolkit", "java.lang.Runtime",
                "[Ljava.lang.String;", "no.such.Class", ""))
            {
                final SsiException e = assertThrows(SsiException.class,
                    () -> one.call(0, one.message(MessageTypes.CLASS_INIT).putString(name)), name);
                assertTrue(e.getMessage().contains("refusing to initialize") || e.getMessage().contains("bad"),
                    name + ": " + e.getMessage());
            }
            assertFalse(gadgetInitialized, "a message made node 0 run the initializer of a class it names");

            // a class of the job that shares its statics is initialized at node 0, which sends its statics
            final WireIn reply = one.call(0, one.message(MessageTypes.CLASS_INIT).putString(
                SharedStatics.class.getName()));
            assertTrue(reply.getBoolean(), "a class that shares its statics is initialized for the asking node");
        }
    }
}
