package io.ssijava.checkpoint;

import io.ssijava.checkpoint.levels.Schedule;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Locale;

/**
 * How a job takes checkpoints: how often (0: only when asked), where each node keeps its level-1 copies (and the
 * mirror of its predecessor's), where the stable copies go, and which levels each checkpoint reaches.
 *
 * @param everyMillis   period of the automatic checkpoints in milliseconds; 0 for none (a user may still ask).
 * @param localRoot     the directory under which node k keeps its level-1 and level-M files ({@code node-k}).
 * @param stableDir     the stable directory (level N), or null for none.
 * @param schedule      which levels each checkpoint goes to.
 * @param pauseTimeoutMillis how long a checkpoint waits for every thread to reach a safe point before it gives up
 *                      (the job goes on, and the next one tries again).
 */
public record CheckpointConfig(long everyMillis, Path localRoot, Path stableDir, Schedule schedule,
    long pauseTimeoutMillis)
{
    /** The default level-1 root: the machine's temporary directory. */
    public static final Path DEFAULT_LOCAL_ROOT = Path.of(System.getProperty("java.io.tmpdir"), "ssi-java-checkpoints");
    /** How long a checkpoint waits for safe points by default. */
    public static final long DEFAULT_PAUSE_TIMEOUT_MILLIS = 5_000;
    /** No automatic checkpoints; asked-for ones go to the default local root, Scheme B 4x4, no stable level. */
    public static final CheckpointConfig DEFAULT = new CheckpointConfig(0, DEFAULT_LOCAL_ROOT, null, Schedule.DEFAULT,
        DEFAULT_PAUSE_TIMEOUT_MILLIS);

    public CheckpointConfig
    {
        if (everyMillis < 0)
        {
            throw new IllegalArgumentException("the checkpoint period cannot be negative: " + everyMillis + " ms");
        }
        if (localRoot == null)
        {
            throw new IllegalArgumentException("no local checkpoint directory");
        }
        if (schedule == null)
        {
            throw new IllegalArgumentException("no checkpoint schedule");
        }
        if (pauseTimeoutMillis <= 0)
        {
            throw new IllegalArgumentException("the safe-point timeout must be positive: " + pauseTimeoutMillis);
        }
    }

    /** @return node {@code node}'s local checkpoint directory. */
    public Path localDir(final int node)
    {
        return localRoot.resolve("node-" + node);
    }

    /**
     * @param jobId the job's id, as nodes know it.
     * @return the number a job's checkpoint files carry: 64 bits of the SHA-256 of its id, never 0.
     */
    public static long jobNumber(final String jobId)
    {
        try
        {
            final byte[] d = MessageDigest.getInstance("SHA-256").digest(jobId.getBytes(StandardCharsets.UTF_8));
            long n = 0;
            for (int i = 0; i < 8; i++)
            {
                n = n << 8 | (d[i] & 0xff);
            }
            return n == 0 ? 1 : n;
        }
        catch (final NoSuchAlgorithmException ex)
        {
            throw new IllegalStateException("no SHA-256 in this JDK", ex);
        }
    }

    /**
     * Reads a duration: a whole number with a unit, {@code ms}, {@code s}, {@code m} or {@code h} ({@code 30s},
     * {@code 500ms}, {@code 2m}); a bare number is seconds.
     *
     * @return milliseconds.
     * @throws IllegalArgumentException naming what is wrong.
     */
    public static long parseDuration(final String text)
    {
        final String s = text.trim().toLowerCase(Locale.ROOT);
        int i = 0;
        while (i < s.length() && Character.isDigit(s.charAt(i)))
        {
            i++;
        }
        if (i == 0 || i > 12)
        {
            throw new IllegalArgumentException("'" + text + "' is not a duration (e.g. 30s, 500ms, 2m)");
        }
        final long amount = Long.parseLong(s.substring(0, i));
        final String unit = s.substring(i);
        return switch (unit)
        {
            case "ms" -> amount;
            case "", "s" -> amount * 1000;
            case "m", "min" -> amount * 60_000;
            case "h" -> amount * 3_600_000;
            default -> throw new IllegalArgumentException("'" + text + "': unknown unit '" + unit +
                "' (ms, s, m or h)");
        };
    }
}
