package io.ssijava.launcher;

import java.io.File;
import java.util.List;

/**
 * A test program shaped like node 0 of a job: starts a child JVM (a "worker") that sleeps,
 * prints {@code ready <worker pid>}, and sleeps itself until killed.
 */
public final class TreeProgram {

    private TreeProgram() {
    }

    /**
     * Entry point.
     *
     * @param args {@code worker} to be the sleeping child
     * @throws Exception on failure
     */
    public static void main(String[] args) throws Exception {
        if (args.length > 0 && args[0].equals("worker")) {
            Thread.sleep(300_000);
            return;
        }
        String java = System.getProperty("java.home") + File.separator + "bin" + File.separator + "java";
        Process worker = new ProcessBuilder(List.of(java, "-cp", System.getProperty("java.class.path"),
                TreeProgram.class.getName(), "worker")).inheritIO().start();
        System.out.println("ready " + worker.pid());
        System.out.flush();
        Thread.sleep(300_000);
    }
}
