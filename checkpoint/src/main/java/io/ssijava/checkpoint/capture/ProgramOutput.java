package io.ssijava.checkpoint.capture;

import java.io.BufferedOutputStream;
import java.io.FileDescriptor;
import java.io.FileOutputStream;
import java.io.FilterOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.charset.Charset;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Counts what the program prints on standard output, so that a checkpoint knows where the job's output stood when
 * it was taken: a job restored after a failure goes on from there, and the launcher drops what the failed job had
 * printed after that point instead of showing it twice. Every node of the job prints to the same output (the
 * workers inherit node 0's); a checkpoint adds up every node's count.
 */
public final class ProgramOutput
{
    private static final AtomicLong WRITTEN = new AtomicLong();
    /** What the job this one was restored from had printed up to the checkpoint (node 0 only). */
    private static volatile long before;
    private static volatile boolean installed;

    private ProgramOutput()
    {
    }

    /** Makes {@code System.out} count the bytes it writes (before the program runs). */
    public static synchronized void install()
    {
        if (installed)
        {
            return;
        }
        final OutputStream counted = new FilterOutputStream(new FileOutputStream(FileDescriptor.out))
        {
            @Override
            public void write(final int b) throws IOException
            {
                out.write(b);
                WRITTEN.incrementAndGet();
            }

            @Override
            public void write(final byte[] b, final int off, final int len) throws IOException
            {
                out.write(b, off, len);
                WRITTEN.addAndGet(len);
            }
        };
        final String encoding = System.getProperty("stdout.encoding", System.getProperty("sun.stdout.encoding"));
        Charset cs = Charset.defaultCharset();
        try
        {
            if (encoding != null)
            {
                cs = Charset.forName(encoding);
            }
        }
        catch (final IllegalArgumentException ex)
        {
            // the platform's default then, as the JDK would fall back to
        }
        System.out.flush();
        System.setOut(new PrintStream(new BufferedOutputStream(counted, 8192), true, cs));
        installed = true;
    }

    /** A restored job's node 0: the output of the job it goes on from, up to its checkpoint, counts as its own. */
    public static void startAt(final long printed)
    {
        before = printed;
    }

    /** Flushes {@code System.out}; @return what this node's program printed so far (node 0: with what came before). */
    static long flushAndCount()
    {
        System.out.flush();
        return before + WRITTEN.get();
    }
}
