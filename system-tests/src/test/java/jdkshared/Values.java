package jdkshared;

import java.math.BigDecimal;
import java.math.BigInteger;
import java.math.MathContext;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.LinkedBlockingQueue;

/**
 * Immutable JDK values (strings, boxed numbers, BigInteger, BigDecimal, an enum constant, a
 * record) made by one thread and used by another: a thread publishes its values through a
 * volatile field, main sends its own through a queue and the thread sends them back. Every value
 * must equal the one made locally, with an equal hash code, and enum constants must stay the same
 * object. (Values travel by value: an object that went to another node and back is an equal copy,
 * not the same object, unless the JVM itself canonicalizes it, as it does interned strings.)
 */
public final class Values {

    enum Suit {
        CLUBS, DIAMONDS, HEARTS, SPADES
    }

    record Card(Suit suit, int rank, String name, BigDecimal weight, List<String> tags) {
    }

    /** What main and the thread exchange. */
    static final class Exchange {
        volatile List<Object> fromThread;
        final LinkedBlockingQueue<Object> toThread = new LinkedBlockingQueue<>();
        final LinkedBlockingQueue<Object> back = new LinkedBlockingQueue<>();
        /** The thread's verdict on each value main sent, by index. */
        final String[] checkedByThread = new String[make().size()];
    }

    private Values() {
    }

    /** The values; every call makes new objects (except what the JDK caches) that are equal to the last call's. */
    static List<Object> make() {
        List<Object> v = new ArrayList<>();
        v.add(new StringBuilder("h\u00e9llo ").append("w\u00f6rld ").append('\u2211').append(42).toString());
        v.add(String.valueOf(new char[] {'c', 'h', 'a', 'r', 's'}));
        v.add(Integer.valueOf(127));
        v.add(Integer.valueOf(100_000));
        v.add(Long.valueOf(1L << 40));
        v.add(Double.valueOf(0.1 + 0.2));
        v.add(Float.valueOf(1.5f));
        v.add(Short.valueOf((short) -7));
        v.add(Byte.valueOf((byte) 200));
        v.add(Character.valueOf('\u03bb'));
        v.add(Boolean.TRUE);
        v.add(BigInteger.TWO.pow(100).add(BigInteger.ONE));
        BigInteger factorial = BigInteger.ONE;
        for (int i = 2; i <= 25; i++) {
            factorial = factorial.multiply(BigInteger.valueOf(i));
        }
        v.add(factorial);
        v.add(new BigDecimal("123.4500"));
        v.add(BigDecimal.ONE.divide(BigDecimal.valueOf(7), MathContext.DECIMAL64));
        v.add(Suit.HEARTS);
        v.add(new Card(Suit.SPADES, 12, "queen", new BigDecimal("0.25"), List.of("face", "black")));
        return v;
    }

    /** Equal, with equal hash codes, and the same object where it must be (enum constants). */
    static String compare(Object got, Object want) {
        if (got == null) {
            return "missing";
        }
        if (!got.equals(want) || !want.equals(got)) {
            return "not equal: " + got;
        }
        if (got.hashCode() != want.hashCode()) {
            return "equal but hash codes differ";
        }
        if (want instanceof Enum<?> && got != want) {
            return "a second instance of enum constant " + want;
        }
        if (got instanceof Card c && c.suit() != Suit.SPADES) {
            return "the record's enum component is a second instance";
        }
        return "ok";
    }

    /** A value's class and text, non-ASCII characters escaped so that the output is ASCII. */
    static String describe(Object value) {
        StringBuilder sb = new StringBuilder(value.getClass().getSimpleName()).append(": ");
        for (char ch : String.valueOf(value).toCharArray()) {
            if (ch < 0x7f) {
                sb.append(ch);
            } else {
                sb.append(String.format("\\u%04x", (int) ch));
            }
        }
        return sb.toString();
    }

    public static void main(String[] args) throws InterruptedException {
        Where.init();
        List<String> failures = new ArrayList<>();
        Exchange ex = new Exchange();
        List<Object> mine = make();
        for (Object o : mine) {
            ex.toThread.put(o);
        }
        Thread t = Where.start("value maker", () -> {
            ex.fromThread = make();
            List<Object> reference = make();
            for (int i = 0; i < reference.size(); i++) {
                Object got = ex.toThread.take();
                ex.checkedByThread[i] = compare(got, reference.get(i));
                ex.back.put(got);
            }
        });
        t.join();

        List<Object> fromThread = ex.fromThread;
        for (int i = 0; i < mine.size(); i++) {
            Object want = mine.get(i);
            Object got = fromThread == null ? null : fromThread.get(i);
            System.out.println(describe(want));
            Where.check(failures, "value " + i + " made by the thread", compare(got, want), "ok");
            Where.check(failures, "value " + i + " as the thread saw main's", ex.checkedByThread[i], "ok");
            Object back = ex.back.poll();
            Where.check(failures, "value " + i + " sent back", compare(back, want), "ok");
        }
        Where.verdict(failures);
    }
}
