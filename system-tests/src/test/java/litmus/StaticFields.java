package litmus;

import java.util.ArrayList;
import java.util.List;

/**
 * Static fields: main writes static fields of several types, then starts threads (on other
 * nodes) that read them; the threads write other static fields that main reads after join.
 */
public final class StaticFields {

    static final int THREADS = 3;

    static int anInt;
    static long aLong;
    static double aDouble;
    static boolean aBoolean;
    static char aChar;
    static String aString;
    static int[] anArray;
    static Holder anObject;
    static final int[] BUILT_AT_INIT = {Integer.parseInt("17"), 0};

    // Written by the threads.
    static final String[] REPORTS = new String[THREADS];
    static int sum;

    static final class Holder {
        String name;
        Holder(String name) {
            this.name = name;
        }
    }

    private StaticFields() {
    }

    static String snapshot() {
        return "anInt=" + anInt + " aLong=" + aLong + " aDouble=" + aDouble + " aBoolean=" + aBoolean
                + " aChar=" + aChar + " aString=" + aString + " anArray="
                + (anArray == null ? "null" : anArray.length + "/" + anArray[0]) + " anObject="
                + (anObject == null ? "null" : anObject.name) + " built=" + BUILT_AT_INIT[0] + "/" + BUILT_AT_INIT[1];
    }

    public static void main(String[] args) throws InterruptedException {
        Where.init();
        anInt = 123456;
        aLong = -9_876_543_210L;
        aDouble = Math.PI;
        aBoolean = true;
        aChar = 'Z';
        aString = "static " + "string " + anInt;
        anArray = new int[] {5, 4, 3};
        anObject = new Holder("held");
        BUILT_AT_INIT[1] = 18;
        final String want = snapshot();

        Thread[] threads = new Thread[THREADS];
        for (int i = 0; i < THREADS; i++) {
            final int t = i;
            threads[i] = new Thread(() -> {
                Where.report("reader " + t);
                REPORTS[t] = snapshot();
                synchronized (StaticFields.class) {
                    sum += t + 1;
                }
            }, "reader-" + i);
        }
        for (Thread t : threads) {
            t.start();
        }
        for (Thread t : threads) {
            t.join();
        }
        List<String> failures = new ArrayList<>();
        for (int i = 0; i < THREADS; i++) {
            if (!want.equals(REPORTS[i])) {
                failures.add("reader " + i + " saw [" + REPORTS[i] + "], expected [" + want + "]");
            }
        }
        int wantSum = THREADS * (THREADS + 1) / 2;
        if (sum != wantSum) {
            failures.add("static sum written by the threads is " + sum + ", expected " + wantSum);
        }
        System.out.println(want);
        Where.verdict(failures);
    }
}
