package io.ssijava.checkpoint.store;

import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.EOFException;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.Arrays;
import java.util.zip.CRC32C;

/**
 * One file of a checkpoint: a node's part of it, or the record that commits it. Layout (big-endian):
 * <pre>
 * header   "SSI-CKPT" format-version:int kind:byte 0:byte 0:short job:long checkpoint:long base:long
 *          node:int nodes:int created-millis:long header-crc32c:int
 * payload  the bytes the writer gave
 * trailer  "SSI-END." payload-length:long payload-crc32c:int
 * </pre>
 * A copy of a file on another level (mirror, stable storage) is the same bytes, so one check serves every level.
 * A file is written under a temporary name and renamed into place, so a writer that dies leaves no half file under
 * the real name; what is found anyway (a disk that lost its tail, a file of another job or program) is refused with
 * a {@link CheckpointFileException} that names the file and the reason.
 */
public final class CheckpointFile
{
    /** The format this version writes and the only one it reads. */
    public static final int FORMAT_VERSION = 3;
    static final byte[] MAGIC = "SSI-CKPT".getBytes(StandardCharsets.US_ASCII);
    static final byte[] END = "SSI-END.".getBytes(StandardCharsets.US_ASCII);
    static final int HEADER_BYTES = 8 + 4 + 1 + 1 + 2 + 8 + 8 + 8 + 4 + 4 + 8 + 4;
    static final int TRAILER_BYTES = 8 + 8 + 4;
    private static final int BUFFER = 1 << 16;

    /** What a file holds. */
    public enum Kind
    {
        /** A node's whole state. */
        FULL,
        /** What changed on a node since the checkpoint named as its base. */
        INCREMENTAL,
        /** The record that a checkpoint is complete on every node. */
        COMMIT
    }

    /**
     * What the header says.
     *
     * @param job          the job's id: files of another job are refused.
     * @param checkpoint   the checkpoint's number in its job, from 1.
     * @param base         for an incremental part, the checkpoint it builds on; else 0.
     * @param node         the node whose part this is (-1 for a commit record).
     * @param nodes        how many nodes the job had.
     * @param kind         full, incremental, or commit.
     * @param createdMillis when it was written (wall clock).
     */
    public record Header(long job, long checkpoint, long base, int node, int nodes, Kind kind, long createdMillis)
    {
        public Header
        {
            if (checkpoint < 1 || nodes < 1 || node < -1 || node >= nodes)
            {
                throw new IllegalArgumentException("bad checkpoint header: checkpoint " + checkpoint + ", node " +
                    node + " of " + nodes);
            }
            if ((kind == Kind.INCREMENTAL) != (base > 0) || base >= checkpoint)
            {
                throw new IllegalArgumentException("checkpoint " + checkpoint + " (" + kind + ") cannot build on " +
                    base);
            }
        }
    }

    /** Writes a payload to a stream. */
    @FunctionalInterface
    public interface Payload
    {
        void writeTo(OutputStream out) throws IOException;
    }

    private CheckpointFile()
    {
    }

    /**
     * Writes a file: header, payload, trailer, under a temporary name renamed into place.
     *
     * @param file    where it goes; its directory is created if needed.
     * @param header  what the header says.
     * @param payload writes the payload.
     * @param durable whether to force it to the device before the rename (stable storage).
     * @return the file's size in bytes.
     */
    public static long write(final Path file, final Header header, final Payload payload, final boolean durable)
        throws IOException
    {
        final Path dir = file.toAbsolutePath().getParent();
        Files.createDirectories(dir);
        final Path tmp = dir.resolve(file.getFileName() + ".tmp");
        final long size;
        try (FileChannel ch = FileChannel.open(tmp, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
            StandardOpenOption.TRUNCATE_EXISTING))
        {
            writeFully(ch, ByteBuffer.wrap(headerBytes(header)));
            final CrcOut out = new CrcOut(ch);
            payload.writeTo(out);
            out.drain();
            final ByteBuffer trailer = ByteBuffer.allocate(TRAILER_BYTES);
            trailer.put(END).putLong(out.length).putInt((int)out.crc.getValue()).flip();
            writeFully(ch, trailer);
            if (durable)
            {
                ch.force(true);
            }
            size = ch.position();
        }
        catch (final IOException | RuntimeException ex)
        {
            Files.deleteIfExists(tmp);
            throw ex;
        }
        try
        {
            Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        }
        catch (final AtomicMoveNotSupportedException ex)
        {
            Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING);
        }
        return size;
    }

    /** Writes a file whose payload is the given bytes. */
    public static long write(final Path file, final Header header, final byte[] payload, final boolean durable)
        throws IOException
    {
        return write(file, header, out -> out.write(payload), durable);
    }

    /**
     * Reads and checks a file's header only (cheap: for listing).
     *
     * @throws CheckpointFileException if it is not a checkpoint file of this format, or its header is damaged.
     */
    public static Header readHeader(final Path file) throws IOException
    {
        final long length = size(file);
        if (length < HEADER_BYTES)
        {
            throw refuse(file, length);
        }
        final byte[] bytes = new byte[HEADER_BYTES];
        try (InputStream in = Files.newInputStream(file))
        {
            readFully(in, bytes, file);
        }
        final Header h = parseHeader(file, bytes);
        if (length < HEADER_BYTES + TRAILER_BYTES)
        {
            throw new CheckpointFileException(file, "truncated: " + length + " bytes, a checkpoint file has at least " +
                (HEADER_BYTES + TRAILER_BYTES));
        }
        return h;
    }

    /**
     * Checks a whole file: header, length and both checksums, and that it belongs to the job.
     *
     * @param job the job's id, or 0 to accept any job's file.
     * @return its header.
     * @throws CheckpointFileException if it is foreign, of another format, truncated or damaged.
     */
    public static Header verify(final Path file, final long job) throws IOException
    {
        final Header h = readHeader(file);
        checkJob(file, h, job);
        try (InputStream in = new BufferedInputStream(Files.newInputStream(file), BUFFER))
        {
            skipFully(in, HEADER_BYTES, file);
            final long payloadLength = size(file) - HEADER_BYTES - TRAILER_BYTES;
            final CRC32C crc = new CRC32C();
            final byte[] buf = new byte[BUFFER];
            long left = payloadLength;
            while (left > 0)
            {
                final int n = in.read(buf, 0, (int)Math.min(buf.length, left));
                if (n < 0)
                {
                    throw new CheckpointFileException(file, "truncated while it was read");
                }
                crc.update(buf, 0, n);
                left -= n;
            }
            final byte[] trailer = new byte[TRAILER_BYTES];
            readFully(in, trailer, file);
            checkTrailer(file, ByteBuffer.wrap(trailer), payloadLength, (int)crc.getValue());
        }
        return h;
    }

    /**
     * Checks a file as {@link #verify} does, then opens its payload.
     *
     * @return a stream of the payload bytes only; the caller closes it.
     */
    public static InputStream openPayload(final Path file, final long job) throws IOException
    {
        verify(file, job);
        final long payloadLength = size(file) - HEADER_BYTES - TRAILER_BYTES;
        final InputStream in = new BufferedInputStream(Files.newInputStream(file), BUFFER);
        skipFully(in, HEADER_BYTES, file);
        return new FilterInputStream(in)
        {
            private long left = payloadLength;

            @Override
            public int read() throws IOException
            {
                if (left <= 0)
                {
                    return -1;
                }
                final int b = super.read();
                if (b >= 0)
                {
                    left--;
                }
                return b;
            }

            @Override
            public int read(final byte[] b, final int off, final int len) throws IOException
            {
                if (left <= 0)
                {
                    return -1;
                }
                final int n = super.read(b, off, (int)Math.min(len, left));
                if (n > 0)
                {
                    left -= n;
                }
                return n;
            }
        };
    }

    /** Checks a file and returns its payload. */
    public static byte[] readPayload(final Path file, final long job) throws IOException
    {
        try (InputStream in = openPayload(file, job))
        {
            final ByteArrayOutputStream out = new ByteArrayOutputStream();
            in.transferTo(out);
            return out.toByteArray();
        }
    }

    // ---------------------------------------------------------------- layout

    static byte[] headerBytes(final Header h)
    {
        final ByteBuffer b = ByteBuffer.allocate(HEADER_BYTES);
        b.put(MAGIC).putInt(FORMAT_VERSION).put((byte)h.kind().ordinal()).put((byte)0).putShort((short)0)
            .putLong(h.job()).putLong(h.checkpoint()).putLong(h.base()).putInt(h.node()).putInt(h.nodes())
            .putLong(h.createdMillis());
        final CRC32C crc = new CRC32C();
        crc.update(b.array(), 0, b.position());
        b.putInt((int)crc.getValue());
        return b.array();
    }

    private static Header parseHeader(final Path file, final byte[] bytes) throws CheckpointFileException
    {
        if (!Arrays.equals(bytes, 0, MAGIC.length, MAGIC, 0, MAGIC.length))
        {
            throw new CheckpointFileException(file, "not an ssi-java checkpoint file");
        }
        final ByteBuffer b = ByteBuffer.wrap(bytes);
        b.position(MAGIC.length);
        final int version = b.getInt();
        if (version != FORMAT_VERSION)
        {
            throw new CheckpointFileException(file, "written in checkpoint format " + version + "; this ssi-java " +
                "reads format " + FORMAT_VERSION);
        }
        final CRC32C crc = new CRC32C();
        crc.update(bytes, 0, HEADER_BYTES - 4);
        if ((int)crc.getValue() != ByteBuffer.wrap(bytes, HEADER_BYTES - 4, 4).getInt())
        {
            throw new CheckpointFileException(file, "damaged: the header's checksum does not match");
        }
        final int kind = b.get();
        b.get();
        b.getShort();
        final long job = b.getLong();
        final long checkpoint = b.getLong();
        final long base = b.getLong();
        final int node = b.getInt();
        final int nodes = b.getInt();
        final long created = b.getLong();
        if (kind < 0 || kind >= Kind.values().length)
        {
            throw new CheckpointFileException(file, "damaged: unknown kind " + kind);
        }
        try
        {
            return new Header(job, checkpoint, base, node, nodes, Kind.values()[kind], created);
        }
        catch (final IllegalArgumentException ex)
        {
            throw new CheckpointFileException(file, "damaged: " + ex.getMessage());
        }
    }

    private static void checkTrailer(final Path file, final ByteBuffer t, final long payloadLength, final int crc)
        throws CheckpointFileException
    {
        final byte[] end = new byte[END.length];
        t.get(end);
        final long length = t.getLong();
        final int expected = t.getInt();
        if (!Arrays.equals(end, END) || length != payloadLength)
        {
            throw new CheckpointFileException(file, "truncated or damaged: its trailer " +
                (Arrays.equals(end, END) ? "gives " + length + " payload bytes where the file holds " + payloadLength :
                "is missing"));
        }
        if (expected != crc)
        {
            throw new CheckpointFileException(file, "damaged: the payload's checksum does not match");
        }
    }

    private static void checkJob(final Path file, final Header h, final long job) throws CheckpointFileException
    {
        if (job != 0 && h.job() != job)
        {
            throw new CheckpointFileException(file, "belongs to job " + Long.toHexString(h.job()) + ", not to job " +
                Long.toHexString(job));
        }
    }

    private static CheckpointFileException refuse(final Path file, final long length)
    {
        return new CheckpointFileException(file, length == 0 ? "empty" : "truncated: " + length + " bytes, shorter " +
            "than a checkpoint file's header");
    }

    private static long size(final Path file) throws IOException
    {
        try
        {
            return Files.size(file);
        }
        catch (final NoSuchFileException ex)
        {
            throw new CheckpointFileException(file, "missing");
        }
    }

    private static void readFully(final InputStream in, final byte[] into, final Path file) throws IOException
    {
        try
        {
            new java.io.DataInputStream(in).readFully(into);
        }
        catch (final EOFException ex)
        {
            throw new CheckpointFileException(file, "truncated while it was read");
        }
    }

    private static void skipFully(final InputStream in, final long n, final Path file) throws IOException
    {
        long left = n;
        while (left > 0)
        {
            final long skipped = in.skip(left);
            if (skipped <= 0)
            {
                if (in.read() < 0)
                {
                    throw new CheckpointFileException(file, "truncated while it was read");
                }
                left--;
            }
            else
            {
                left -= skipped;
            }
        }
    }

    private static void writeFully(final FileChannel ch, final ByteBuffer b) throws IOException
    {
        while (b.hasRemaining())
        {
            ch.write(b);
        }
    }

    /** The payload's stream: buffers, counts and checksums what passes, and writes it to the channel. */
    private static final class CrcOut extends OutputStream
    {
        final CRC32C crc = new CRC32C();
        long length;
        private final FileChannel ch;
        private final ByteBuffer buf = ByteBuffer.allocateDirect(BUFFER);

        CrcOut(final FileChannel ch)
        {
            this.ch = ch;
        }

        @Override
        public void write(final int b) throws IOException
        {
            if (!buf.hasRemaining())
            {
                drain();
            }
            buf.put((byte)b);
            length++;
        }

        @Override
        public void write(final byte[] b, final int off, final int len) throws IOException
        {
            if (len >= BUFFER)
            {
                drain();
                crc.update(b, off, len);
                writeFully(ch, ByteBuffer.wrap(b, off, len));
                length += len;
                return;
            }
            if (buf.remaining() < len)
            {
                drain();
            }
            buf.put(b, off, len);
            length += len;
        }

        /** Checksums and writes what is buffered. */
        void drain() throws IOException
        {
            buf.flip();
            crc.update(buf.duplicate());
            writeFully(ch, buf);
            buf.clear();
        }

        @Override
        public void close()
        {
            // the channel belongs to write(); drain() is called there
        }
    }
}
