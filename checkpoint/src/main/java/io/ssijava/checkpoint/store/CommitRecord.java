package io.ssijava.checkpoint.store;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.nio.file.Path;

/**
 * The record that a checkpoint is complete: every node wrote its part. Written (as a {@link CheckpointFile} of kind
 * COMMIT) into every directory that holds a part of it, once all parts are written; until then the previous
 * checkpoint stays the current one.
 *
 * @param job         the job's id.
 * @param checkpoint  the checkpoint's number.
 * @param level       the farthest level it was written to: 1, M or N.
 * @param partBytes   each node's part, in bytes.
 * @param pauseMillis how long the program was paused for the capture.
 * @param writeMillis how long writing every level took, after the pause.
 * @param threads     the threads it holds, all nodes together.
 * @param objects     the shared objects (and classes' statics) it holds, all nodes together.
 * @param base        the checkpoint it builds on, if it is incremental; else 0.
 * @param printed     the bytes the program had printed on standard output when it was taken, all nodes together
 *                    (with those of the jobs it was restored from): where a restored job's output goes on from.
 * @param createdMillis when it was committed (wall clock).
 */
public record CommitRecord(long job, long checkpoint, String level, long[] partBytes, long pauseMillis,
    long writeMillis, int threads, long objects, long base, long printed, long createdMillis)
{
    /** @return the number of nodes of the job when it was taken. */
    public int nodes()
    {
        return partBytes.length;
    }

    /** @return the size of all parts together. */
    public long totalBytes()
    {
        long sum = 0;
        for (final long b : partBytes)
        {
            sum += b;
        }
        return sum;
    }

    /** Writes the record to a file. @return its size. */
    public long write(final Path file, final boolean durable) throws IOException
    {
        final ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        final DataOutputStream out = new DataOutputStream(bytes);
        out.writeUTF(level);
        out.writeInt(partBytes.length);
        for (final long b : partBytes)
        {
            out.writeLong(b);
        }
        out.writeLong(pauseMillis);
        out.writeLong(writeMillis);
        out.writeInt(threads);
        out.writeLong(objects);
        out.writeLong(base);
        out.writeLong(printed);
        out.flush();
        return CheckpointFile.write(file, new CheckpointFile.Header(job, checkpoint, 0, -1, partBytes.length,
            CheckpointFile.Kind.COMMIT, createdMillis), bytes.toByteArray(), durable);
    }

    /**
     * Reads and checks a commit record.
     *
     * @throws CheckpointFileException if the file is foreign, damaged, or not a commit record.
     */
    public static CommitRecord read(final Path file, final long job) throws IOException
    {
        final CheckpointFile.Header h = CheckpointFile.verify(file, job);
        if (h.kind() != CheckpointFile.Kind.COMMIT)
        {
            throw new CheckpointFileException(file, "not a commit record but a " + h.kind() + " part");
        }
        final byte[] payload = CheckpointFile.readPayload(file, job);
        try
        {
            final DataInputStream in = new DataInputStream(new ByteArrayInputStream(payload));
            final String level = in.readUTF();
            final int n = in.readInt();
            if (n != h.nodes())
            {
                throw new CheckpointFileException(file, "damaged: " + n + " parts for " + h.nodes() + " nodes");
            }
            final long[] parts = new long[n];
            for (int i = 0; i < n; i++)
            {
                parts[i] = in.readLong();
            }
            return new CommitRecord(h.job(), h.checkpoint(), level, parts, in.readLong(), in.readLong(),
                in.readInt(), in.readLong(), in.readLong(), in.readLong(), h.createdMillis());
        }
        catch (final java.io.EOFException ex)
        {
            throw new CheckpointFileException(file, "damaged: its record is cut short");
        }
    }
}
