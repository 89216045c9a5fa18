package litmus;

import java.util.ArrayList;
import java.util.List;

/**
 * String identity across nodes. The JLS makes string literals (and interned strings) one
 * instance per JVM, so {@code s == "literal"} holds for a literal that main stored and a thread
 * reads; and one String object stored in two fields is still one object ({@code a == b}).
 */
public final class StringIdentity {

    static final String LITERAL = "literal-constant";

    static final class Holder {
        String literal;
        String interned;
        String first;
        String second;
    }

    private StringIdentity() {
    }

    static List<String> check(Holder h) {
        List<String> out = new ArrayList<>();
        out.add("literal == \"literal-constant\": " + (h.literal == "literal-constant"));
        out.add("interned == LITERAL: " + (h.interned == LITERAL));
        out.add("same object in two fields: " + (h.first == h.second));
        out.add("equals: " + (LITERAL.equals(h.literal) && LITERAL.equals(h.interned) && h.first.equals(h.second)));
        return out;
    }

    public static void main(String[] args) throws InterruptedException {
        Where.init();
        Holder h = new Holder();
        h.literal = LITERAL;
        h.interned = new String(new char[] {'l', 'i', 't', 'e', 'r', 'a', 'l', '-'}).concat("constant").intern();
        String built = new StringBuilder("built-").append(args.length).toString();
        h.first = built;
        h.second = built;
        List<String> want = check(h);
        String[] got = new String[1];
        Thread t = new Thread(() -> {
            Where.report("checker");
            got[0] = String.join("; ", check(h));
        }, "checker");
        t.start();
        t.join();
        List<String> failures = new ArrayList<>();
        if (!String.join("; ", want).equals(got[0])) {
            failures.add("a thread saw [" + got[0] + "], expected [" + String.join("; ", want) + "]");
        }
        want.forEach(System.out::println);
        Where.verdict(failures);
    }
}
