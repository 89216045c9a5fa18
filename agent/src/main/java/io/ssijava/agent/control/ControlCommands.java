package io.ssijava.agent.control;

import io.ssijava.checkpoint.CheckpointControl;
import io.ssijava.checkpoint.CheckpointControl.Summary;
import io.ssijava.checkpoint.CheckpointException;
import io.ssijava.threads.ClusterThreads;
import io.ssijava.threads.Placement;
import io.ssijava.threads.ThreadDirectory;
import io.ssijava.threads.ThreadDirectory.Listing;
import io.ssijava.threads.ThreadDirectory.NodeInfo;
import io.ssijava.threads.ThreadDirectory.ThreadInfo;

import java.io.PrintWriter;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * What the control commands do, answered as text for
 * {@code ssi-java threads|nodes|migrate|placement|checkpoint|checkpoints}.
 */
public final class ControlCommands
{
    /** How long {@code migrate} waits for the thread to arrive before it reports the move as pending. */
    private static final long MOVE_WAIT_MS = Long.getLong("ssi.control.move-wait-ms", 10_000L);
    static final String USAGE = "commands: threads | nodes | migrate THREAD NODE | placement [" +
        String.join("|", Placement.NAMES) + "] | checkpoint | checkpoints";
    private static final String CHECKPOINT_ROW = "%-6s %-6s %-14s %-8s %-8s %-7s %-10s %s";

    private final ClusterThreads threads;
    private final CheckpointControl checkpoints;

    /**
     * @param threads     the job's threads.
     * @param checkpoints what node 0's checkpoint service answers; null where there is none (the checkpoint
     *                    commands then say so).
     */
    public ControlCommands(final ClusterThreads threads, final CheckpointControl checkpoints)
    {
        this.threads = threads;
        this.checkpoints = checkpoints;
    }

    void run(final String line, final PrintWriter out)
    {
        final String[] words = line.isEmpty() ? new String[0] : line.split("\\s+");
        final String command = words.length == 0 ? "" : words[0];
        switch (command)
        {
            case "threads" -> threads(out);
            case "nodes" -> nodes(out);
            case "placement" -> placement(words, out);
            case "migrate" -> migrate(words, out);
            case "checkpoint" -> checkpoint(words, out);
            case "checkpoints" -> checkpoints(words, out);
            default -> out.println("ERROR unknown command \"" + command + "\"; " + USAGE);
        }
    }

    private void threads(final PrintWriter out)
    {
        final List<ThreadInfo> all = threads.directory().list().threads();
        out.println(String.format(Locale.ROOT, "%-14s %-4s %-13s %-7s %s", "ID", "NODE", "STATE", "MOVABLE", "NAME"));
        for (final ThreadInfo t : all)
        {
            out.println(String.format(Locale.ROOT, "%-14d %-4d %-13s %-7s %s%s", t.id(), t.node(), t.state(),
                t.movable() ? "yes" : "no", t.name(), t.note().isEmpty() ? "" : "  (" + t.note() + ")"));
        }
        out.println("OK");
    }

    private void nodes(final PrintWriter out)
    {
        out.println(String.format(Locale.ROOT, "%-4s %-4s %-7s %s", "NODE", "LOAD", "THREADS", "PLACEMENT"));
        for (final NodeInfo n : threads.directory().list().nodes())
        {
            out.println(String.format(Locale.ROOT, "%-4d %-4d %-7d %s", n.node(), n.load(), n.threads(),
                n.placement()));
        }
        out.println("OK");
    }

    private void placement(final String[] words, final PrintWriter out)
    {
        if (words.length > 2)
        {
            out.println("ERROR usage: placement [" + String.join("|", Placement.NAMES) + "]");
            return;
        }
        if (words.length == 2)
        {
            try
            {
                threads.placement(words[1]);
            }
            catch (final IllegalArgumentException ex)
            {
                out.println("ERROR " + ex.getMessage());
                return;
            }
            out.println("placement is now " + words[1] + " on every node");
        }
        else
        {
            out.println("placement: " + threads.placement().name());
        }
        out.println("OK");
    }

    private void migrate(final String[] words, final PrintWriter out)
    {
        if (words.length != 3)
        {
            out.println("ERROR usage: migrate THREAD NODE (THREAD: an id or a name, as ssi-java threads shows them)");
            return;
        }
        final int to;
        try
        {
            to = Integer.parseInt(words[2]);
        }
        catch (final NumberFormatException ex)
        {
            out.println("ERROR node must be a number, not \"" + words[2] + "\"");
            return;
        }
        final ThreadDirectory directory = threads.directory();
        final ThreadInfo t;
        try
        {
            t = find(directory.list(), words[1]);
        }
        catch (final IllegalArgumentException ex)
        {
            out.println("ERROR " + ex.getMessage());
            return;
        }
        final long started = System.nanoTime();
        final String asked = directory.move(t.id(), to);
        if (asked.startsWith("error: "))
        {
            out.println("ERROR " + asked.substring("error: ".length()));
            return;
        }
        if (t.node() == to)
        {
            out.println(asked);
            out.println("OK");
            return;
        }
        final long deadline = started + MOVE_WAIT_MS * 1_000_000L;
        String note = "";
        while (System.nanoTime() - deadline < 0)
        {
            final ThreadInfo now = byId(directory.list(), t.id());
            if (now == null)
            {
                out.println("ERROR thread \"" + t.name() + "\" ended before it moved");
                return;
            }
            if (now.node() == to && now.note().isEmpty())
            {
                out.println(String.format(Locale.ROOT, "moved thread \"%s\" (id %d) from node %d to node %d in %d ms",
                    t.name(), t.id(), t.node(), to, (System.nanoTime() - started) / 1_000_000L));
                out.println("OK");
                return;
            }
            note = now.note();
            if (note.startsWith(ThreadDirectory.REFUSED))
            {
                out.println("ERROR thread \"" + t.name() + "\" " + note + "; it goes on on node " + now.node());
                return;
            }
            try
            {
                Thread.sleep(10);
            }
            catch (final InterruptedException ex)
            {
                Thread.currentThread().interrupt();
                break;
            }
        }
        out.println("PENDING thread \"" + t.name() + "\" has not moved after " + MOVE_WAIT_MS + " ms" +
            (note.isEmpty() ? "" : " (" + note + ")") + "; it moves at its next safe point outside JDK code");
    }

    private void checkpoint(final String[] words, final PrintWriter out)
    {
        if (words.length != 1)
        {
            out.println("ERROR usage: checkpoint (takes no arguments)");
            return;
        }
        if (checkpoints == null)
        {
            out.println("ERROR this job has no checkpoint service");
            return;
        }
        final Summary s;
        try
        {
            s = checkpoints.checkpointNow();
        }
        catch (final CheckpointException ex)
        {
            out.println("ERROR " + ex.getMessage()); // it says which checkpoint was not taken, and why
            return;
        }
        out.println(committed(s));
        out.println("OK");
    }

    private void checkpoints(final String[] words, final PrintWriter out)
    {
        if (words.length != 1)
        {
            out.println("ERROR usage: checkpoints (takes no arguments)");
            return;
        }
        if (checkpoints == null)
        {
            out.println("ERROR this job has no checkpoint service");
            return;
        }
        final List<Summary> all = checkpoints.list();
        out.println(String.format(Locale.ROOT, CHECKPOINT_ROW, "ID", "LEVELS", "BYTES", "PAUSE_MS", "TOTAL_MS",
            "THREADS", "OBJECTS", "CREATED"));
        for (final Summary s : all)
        {
            out.println(row(s));
        }
        if (all.isEmpty())
        {
            out.println("no checkpoints yet");
        }
        out.println("OK");
    }

    /** @return the line that reports a checkpoint just committed. */
    static String committed(final Summary s)
    {
        return s.committedLine();
    }

    /** @return a checkpoint's row in the {@code checkpoints} table; CREATED in UTC, to the second. */
    static String row(final Summary s)
    {
        return String.format(Locale.ROOT, CHECKPOINT_ROW, s.id(), s.levels(), s.bytes(), s.pauseMillis(),
            s.totalMillis(), s.threads(), s.objects(),
            Instant.ofEpochMilli(s.createdMillis()).truncatedTo(ChronoUnit.SECONDS));
    }

    private static ThreadInfo byId(final Listing listing, final long id)
    {
        for (final ThreadInfo t : listing.threads())
        {
            if (t.id() == id)
            {
                return t;
            }
        }
        return null;
    }

    /** A thread by id, or by name when no id matches and exactly one thread has that name. */
    private static ThreadInfo find(final Listing listing, final String which)
    {
        try
        {
            final ThreadInfo t = byId(listing, Long.parseLong(which));
            if (t != null)
            {
                return t;
            }
        }
        catch (final NumberFormatException notAnId)
        {
            // a name
        }
        final List<ThreadInfo> named = new ArrayList<>();
        for (final ThreadInfo t : listing.threads())
        {
            if (t.name().equals(which))
            {
                named.add(t);
            }
        }
        if (named.size() == 1)
        {
            return named.get(0);
        }
        if (named.isEmpty())
        {
            throw new IllegalArgumentException("no running thread has the id or name \"" + which +
                "\" (see ssi-java threads)");
        }
        final List<String> ids = new ArrayList<>();
        named.forEach(t -> ids.add(Long.toString(t.id())));
        throw new IllegalArgumentException(named.size() + " threads are named \"" + which + "\"; give an id: " +
            String.join(", ", ids));
    }
}
