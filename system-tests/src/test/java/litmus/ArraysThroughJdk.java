package litmus;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Shared arrays handed to JDK methods by threads on other nodes: the JDK code must read what
 * main stored (String.join, Arrays.toString, new String(char[]), System.arraycopy, ...), and
 * what JDK code writes into a shared array (Arrays.fill, Arrays.sort, System.arraycopy) must
 * be seen by main after join. The thread touches the arrays only through JDK methods.
 */
public final class ArraysThroughJdk {

    static final class Arrays3 {
        String[] words;
        int[] numbers;
        char[] chars;
        byte[] bytes;
        double[] doubles;
        // Written by the thread through JDK methods.
        int[] filled;
        int[] sorted;
        long[] copiedInto;
    }

    private ArraysThroughJdk() {
    }

    static Arrays3 make() {
        Arrays3 a = new Arrays3();
        a.words = new String[] {"alpha", "beta", "gamma", "delta"};
        a.numbers = new int[] {5, 3, 9, 1, 7};
        a.chars = new char[] {'c', 'h', 'a', 'r', 's'};
        a.bytes = "bytes-\u00e9".getBytes(StandardCharsets.UTF_8);
        a.doubles = new double[] {0.5, 1.5, 2.25};
        a.filled = new int[6];
        a.sorted = new int[] {42, -1, 17, 3, 8};
        a.copiedInto = new long[4];
        return a;
    }

    static List<String> read(Arrays3 a) {
        List<String> out = new ArrayList<>();
        out.add("String.join: " + String.join(",", a.words));
        out.add("Arrays.toString(int[]): " + Arrays.toString(a.numbers));
        out.add("Arrays.asList: " + Arrays.asList(a.words));
        out.add("new String(char[]): " + new String(a.chars));
        out.add("new String(byte[]): " + new String(a.bytes, StandardCharsets.UTF_8));
        out.add("Arrays.toString(double[]): " + Arrays.toString(a.doubles));
        out.add("Arrays.stream.sum: " + Arrays.stream(a.numbers).sum());
        out.add("Arrays.hashCode: " + Arrays.hashCode(a.numbers));
        int[] local = new int[a.numbers.length];
        System.arraycopy(a.numbers, 0, local, 0, local.length);
        out.add("System.arraycopy out of a shared array: " + local[0] + "," + local[1] + "," + local[4]);
        out.add("clone: " + a.numbers.clone()[2]);
        return out;
    }

    static void write(Arrays3 a) {
        Arrays.fill(a.filled, 7);
        Arrays.sort(a.sorted);
        System.arraycopy(new long[] {11, 22, 33, 44}, 0, a.copiedInto, 0, 4);
    }

    static String written(Arrays3 a) {
        // Read by the program's own code in main.
        StringBuilder sb = new StringBuilder("filled=");
        for (int v : a.filled) {
            sb.append(v).append(' ');
        }
        sb.append("sorted=");
        for (int v : a.sorted) {
            sb.append(v).append(' ');
        }
        sb.append("copiedInto=");
        for (long v : a.copiedInto) {
            sb.append(v).append(' ');
        }
        return sb.toString().trim();
    }

    public static void main(String[] args) throws InterruptedException {
        Where.init();
        Arrays3 expected = make();
        List<String> wantRead = read(expected);
        write(expected);
        String wantWritten = written(expected);

        Arrays3 shared = make();
        String[][] got = new String[1][];
        Thread t = new Thread(() -> {
            Where.report("array user");
            got[0] = read(shared).toArray(new String[0]);
            write(shared);
        }, "array-user");
        t.start();
        t.join();
        List<String> failures = new ArrayList<>();
        if (got[0] == null || got[0].length != wantRead.size()) {
            failures.add("the thread on another node did not report its reads");
        } else {
            for (int i = 0; i < got[0].length; i++) {
                if (!wantRead.get(i).equals(got[0][i])) {
                    failures.add("on another node [" + got[0][i].replace("\0", "\\0") + "], expected [" + wantRead.get(i)
                            + "]");
                }
            }
        }
        String gotWritten = written(shared);
        if (!wantWritten.equals(gotWritten)) {
            failures.add("after JDK methods wrote shared arrays on another node, main sees [" + gotWritten
                    + "], expected [" + wantWritten + "]");
        }
        wantRead.forEach(System.out::println);
        System.out.println(wantWritten);
        Where.verdict(failures);
    }
}
