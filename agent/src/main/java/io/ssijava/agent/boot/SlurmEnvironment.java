package io.ssijava.agent.boot;

import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A job's nodes under Slurm ({@code srun -n N java -javaagent:ssi-agent.jar=slurm ...}): every task is a node, and
 * takes its number, the node count, every node's endpoint and the job id from the environment srun gives it.
 * <ul>
 *   <li>node: {@code SLURM_PROCID}; nodes: {@code SLURM_NTASKS};</li>
 *   <li>hosts: {@code SLURM_STEP_NODELIST} (else {@code SLURM_JOB_NODELIST}), in Slurm's hostlist form
 *       ({@code cn[01-03,7],gpu5}); tasks per host: {@code SLURM_STEP_TASKS_PER_NODE} (else
 *       {@code SLURM_TASKS_PER_NODE}), as {@code 2(x3),1};</li>
 *   <li>which task runs where: block distribution (the default: consecutive tasks fill a host), or cyclic when
 *       {@code SLURM_DISTRIBUTION} says so; the k-th task on a host listens on base port + k;</li>
 *   <li>job id: {@code slurm-<SLURM_JOB_ID>-<SLURM_STEP_ID>}, the same for every task of the step.</li>
 * </ul>
 */
public final class SlurmEnvironment {

    /** The base port when {@code slurm} names none. */
    public static final int DEFAULT_BASE_PORT = 47_000;

    private static final Pattern HOST = Pattern.compile("([^\\[\\],]*)(?:\\[([^\\]]*)\\])?([^\\[\\],]*)");
    private static final Pattern COUNT = Pattern.compile("(\\d+)(?:\\(x(\\d+)\\))?");

    /**
     * What the environment says of this task.
     *
     * @param nodes the node count
     * @param node  this task's node number
     * @param peers every node's endpoint, {@code host:port}, in node order
     * @param job   the job id
     */
    public record Derived(int nodes, int node, List<String> peers, String job) {
    }

    private SlurmEnvironment() {
    }

    /**
     * @param env      the environment
     * @param basePort the port of the first task on each host
     * @return what the environment gives this task
     * @throws IllegalArgumentException naming what is missing or malformed
     */
    public static Derived from(Function<String, String> env, int basePort) {
        int nodes = number(env, "SLURM_NTASKS");
        int node = number(env, "SLURM_PROCID");
        if (node >= nodes) {
            throw new IllegalArgumentException("SLURM_PROCID " + node + " is not below SLURM_NTASKS " + nodes);
        }
        List<String> hosts = expandHostlist(first(env, "SLURM_STEP_NODELIST", "SLURM_JOB_NODELIST"));
        List<Integer> counts = tasksPerNode(first(env, "SLURM_STEP_TASKS_PER_NODE", "SLURM_TASKS_PER_NODE"));
        if (counts.size() != hosts.size()) {
            throw new IllegalArgumentException("the node list names " + hosts.size() + " hosts but the tasks per "
                    + "node " + counts.size());
        }
        int total = counts.stream().mapToInt(Integer::intValue).sum();
        if (total != nodes) {
            throw new IllegalArgumentException("the tasks per node add up to " + total + ", not SLURM_NTASKS "
                    + nodes);
        }
        String distribution = env.apply("SLURM_DISTRIBUTION");
        boolean cyclic = distribution != null && distribution.startsWith("cyclic");
        int[] hostOf = cyclic ? cyclic(counts, nodes) : block(counts, nodes);
        int[] onHost = new int[hosts.size()];
        List<String> peers = new ArrayList<>();
        for (int rank = 0; rank < nodes; rank++) {
            int port = basePort + onHost[hostOf[rank]]++;
            if (port > 65_535) {
                throw new IllegalArgumentException("base port " + basePort + " leaves no port for task " + rank);
            }
            peers.add(hosts.get(hostOf[rank]) + ":" + port);
        }
        String job = "slurm-" + required(env, "SLURM_JOB_ID") + "-" + java.util.Objects.requireNonNullElse(
                env.apply("SLURM_STEP_ID"), "0");
        return new Derived(nodes, node, peers, job.replaceAll("[^A-Za-z0-9_-]", "_"));
    }

    private static int[] block(List<Integer> counts, int nodes) {
        int[] hostOf = new int[nodes];
        int rank = 0;
        for (int h = 0; h < counts.size(); h++) {
            for (int k = 0; k < counts.get(h); k++) {
                hostOf[rank++] = h;
            }
        }
        return hostOf;
    }

    private static int[] cyclic(List<Integer> counts, int nodes) {
        int[] hostOf = new int[nodes];
        int[] left = counts.stream().mapToInt(Integer::intValue).toArray();
        int rank = 0;
        while (rank < nodes) {
            for (int h = 0; h < left.length && rank < nodes; h++) {
                if (left[h] > 0) {
                    left[h]--;
                    hostOf[rank++] = h;
                }
            }
        }
        return hostOf;
    }

    /**
     * @param list a Slurm hostlist, e.g. {@code cn[01-03,7],gpu5}
     * @return the hosts it names, in order, zero padding kept
     */
    static List<String> expandHostlist(String list) {
        List<String> hosts = new ArrayList<>();
        for (String expression : splitTopLevel(list)) {
            Matcher m = HOST.matcher(expression);
            if (expression.isEmpty() || !m.matches()) {
                throw new IllegalArgumentException("not a Slurm host list: '" + list + "'");
            }
            if (m.group(2) == null) {
                hosts.add(expression);
                continue;
            }
            for (String range : m.group(2).split(",")) {
                String[] ends = range.split("-", -1);
                if (ends.length > 2 || !ends[0].matches("\\d+") || ends.length == 2 && !ends[1].matches("\\d+")) {
                    throw new IllegalArgumentException("not a Slurm host list: '" + list + "'");
                }
                int from = Integer.parseInt(ends[0]);
                int to = ends.length == 2 ? Integer.parseInt(ends[1]) : from;
                if (to < from || to - from > 100_000) {
                    throw new IllegalArgumentException("not a Slurm host list: '" + list + "'");
                }
                for (int i = from; i <= to; i++) {
                    hosts.add(m.group(1) + String.format("%0" + ends[0].length() + "d", i) + m.group(3));
                }
            }
        }
        return hosts;
    }

    private static List<String> splitTopLevel(String list) {
        List<String> parts = new ArrayList<>();
        int depth = 0;
        int start = 0;
        for (int i = 0; i < list.length(); i++) {
            char c = list.charAt(i);
            if (c == '[') {
                depth++;
            } else if (c == ']') {
                depth--;
            } else if (c == ',' && depth == 0) {
                parts.add(list.substring(start, i));
                start = i + 1;
            }
        }
        parts.add(list.substring(start));
        return parts;
    }

    /**
     * @param spec tasks per host as Slurm writes them, e.g. {@code 2(x3),1}
     * @return one count per host
     */
    static List<Integer> tasksPerNode(String spec) {
        List<Integer> counts = new ArrayList<>();
        for (String part : spec.split(",")) {
            Matcher m = COUNT.matcher(part.strip());
            if (!m.matches()) {
                throw new IllegalArgumentException("not a tasks-per-node list: '" + spec + "'");
            }
            int times = m.group(2) == null ? 1 : Integer.parseInt(m.group(2));
            for (int i = 0; i < times; i++) {
                counts.add(Integer.parseInt(m.group(1)));
            }
        }
        return counts;
    }

    private static String first(Function<String, String> env, String name, String fallback) {
        String v = env.apply(name);
        return v != null && !v.isBlank() ? v.strip() : required(env, fallback);
    }

    private static String required(Function<String, String> env, String name) {
        String v = env.apply(name);
        if (v == null || v.isBlank()) {
            throw new IllegalArgumentException(name + " is not set: not a task started by srun?");
        }
        return v.strip();
    }

    private static int number(Function<String, String> env, String name) {
        String v = required(env, name);
        if (!v.matches("\\d{1,4}")) {
            throw new IllegalArgumentException(name + " is '" + v + "', not a task number");
        }
        return Integer.parseInt(v);
    }
}
