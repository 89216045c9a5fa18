package io.ssijava.threads;

import io.ssijava.dsm.Node;
import io.ssijava.dsm.WireIn;
import io.ssijava.dsm.WireOut;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * The job's threads as the user sees them, from any node: which threads of the program run where and in what state,
 * each node's load and placement policy, and moving a thread by its id. Every node answers for what runs on it.
 */
public final class ThreadDirectory
{
    /** The id the control commands give the program's main thread (it has no cluster handle: it never moves). */
    public static final long MAIN_ID = 0;
    private static final int MAX_THREADS = 1 << 20;

    /**
     * A thread of the program.
     *
     * @param id      its cluster id (stays the same when it moves); {@link #MAIN_ID} for main.
     * @param node    the node it runs on.
     * @param name    its name.
     * @param state   its JVM state there.
     * @param movable whether it can move (a plain Thread running a Runnable).
     * @param note    a move asked and not yet done, and what pins the thread if anything; empty if none.
     */
    /** How the note of a thread whose last move failed begins. */
    public static final String REFUSED = "could not move: ";

    public record ThreadInfo(long id, int node, String name, String state, boolean movable, String note)
    {
    }

    /**
     * A node of the job.
     *
     * @param node      its id.
     * @param load      threads of the program that are not waiting there.
     * @param threads   threads of the program that run there.
     * @param placement the placement policy it uses.
     */
    public record NodeInfo(int node, int load, int threads, String placement)
    {
    }

    /** What every node told. */
    public record Listing(List<NodeInfo> nodes, List<ThreadInfo> threads)
    {
    }

    private final ClusterThreads threads;
    private final Node node;

    ThreadDirectory(final ClusterThreads threads, final Node node)
    {
        this.threads = threads;
        this.node = node;
        node.register(ThreadMessages.LIST, (from, corr, in) ->
        {
            final WireOut reply = node.reply();
            writeLocal(reply);
            node.sendReply(from, corr, reply);
        });
        node.register(ThreadMessages.MOVE, (from, corr, in) ->
        {
            final long id = in.getLong();
            final int to = in.getInt();
            node.sendReply(from, corr, node.reply().putString(moveLocal(id, to)));
        });
    }

    /** @return every node's threads, asking the other nodes. */
    public Listing list()
    {
        final List<NodeInfo> nodes = new ArrayList<>();
        final List<ThreadInfo> all = new ArrayList<>();
        final WireOut local = new WireOut();
        writeLocal(local);
        read(node.self(), new WireIn(local.toBytes(), 0, local.length()), nodes, all);
        final int others = node.nodeCount() - 1;
        final int[] peers = new int[others];
        final WireOut[] requests = new WireOut[others];
        for (int n = 0, i = 0; n < node.nodeCount(); n++)
        {
            if (n != node.self())
            {
                peers[i] = n;
                requests[i++] = node.message(ThreadMessages.LIST);
            }
        }
        final WireIn[] replies = node.callAll(peers, requests);
        for (int i = 0; i < others; i++)
        {
            read(peers[i], replies[i], nodes, all);
        }
        nodes.sort(Comparator.comparingInt(NodeInfo::node));
        all.sort(Comparator.comparingLong(ThreadInfo::id));
        return new Listing(nodes, all);
    }

    /**
     * Asks a thread to move, wherever it runs. The move happens at the thread's next safe point where it holds no
     * monitor; see {@link #list()} for when it is done.
     *
     * @param id the thread's id, as {@link #list()} gives it.
     * @param to the target node.
     * @return what happened, in words: asked, already there, or why it cannot move.
     */
    public String move(final long id, final int to)
    {
        if (to < 0 || to >= node.nodeCount())
        {
            return "error: no node " + to + " in a job of " + node.nodeCount() + " nodes";
        }
        for (final ThreadInfo t : list().threads())
        {
            if (t.id() == id)
            {
                if (t.node() == node.self())
                {
                    return moveLocal(id, to);
                }
                return node.call(t.node(), node.message(ThreadMessages.MOVE).putLong(id).putInt(to)).getString();
            }
        }
        return "error: no running thread has id " + id;
    }

    private String moveLocal(final long id, final int to)
    {
        final Thread t = threads.runningHere(id);
        if (t == null)
        {
            return "error: thread " + id + " does not run on node " + node.self() + " (it may have just moved)";
        }
        if (to == node.self())
        {
            return "thread \"" + t.getName() + "\" already runs on node " + to;
        }
        if (!threads.move(t, to))
        {
            return "error: thread \"" + t.getName() + "\" cannot move: " + threads.whyNotMovable(t);
        }
        return "asked thread \"" + t.getName() + "\" to move from node " + node.self() + " to node " + to;
    }

    private void writeLocal(final WireOut out)
    {
        final List<ThreadInfo> here = threads.threadsHere();
        out.putInt(threads.loads().load(node.self())).putString(threads.placement().name()).putInt(here.size());
        for (final ThreadInfo t : here)
        {
            out.putLong(t.id()).putString(t.name()).putString(t.state()).putBoolean(t.movable()).putString(t.note());
        }
    }

    private static void read(final int from, final WireIn in, final List<NodeInfo> nodes, final List<ThreadInfo> all)
    {
        final int load = in.getInt();
        final String placement = in.getString();
        final int count = in.getCount(MAX_THREADS);
        nodes.add(new NodeInfo(from, load, count, placement));
        for (int i = 0; i < count; i++)
        {
            all.add(new ThreadInfo(in.getLong(), from, in.getString(), in.getString(), in.getBoolean(),
                in.getString()));
        }
    }
}
