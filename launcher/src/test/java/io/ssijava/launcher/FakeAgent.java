package io.ssijava.launcher;

/** Stands in for the ssi agent in launcher tests: reports its option string on stderr. */
public final class FakeAgent {

    private FakeAgent() {
    }

    /**
     * Agent entry point.
     *
     * @param args the option string
     */
    public static void premain(String args) {
        System.err.println("AGENT " + args);
        System.err.flush();
    }
}
