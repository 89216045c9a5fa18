package io.ssijava.agent.console;

import io.ssijava.checkpoint.CheckpointControl;
import io.ssijava.dsm.NodeMetrics;
import io.ssijava.threads.ClusterThreads;
import io.ssijava.threads.Job;
import io.ssijava.threads.ThreadDirectory;

import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/**
 * What the console shows, as one JSON document: the job, every node (threads, load, heap, objects homed and the
 * counters the page turns into rates), every thread, the committed checkpoints, and failures and recoveries.
 */
public final class ConsoleState
{
    private final ClusterThreads threads;
    private final CheckpointControl checkpoints;
    private final Job job;
    private final String jobId;
    private final String main;
    private final long started = System.currentTimeMillis();
    private final List<String[]> events = Collections.synchronizedList(new ArrayList<>());

    /**
     * @param threads     the job's threads.
     * @param checkpoints node 0's checkpoint service, or null.
     * @param job         node 0's part of the job.
     * @param jobId       the job's id.
     * @param main        the program's main class.
     */
    public ConsoleState(final ClusterThreads threads, final CheckpointControl checkpoints, final Job job,
        final String jobId, final String main)
    {
        this.threads = threads;
        this.checkpoints = checkpoints;
        this.job = job;
        this.jobId = jobId;
        this.main = main;
    }

    /** Records a failure or a recovery, for the console's list of them. */
    public void event(final String what)
    {
        event(System.currentTimeMillis(), what);
    }

    /** Records a failure or a recovery that happened at a given time (epoch milliseconds). */
    public void event(final long at, final String what)
    {
        events.add(new String[] {Instant.ofEpochMilli(at).truncatedTo(ChronoUnit.SECONDS).toString(), what});
    }

    /** @return the state now, as JSON. */
    public String json()
    {
        final ThreadDirectory.Listing listing = threads.directory().list();
        final double[][] metrics = job.metrics();
        final StringBuilder sb = new StringBuilder(4096);
        sb.append("{\"job\":").append(str(jobId)).append(",\"main\":").append(str(main))
            .append(",\"at\":").append(System.currentTimeMillis())
            .append(",\"uptimeMs\":").append(System.currentTimeMillis() - started)
            .append(",\"placement\":").append(str(threads.placement().name())).append(",\"nodes\":[");
        for (int n = 0; n < metrics.length; n++)
        {
            final int node = n;
            final ThreadDirectory.NodeInfo info = listing.nodes().stream().filter(i -> i.node() == node).findFirst()
                .orElse(null);
            final double[] m = metrics[n];
            sb.append(n == 0 ? "" : ",").append("{\"node\":").append(n)
                .append(",\"up\":").append(m != null)
                .append(",\"threads\":").append(info == null ? 0 : info.threads())
                .append(",\"load\":").append(info == null ? 0 : info.load())
                .append(",\"heapUsed\":").append(value(m, "heap_used_bytes"))
                .append(",\"heapMax\":").append(value(m, "heap_max_bytes"))
                .append(",\"objectsHomed\":").append(value(m, "objects_homed_total"))
                .append(",\"faults\":").append(value(m, "remote_faults_total"))
                .append(",\"lockTransfers\":").append(value(m, "lock_transfers_total"))
                .append(",\"bytesSent\":").append(value(m, "bytes_sent_total"))
                .append(",\"movedOut\":").append(value(m, "threads_moved_out_total")).append('}');
        }
        sb.append("],\"threads\":[");
        boolean first = true;
        for (final ThreadDirectory.ThreadInfo t : listing.threads())
        {
            sb.append(first ? "" : ",").append("{\"id\":").append(t.id()).append(",\"node\":").append(t.node())
                .append(",\"state\":").append(str(t.state())).append(",\"name\":").append(str(t.name()))
                .append(",\"movable\":").append(t.movable()).append('}');
            first = false;
        }
        sb.append("],\"checkpoints\":[");
        first = true;
        for (final CheckpointControl.Summary c : checkpoints == null ? List.<CheckpointControl.Summary>of() :
            checkpoints.list())
        {
            sb.append(first ? "" : ",").append("{\"id\":").append(c.id()).append(",\"levels\":").append(str(c.levels()))
                .append(",\"bytes\":").append(c.bytes()).append(",\"pauseMs\":").append(c.pauseMillis())
                .append(",\"totalMs\":").append(c.totalMillis()).append(",\"threads\":").append(c.threads())
                .append(",\"created\":").append(str(Instant.ofEpochMilli(c.createdMillis())
                    .truncatedTo(ChronoUnit.SECONDS).toString())).append('}');
            first = false;
        }
        sb.append("],\"events\":[");
        synchronized (events)
        {
            for (int i = 0; i < events.size(); i++)
            {
                sb.append(i == 0 ? "" : ",").append("{\"at\":").append(str(events.get(i)[0])).append(",\"what\":")
                    .append(str(events.get(i)[1])).append('}');
            }
        }
        return sb.append("]}").toString();
    }

    private static long value(final double[] sample, final String name)
    {
        return sample == null ? 0 : (long)NodeMetrics.value(sample, name);
    }

    /** @return a JSON string. */
    static String str(final String s)
    {
        final StringBuilder sb = new StringBuilder(s.length() + 2).append('"');
        for (int i = 0; i < s.length(); i++)
        {
            final char c = s.charAt(i);
            switch (c)
            {
                case '"' -> sb.append("\\\"");
                case '\\' -> sb.append("\\\\");
                case '\n' -> sb.append("\\n");
                case '\r' -> sb.append("\\r");
                case '\t' -> sb.append("\\t");
                default ->
                {
                    if (c < 0x20 || c == '<' || c == '>' || c == '&')
                    {
                        sb.append(String.format("\\u%04x", (int)c));
                    }
                    else
                    {
                        sb.append(c);
                    }
                }
            }
        }
        return sb.append('"').toString();
    }
}
