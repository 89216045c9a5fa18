package io.ssijava.agent.output;

import io.ssijava.dsm.MessageTypes;
import io.ssijava.dsm.Node;
import io.ssijava.dsm.WireException;
import io.ssijava.rt.NodeLocalThread;

import java.io.BufferedOutputStream;
import java.io.FileDescriptor;
import java.io.FileOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.charset.Charset;

/**
 * The program's output of a node whose standard output is not node 0's (one that joined from another machine):
 * every write of a program thread is a call that node 0 answers once it has written the bytes to its own stream. So
 * what a thread printed before a release is in the job's output before anything printed after the matching acquire,
 * as when every node writes to one output, and node 0 counts it for its checkpoints. The runtime's own threads
 * (and any write while node 0 cannot be reached) write to this node's stream: they must never wait on node 0.
 */
public final class OutputForwarding
{
    /** The JVM flag that turns it on for a node (the join server sets it in the command of each node it admits). */
    public static final String PROPERTY = "ssi.output.forward";
    private static final byte OUT = 1;
    private static final byte ERR = 2;
    /** Bytes per call: a larger write is sent in pieces. */
    private static final int MAX_CHUNK = 32 * 1024;

    private OutputForwarding()
    {
    }

    /** Node 0: prints what the other nodes' program threads print. */
    public static void serve(final Node node)
    {
        node.register(MessageTypes.OUTPUT, (from, corr, in) ->
        {
            final byte stream = in.getByte();
            if (stream != OUT && stream != ERR)
            {
                throw new WireException("no output stream " + stream);
            }
            final byte[] bytes = in.getBytes();
            final PrintStream to = stream == OUT ? System.out : System.err;
            to.write(bytes, 0, bytes.length);
            to.flush();
            node.sendReply(from, corr, node.reply());
        });
    }

    /** Another node: {@code System.out} and {@code System.err} of the program's threads print through node 0. */
    public static void install(final Node node)
    {
        System.out.flush();
        System.err.flush();
        System.setOut(forwarding(node, OUT, new FileOutputStream(FileDescriptor.out), charset("stdout")));
        System.setErr(forwarding(node, ERR, new FileOutputStream(FileDescriptor.err), charset("stderr")));
    }

    private static PrintStream forwarding(final Node node, final byte stream, final OutputStream local,
        final Charset cs)
    {
        final OutputStream forward = new OutputStream()
        {
            @Override
            public void write(final int b) throws IOException
            {
                write(new byte[] {(byte)b}, 0, 1);
            }

            @Override
            public synchronized void write(final byte[] b, final int off, final int len) throws IOException
            {
                for (int at = off; at < off + len; at += MAX_CHUNK)
                {
                    final int n = Math.min(MAX_CHUNK, off + len - at);
                    if (!sent(node, stream, b, at, n))
                    {
                        local.write(b, at, n);
                    }
                }
            }
        };
        return new PrintStream(new BufferedOutputStream(forward, 8192), true, cs);
    }

    private static boolean sent(final Node node, final byte stream, final byte[] b, final int off, final int len)
    {
        final Thread t = Thread.currentThread();
        if (t instanceof NodeLocalThread || t.getName().startsWith("ssi-") || t.getName().startsWith("aeron") ||
            node.isClosing())
        {
            return false;
        }
        try
        {
            node.call(0, node.message(MessageTypes.OUTPUT).putByte(stream).putInt(len).putBytes(b, off, len));
            return true;
        }
        catch (final RuntimeException ex)
        {
            return false; // node 0 is gone: what is printed stays here
        }
    }

    private static Charset charset(final String stream)
    {
        final String name = System.getProperty(stream + ".encoding", System.getProperty("sun." + stream + ".encoding"));
        try
        {
            return name == null ? Charset.defaultCharset() : Charset.forName(name);
        }
        catch (final IllegalArgumentException ex)
        {
            return Charset.defaultCharset();
        }
    }
}
