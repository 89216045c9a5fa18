package io.ssijava.launcher;

import java.util.Arrays;

/** A test program: prints its arguments and a system property, exits with -Dlauncher.test.exit. */
public final class EchoProgram {

    private EchoProgram() {
    }

    /**
     * Entry point.
     *
     * @param args printed as a list
     */
    public static void main(String[] args) {
        System.out.println("ARGS " + Arrays.asList(args));
        System.out.println("PROP " + System.getProperty("launcher.test.prop"));
        System.out.flush();
        System.exit(Integer.getInteger("launcher.test.exit", 0));
    }
}
