package litmus;

import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;
import java.util.function.IntBinaryOperator;
import java.util.function.Supplier;

/**
 * Language features used by threads on other nodes: lambdas (capturing locals and this), method
 * references, anonymous and inner classes, enums (constant bodies, identity, switch, values()),
 * records, interface static fields, string concatenation and switch on strings, class identity
 * (string literal identity is {@link StringIdentity}'s). Each thread computes the same report
 * main computes; they must be equal.
 */
public final class LanguageFeatures {

    enum Op {
        ADD("+") {
            @Override
            int apply(int a, int b) {
                return a + b;
            }
        },
        MUL("*") {
            @Override
            int apply(int a, int b) {
                return a * b;
            }
        },
        NEG("~") {
            @Override
            int apply(int a, int b) {
                return -a;
            }
        };

        final String symbol;

        Op(String symbol) {
            this.symbol = symbol;
        }

        abstract int apply(int a, int b);
    }

    record Point(int x, int y, String label) {
        Point {
            if (label == null) {
                throw new IllegalArgumentException("label");
            }
        }

        double norm() {
            return Math.sqrt(x * x + y * y);
        }
    }

    interface Config {
        int[] PRIMES = primes(12);
        String GREETING = "hello from " + PRIMES.length + " primes, last " + PRIMES[PRIMES.length - 1];
        String[] NAMES = {"ada", "grace", "barbara"};
        Op DEFAULT_OP = Op.MUL;

        static int[] primes(int n) {
            int[] out = new int[n];
            int found = 0;
            for (int c = 2; found < n; c++) {
                boolean prime = true;
                for (int d = 2; d * d <= c; d++) {
                    if (c % d == 0) {
                        prime = false;
                        break;
                    }
                }
                if (prime) {
                    out[found++] = c;
                }
            }
            return out;
        }
    }

    static final String LITERAL = "literal-constant";

    /** State main shares with the threads. */
    static final class Shared {
        Op chosen;
        Point point;
        String literal;
        Object klass;
        String[] byOrdinal;
        Function<Integer, Integer> function;
        IntBinaryOperator operator;
        Op madeByThread;
    }

    private final int base;

    LanguageFeatures(int base) {
        this.base = base;
    }

    /** A non-static inner class: uses the outer instance's field. */
    final class Scaler {
        final int factor;

        Scaler(int factor) {
            this.factor = factor;
        }

        String describe() {
            return "scaler base=" + base + " factor=" + factor + " product=" + base * factor;
        }
    }

    static String kind(String word) {
        switch (word) {
            case "ada":
                return "first";
            case "grace":
                return "second";
            default:
                return "other:" + word.length();
        }
    }

    static List<String> report(Shared s) {
        List<String> lines = new ArrayList<>();
        Op op = s.chosen;
        String viaSwitch = switch (op) {
            case ADD -> "add";
            case MUL -> "mul";
            case NEG -> "neg";
        };
        lines.add("enum: " + op + " " + op.symbol + " ordinal=" + op.ordinal() + " apply(6,7)=" + op.apply(6, 7)
                + " switch=" + viaSwitch + " values=" + Op.values().length);
        lines.add("enum identity: shared==Op.MUL " + (op == Op.MUL) + ", valueOf " + (Op.valueOf("MUL") == op)
                + ", Config.DEFAULT_OP " + (Config.DEFAULT_OP == op) + ", declaring class "
                + (op.getDeclaringClass() == Op.class));
        StringBuilder indexed = new StringBuilder();
        for (Op each : Op.values()) {
            indexed.append(each).append('=').append(s.byOrdinal[each.ordinal()]).append(' ');
        }
        lines.add("enum-indexed array: " + indexed.toString().trim());
        Point p = s.point;
        Point same = new Point(3, 4, "p");
        lines.add("record: " + p + " norm=" + p.norm() + " equals=" + p.equals(same) + " hash="
                + (p.hashCode() == same.hashCode()) + " x=" + p.x() + " label=" + p.label());
        lines.add("interface statics: " + Config.GREETING + " names=" + names() + " sum=" + primeSum());
        lines.add("lambda objects: function(5)=" + s.function.apply(5) + " operator(7,8)=" + s.operator.applyAsInt(7, 8));
        char c = 'q';
        long big = 1L << 40;
        double d = 0.1 + 0.2;
        boolean flag = true;
        Object none = null;
        lines.add("concat: " + c + big + "|" + d + "|" + flag + "|" + none + "|" + p.x() + p.y() + "|" + op + "|"
                + 'x' + 1 + 2 + "|" + (1 + 2));
        StringBuilder kinds = new StringBuilder();
        for (String name : Config.NAMES) {
            kinds.append(kind(name)).append(' ');
        }
        lines.add("switch on strings: " + kinds.toString().trim());
        lines.add("identity: equals literal " + LITERAL.equals(s.literal) + " class " + (s.klass == Point.class)
                + " getClass " + (p.getClass() == Point.class));
        return lines;
    }

    // Arrays are read here by the program's own code; JDK methods that take arrays are ArraysThroughJdk's business.
    static String names() {
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < Config.NAMES.length; i++) {
            sb.append(i == 0 ? "" : ",").append(Config.NAMES[i]);
        }
        return sb.toString();
    }

    static int primeSum() {
        int sum = 0;
        for (int prime : Config.PRIMES) {
            sum += prime;
        }
        return sum;
    }

    static String joinLines(List<String> lines) {
        return String.join("\n", lines);
    }

    private void run() throws InterruptedException {
        Shared s = new Shared();
        s.chosen = Op.MUL;
        s.point = new Point(3, 4, "p");
        s.literal = LITERAL;
        s.klass = Point.class;
        s.byOrdinal = new String[Op.values().length];
        for (Op op : Op.values()) {
            s.byOrdinal[op.ordinal()] = op.name().toLowerCase(java.util.Locale.ROOT) + op.symbol;
        }
        final int offset = 10;
        s.function = x -> x * base + offset; // captures this and a local
        s.operator = Math::max;

        final String want = joinLines(report(s));
        final String[] got = new String[5];
        final int[] captured = {1, 2, 3};

        // 1: a lambda capturing locals, an array and this.
        Thread lambda = new Thread(() -> {
            Where.report("lambda thread");
            got[0] = joinLines(report(s)) + "\n" + "captured: " + captured.length + " base=" + base + " offset=" + offset;
        }, "lambda");
        // 2: an anonymous subclass of Thread.
        Thread anonymous = new Thread("anonymous") {
            @Override
            public void run() {
                Where.report("anonymous thread");
                got[1] = joinLines(report(s)) + "\n" + "captured: " + captured.length + " base=" + base + " offset="
                        + offset;
            }
        };
        // 3: an inner class instance made by main, used through a method reference.
        Scaler scaler = new Scaler(6);
        Supplier<String> described = scaler::describe;
        Thread inner = new Thread(() -> {
            Where.report("inner-class thread");
            got[2] = joinLines(report(s)) + "\n" + described.get();
        }, "inner");
        // 4: an anonymous Runnable; publishes an enum constant it looked up itself.
        Thread runnable = new Thread(new Runnable() {
            @Override
            public void run() {
                Where.report("anonymous runnable");
                s.madeByThread = Op.valueOf("NEG");
                got[3] = joinLines(report(s));
            }
        }, "runnable");
        // 5: a static method reference as the Runnable.
        Thread methodRef = new Thread(LanguageFeatures::staticTask, "method-ref");
        staticShared = s;
        staticGot = got;

        Thread[] all = {lambda, anonymous, inner, runnable, methodRef};
        for (Thread t : all) {
            t.start();
        }
        for (Thread t : all) {
            t.join();
        }

        List<String> failures = new ArrayList<>();
        String capturedLine = "captured: 3 base=" + base + " offset=" + offset;
        String[] expected = {want + "\n" + capturedLine, want + "\n" + capturedLine, want + "\n" + scaler.describe(),
            want, want};
        String[] names = {"lambda", "anonymous", "inner", "runnable", "method-ref"};
        for (int i = 0; i < all.length; i++) {
            if (!expected[i].equals(got[i])) {
                failures.add(names[i] + " thread's report differs:\n--- got ---\n" + got[i] + "\n--- expected ---\n"
                        + expected[i]);
            }
        }
        if (s.madeByThread != Op.NEG) {
            failures.add("an enum constant published by a thread is not Op.NEG: " + s.madeByThread
                    + (s.madeByThread == null ? "" : " (equal by name, different object)"));
        }
        System.out.println(want);
        Where.verdict(failures);
    }

    static Shared staticShared;
    static String[] staticGot;

    static void staticTask() {
        Where.report("method-reference thread");
        staticGot[4] = joinLines(report(staticShared));
    }

    public static void main(String[] args) throws InterruptedException {
        Where.init();
        new LanguageFeatures(7).run();
    }
}
