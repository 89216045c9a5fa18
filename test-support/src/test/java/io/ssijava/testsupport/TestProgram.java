package io.ssijava.testsupport;

import java.io.File;
import java.io.IOException;
import java.io.PrintStream;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;

/** Small programs the process tests run, chosen by the first argument. */
public final class TestProgram {

    private TestProgram() {
    }

    /**
     * Entry point.
     *
     * @param args mode, then the mode's arguments
     * @throws Exception on failure
     */
    public static void main(String[] args) throws Exception {
        switch (args[0]) {
            case "chatty" -> chatty(Integer.parseInt(args[1]));
            case "exit" -> {
                System.err.println(args[2]);
                System.exit(Integer.parseInt(args[1]));
            }
            case "echo-stdin" -> System.out.write(System.in.readAllBytes());
            case "echo-args" -> System.out.println(Arrays.asList(args).subList(1, args.length));
            case "spawn-and-sleep" -> {
                spawnSleeper();
                Thread.sleep(300_000);
            }
            case "spawn-and-exit" -> {
                spawnSleeper();
                // Long enough for the runner's descendant tracker to see the child.
                Thread.sleep(500);
            }
            case "sleep" -> Thread.sleep(300_000);
            case "ready-then-sleep" -> {
                Runtime.getRuntime().addShutdownHook(new Thread(() -> System.out.println("bye")));
                System.out.println("ready");
                System.out.flush();
                Thread.sleep(300_000);
            }
            default -> throw new IllegalArgumentException(args[0]);
        }
    }

    /** Writes {@code bytes} bytes on each stream, interleaved, in lines of 100 characters. */
    private static void chatty(int bytes) {
        PrintStream out = new PrintStream(System.out, false, StandardCharsets.UTF_8);
        PrintStream err = new PrintStream(System.err, false, StandardCharsets.UTF_8);
        String line = "x".repeat(99);
        for (int written = 0; written < bytes; written += 100) {
            out.println(line);
            err.println(line);
        }
        out.flush();
        err.flush();
    }

    private static void spawnSleeper() throws IOException, URISyntaxException {
        String cp = Path.of(TestProgram.class.getProtectionDomain().getCodeSource().getLocation().toURI()).toString();
        String java = System.getProperty("java.home") + File.separator + "bin" + File.separator + "java";
        Process child = new ProcessBuilder(List.of(java, "-cp", cp, TestProgram.class.getName(), "sleep"))
                .inheritIO().start();
        System.out.println("child " + child.pid());
        System.out.flush();
    }
}
