package samples;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

/**
 * Counts the words of a generated text on a thread pool.
 *
 * <p>The text is made of words drawn from a fixed vocabulary by a fixed-seed generator, skewed
 * so that a few words are frequent. It is cut into {@value #CHUNKS_PER_THREAD} chunks per thread,
 * each ending at a space or newline so that no word is split. Every chunk is one task on an
 * {@link Executors#newFixedThreadPool fixed thread pool}: it counts its words in a private
 * {@link HashMap} and then adds those counts into one shared {@link ConcurrentHashMap} with
 * {@code merge}, one call per distinct word rather than per occurrence. Addition makes the counts
 * independent of which task merged first; the top words are sorted by count, then by word, so the
 * output is the same for any thread count and scheduling.
 *
 * <pre>
 * HOW TO RUN
 *   java -cp samples/target/classes samples.WordCount 4
 *   java -cp samples/target/classes samples.WordCount 4 20000 300
 *   ./ssi-java --nodes 3 -cp samples/target/classes samples.WordCount 4
 *
 * Arguments: [threads=4] [words=1000000] [vocabulary=5000]
 * </pre>
 */
public class WordCount {

    /** Chunks per pool thread, so that a slow chunk does not leave the other threads idle. */
    static final int CHUNKS_PER_THREAD = 4;

    /** How many of the most frequent words are printed. */
    static final int TOP = 10;

    /** Words are sequences of these syllables: word {@code i} spells {@code i} in base 12. */
    static final String[] SYLLABLES = {"ka", "lo", "mi", "ne", "ru", "sa", "ti", "vo", "zu", "pe", "da", "fi"};

    /** Word {@code i} of the vocabulary; distinct numbers give distinct words. */
    static String word(int i) {
        StringBuilder sb = new StringBuilder();
        do {
            sb.insert(0, SYLLABLES[i % SYLLABLES.length]);
            i /= SYLLABLES.length;
        } while (i > 0);
        return sb.toString();
    }

    /** The text: {@code words} words, separated by spaces and a newline after every 12th word. */
    static String text(int words, int vocabulary) {
        String[] vocab = new String[vocabulary];
        for (int i = 0; i < vocabulary; i++) {
            vocab[i] = word(i);
        }
        StringBuilder sb = new StringBuilder(words * 7);
        long seed = 42;
        for (int w = 0; w < words; w++) {
            seed = seed * 6364136223846793005L + 1442695040888963407L;
            long a = (seed >>> 33) % vocabulary;
            long b = (seed >>> 13) % vocabulary;
            // The product of two uniform numbers favours small indices: a few words are frequent.
            sb.append(vocab[(int) (a * b / vocabulary)]);
            sb.append(w % 12 == 11 ? '\n' : ' ');
        }
        return sb.toString();
    }

    /** Counts the words of {@code text[from, to)} and adds the counts into {@code counts}. */
    static final class CountChunk implements Callable<Integer> {
        private final String text;
        private final int from;
        private final int to;
        private final ConcurrentHashMap<String, Integer> counts;

        CountChunk(String text, int from, int to, ConcurrentHashMap<String, Integer> counts) {
            this.text = text;
            this.from = from;
            this.to = to;
            this.counts = counts;
        }

        @Override
        public Integer call() {
            Map<String, Integer> local = new HashMap<>();
            int words = 0;
            int start = -1;
            for (int i = from; i <= to; i++) {
                boolean space = i == to || Character.isWhitespace(text.charAt(i));
                if (space && start >= 0) {
                    local.merge(text.substring(start, i), 1, Integer::sum);
                    words++;
                    start = -1;
                } else if (!space && start < 0) {
                    start = i;
                }
            }
            for (Map.Entry<String, Integer> e : local.entrySet()) {
                counts.merge(e.getKey(), e.getValue(), Integer::sum);
            }
            return words;
        }
    }

    public static void main(String[] args) throws InterruptedException, ExecutionException {
        if (args.length > 3) {
            usage();
        }
        int threads = parse(args, 0, 4, 1, 1024);
        int words = parse(args, 1, 1_000_000, 0, 20_000_000);
        int vocabulary = parse(args, 2, 5000, 1, 1_000_000);

        System.out.println("WordCount: threads=" + threads + " words=" + words + " vocabulary=" + vocabulary);

        String text = text(words, vocabulary);
        int chunks = threads * CHUNKS_PER_THREAD;
        int[] bounds = new int[chunks + 1];
        for (int c = 1; c <= chunks; c++) {
            int b = Math.max(bounds[c - 1], (int) ((long) text.length() * c / chunks));
            while (b < text.length() && !Character.isWhitespace(text.charAt(b))) {
                b++;
            }
            bounds[c] = b;
        }

        ConcurrentHashMap<String, Integer> counts = new ConcurrentHashMap<>();
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        List<Future<Integer>> futures = new ArrayList<>();
        for (int c = 0; c < chunks; c++) {
            futures.add(pool.submit(new CountChunk(text, bounds[c], bounds[c + 1], counts)));
        }
        long counted = 0;
        for (Future<Integer> f : futures) {
            counted += f.get();
        }
        pool.shutdown();
        if (!pool.awaitTermination(60, TimeUnit.SECONDS)) {
            System.out.println("the pool did not terminate");
        }

        List<Map.Entry<String, Integer>> entries = new ArrayList<>(counts.entrySet());
        entries.sort((x, y) -> x.getValue().equals(y.getValue()) ? x.getKey().compareTo(y.getKey())
                : Integer.compare(y.getValue(), x.getValue()));
        long total = 0;
        for (Map.Entry<String, Integer> e : entries) {
            total += e.getValue();
        }
        System.out.println("distinct = " + entries.size());
        System.out.println("total    = " + total);
        for (int i = 0; i < Math.min(TOP, entries.size()); i++) {
            Map.Entry<String, Integer> e = entries.get(i);
            System.out.println(String.format(Locale.ROOT, "%2d. %-12s %d", i + 1, e.getKey(), e.getValue()));
        }
        System.out.println("check    = " + (total == words && counted == words ? "OK" : "MISMATCH"));
    }

    private static int parse(String[] args, int index, int def, int min, int max) {
        if (index >= args.length) {
            return def;
        }
        try {
            int v = Integer.parseInt(args[index].trim());
            if (v < min || v > max) {
                usage();
            }
            return v;
        } catch (NumberFormatException e) {
            usage();
            return def; // not reached
        }
    }

    private static void usage() {
        System.err.println("usage: java samples.WordCount [threads=4 (1..1024)] [words=1000000 (0..20000000)]"
                + " [vocabulary=5000 (1..1000000)]");
        System.exit(2);
    }
}
