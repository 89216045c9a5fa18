package io.ssijava.agent.control;

import io.ssijava.checkpoint.CheckpointControl;
import io.ssijava.checkpoint.CheckpointControl.Summary;
import io.ssijava.agent.metrics.MetricsText;
import io.ssijava.checkpoint.CheckpointException;
import io.ssijava.dsm.NodeMetrics;
import io.ssijava.threads.ClusterThreads;
import io.ssijava.threads.Job;
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
    static final String USAGE = "commands: status | threads | nodes | migrate THREAD NODE | placement [" +
        String.join("|", Placement.NAMES) + "] | checkpoint | checkpoints | metrics | console | stop [STATUS]";
    /** The exit status of a job ended by {@code stop} without one: that of a JVM ended by SIGTERM. */
    static final int STOP_STATUS = 143;
    private static final String CHECKPOINT_ROW = "%-6s %-6s %-14s %-8s %-8s %-7s %-10s %s";

    private final ClusterThreads threads;
    private final CheckpointControl checkpoints;
    private final Job job;
    private final String jobId;
    private final long startedNanos = System.nanoTime();
    private final Instant started = Instant.now();
    private volatile String consoleUrl;
    private volatile String secretHex;

    /**
     * @param threads     the job's threads.
     * @param checkpoints what node 0's checkpoint service answers; null where there is none (the checkpoint
     *                    commands then say so).
     * @param job         node 0's part of the job: its metrics, and its end.
     * @param jobId       the job's id.
     */
    public ControlCommands(final ClusterThreads threads, final CheckpointControl checkpoints, final Job job,
        final String jobId)
    {
        this.threads = threads;
        this.checkpoints = checkpoints;
        this.job = job;
        this.jobId = jobId;
    }

    void run(final String line, final PrintWriter out)
    {
        final String[] words = line.isEmpty() ? new String[0] : line.split("\\s+");
        final String command = words.length == 0 ? "" : words[0];
        switch (command)
        {
            case "status" -> status(words, out);
            case "stop" -> stop(words, out);
            case "metrics" -> metrics(words, out);
            case "console" -> console(words, out);
            case "threads" -> threads(out);
            case "nodes" -> nodes(out);
            case "placement" -> placement(words, out);
            case "migrate" -> migrate(words, out);
            case "checkpoint" -> checkpoint(words, out);
            case "checkpoints" -> checkpoints(words, out);
            default -> out.println("ERROR unknown command \"" + command + "\"; " + USAGE);
        }
    }

    /** The job at a glance: what runs, for how long, where its threads are, its nodes' traffic, its checkpoints. */
    private void status(final String[] words, final PrintWriter out)
    {
        if (words.length != 1)
        {
            out.println("ERROR usage: status (takes no arguments)");
            return;
        }
        final Listing listing = threads.directory().list();
        final double[][] metrics = job.metrics();
        out.println(String.format(Locale.ROOT, "job %s: %s on %d %s, up %s (since %s)", jobId,
            ControlServer.mainClass(), metrics.length, metrics.length == 1 ? "node" : "nodes", uptime(System.nanoTime() -
            startedNanos), started.truncatedTo(ChronoUnit.SECONDS)));
        final java.util.Map<String, Integer> states = new java.util.TreeMap<>();
        listing.threads().forEach(t -> states.merge(t.state().toLowerCase(Locale.ROOT), 1, Integer::sum));
        final List<String> counts = new ArrayList<>();
        states.forEach((state, n) -> counts.add(n + " " + state));
        out.println("threads: " + listing.threads().size() + (counts.isEmpty() ? "" : " (" + String.join(", ",
            counts) + ")") + "; placement " + threads.placement().name());
        out.println(String.format(Locale.ROOT, "%-4s %-7s %-12s %-12s %-14s %-12s %s", "NODE", "THREADS", "HEAP_MB",
            "FAULTS", "LOCK_TRANSFERS", "MOVED_OUT", "MB_SENT"));
        final List<NodeInfo> nodes = listing.nodes();
        for (int n = 0; n < metrics.length; n++)
        {
            final int node = n;
            final int here = nodes.stream().filter(i -> i.node() == node).mapToInt(NodeInfo::threads).sum();
            final double[] m = metrics[n];
            if (m == null)
            {
                out.println(String.format(Locale.ROOT, "%-4d %-7d did not answer", n, here));
                continue;
            }
            out.println(String.format(Locale.ROOT, "%-4d %-7d %-12s %-12d %-14d %-12d %.1f", n, here,
                String.format(Locale.ROOT, "%.0f/%.0f", metric(m, "heap_used_bytes") / 1e6,
                    metric(m, "heap_max_bytes") / 1e6), (long)metric(m, "remote_faults_total"),
                (long)metric(m, "lock_transfers_total"), (long)metric(m, "threads_moved_out_total"),
                metric(m, "bytes_sent_total") / 1e6));
        }
        if (checkpoints == null)
        {
            out.println("checkpoints: none (this job has no checkpoint service)");
        }
        else
        {
            final List<Summary> all = checkpoints.list();
            out.println(all.isEmpty() ? "checkpoints: none yet" : "checkpoints: " + all.size() + ", newest: " +
                all.get(all.size() - 1).committedLine());
        }
        out.println("OK");
    }

    /** @return e.g. "4.2 s", "3 min 05 s", "2 h 03 min". */
    static String uptime(final long nanos)
    {
        final long s = nanos / 1_000_000_000L;
        if (s < 60)
        {
            return String.format(Locale.ROOT, "%.1f s", nanos / 1e9);
        }
        if (s < 3600)
        {
            return String.format(Locale.ROOT, "%d min %02d s", s / 60, s % 60);
        }
        return String.format(Locale.ROOT, "%d h %02d min", s / 3600, s / 60 % 60);
    }

    private static double metric(final double[] sample, final String name)
    {
        return NodeMetrics.value(sample, name);
    }

    /** Ends the job as System.exit(STATUS) in the program would; the answer comes first. */
    private void stop(final String[] words, final PrintWriter out)
    {
        int status = STOP_STATUS;
        if (words.length > 2)
        {
            out.println("ERROR usage: stop [STATUS] (the job's exit status, 0 to 255; default " + STOP_STATUS + ")");
            return;
        }
        if (words.length == 2)
        {
            try
            {
                status = Integer.parseInt(words[1]);
            }
            catch (final NumberFormatException ex)
            {
                status = -1;
            }
            if (status < 0 || status > 255)
            {
                out.println("ERROR the exit status must be a number from 0 to 255, not \"" + words[1] + "\"");
                return;
            }
        }
        out.println("stopping job " + jobId + " with exit status " + status);
        out.println("OK");
        out.flush();
        job.stop(status, "stopped by ssi-java stop");
    }

    /** Where the console is: its address, with the secret in the fragment (only a holder of it gets here). */
    private void console(final String[] words, final PrintWriter out)
    {
        if (words.length != 1)
        {
            out.println("ERROR usage: console (takes no arguments)");
            return;
        }
        final String url = consoleUrl;
        if (url == null)
        {
            out.println("ERROR this job has no console (start it with ssi-java --console PORT)");
            return;
        }
        out.println(url + "#" + secretHex);
        out.println("OK");
    }

    /** The console serves at this address; the secret it needs, in hex. */
    public void console(final String url, final String secretHex)
    {
        this.consoleUrl = url;
        this.secretHex = secretHex;
    }

    /** @return the program's main class (or jar), as the JVM was told it. */
    public static String mainClass()
    {
        return ControlServer.mainClass();
    }

    /** Every node's metrics, in the text format monitoring systems scrape. */
    private void metrics(final String[] words, final PrintWriter out)
    {
        if (words.length != 1)
        {
            out.println("ERROR usage: metrics (takes no arguments)");
            return;
        }
        out.print(MetricsText.render(jobId, job.metrics()));
        out.println("OK");
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
