package io.ssijava.checkpoint.store;

import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Locale;
import java.util.SortedSet;
import java.util.TreeSet;

/**
 * A directory that holds checkpoint files: a node's local directory (its own parts, level 1, and its neighbour's
 * mirrored parts, level M) or the stable directory (level N). Layout:
 * {@code ROOT/job-JOB/ckpt-NNNNNNNN/node-K.part} and {@code .../commit} once the checkpoint is committed.
 */
public final class CheckpointDir
{
    private static final String JOB = "job-";
    private static final String CKPT = "ckpt-";
    private static final String PART = ".part";
    private static final String NODE = "node-";

    private final Path root;

    public CheckpointDir(final Path root)
    {
        this.root = root;
    }

    /** @return the directory. */
    public Path root()
    {
        return root;
    }

    /** @return where node's part of a checkpoint goes in this directory. */
    public Path part(final long job, final long checkpoint, final int node)
    {
        return checkpointDir(job, checkpoint).resolve(NODE + node + PART);
    }

    /** @return where a checkpoint's commit record goes in this directory. */
    public Path commit(final long job, final long checkpoint)
    {
        return checkpointDir(job, checkpoint).resolve("commit");
    }

    /**
     * @return where the description of a job goes in this directory ({@code job.properties}: how to run it again,
     * which {@code ssi-java restore} reads).
     */
    public Path jobFile(final long job)
    {
        return jobDir(job).resolve("job.properties");
    }

    private Path jobDir(final long job)
    {
        return root.resolve(JOB + Long.toHexString(job));
    }

    private Path checkpointDir(final long job, final long checkpoint)
    {
        return jobDir(job).resolve(String.format(Locale.ROOT, CKPT + "%08d", checkpoint));
    }

    /** @return the jobs that have checkpoints here. */
    public SortedSet<Long> jobs() throws IOException
    {
        final SortedSet<Long> out = new TreeSet<>();
        for (final Path p : list(root))
        {
            final String name = p.getFileName().toString();
            if (name.startsWith(JOB))
            {
                try
                {
                    out.add(Long.parseUnsignedLong(name.substring(JOB.length()), 16));
                }
                catch (final NumberFormatException ex)
                {
                    // not ours
                }
            }
        }
        return out;
    }

    /** @return the numbers of the job's checkpoints that have a directory here, committed or not. */
    public SortedSet<Long> checkpoints(final long job) throws IOException
    {
        final SortedSet<Long> out = new TreeSet<>();
        for (final Path p : list(jobDir(job)))
        {
            final String name = p.getFileName().toString();
            if (name.startsWith(CKPT))
            {
                try
                {
                    out.add(Long.parseLong(name.substring(CKPT.length())));
                }
                catch (final NumberFormatException ex)
                {
                    // not ours
                }
            }
        }
        return out;
    }

    /** @return the nodes whose parts of the checkpoint are here (by file name; not checked). */
    public SortedSet<Integer> parts(final long job, final long checkpoint) throws IOException
    {
        final SortedSet<Integer> out = new TreeSet<>();
        for (final Path p : list(checkpointDir(job, checkpoint)))
        {
            final String name = p.getFileName().toString();
            if (name.startsWith(NODE) && name.endsWith(PART))
            {
                try
                {
                    out.add(Integer.parseInt(name.substring(NODE.length(), name.length() - PART.length())));
                }
                catch (final NumberFormatException ex)
                {
                    // not ours
                }
            }
        }
        return out;
    }

    /**
     * @return the checkpoint's commit record if this directory holds a sound one, else null (none, or refused:
     * a commit record that does not check out does not commit anything).
     */
    public CommitRecord commitRecord(final long job, final long checkpoint)
    {
        final Path file = commit(job, checkpoint);
        if (!Files.exists(file))
        {
            return null;
        }
        try
        {
            return CommitRecord.read(file, job);
        }
        catch (final IOException ex)
        {
            return null;
        }
    }

    /** Removes node's part of a checkpoint, and the checkpoint's directory once no part is left in it. */
    public void deletePart(final long job, final long checkpoint, final int node) throws IOException
    {
        Files.deleteIfExists(part(job, checkpoint, node));
        if (parts(job, checkpoint).isEmpty())
        {
            final Path dir = checkpointDir(job, checkpoint);
            for (final Path p : list(dir))
            {
                Files.deleteIfExists(p); // the commit record, files left by a writer that died
            }
            Files.deleteIfExists(dir);
        }
    }

    private static java.util.List<Path> list(final Path dir) throws IOException
    {
        final java.util.List<Path> out = new java.util.ArrayList<>();
        try (DirectoryStream<Path> s = Files.newDirectoryStream(dir))
        {
            s.forEach(out::add);
        }
        catch (final NoSuchFileException ex)
        {
            // nothing here yet
        }
        return out;
    }

    @Override
    public String toString()
    {
        return root.toString();
    }
}
