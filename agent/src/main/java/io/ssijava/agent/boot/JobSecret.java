package io.ssijava.agent.boot;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.security.SecureRandom;
import java.util.HexFormat;
import java.util.Set;

/**
 * The job's secret, which every node proves to the others before they hear it (see the transport's greeting) and
 * every control command proves to node 0. Where it comes from:
 * <ul>
 *   <li>{@value #ENV} (hex): how node 0 hands it to the nodes it starts here; the environment of a process is
 *       readable by its owner only, unlike its command line; nodes it starts over ssh read it from their stdin
 *       ({@value #STDIN_ENV});</li>
 *   <li>{@code -Dssi.secret.file=PATH}: nodes started by hand (with {@code peers=}) read the same file, which
 *       must be readable by its owner only; its bytes are the secret (at least 16);</li>
 *   <li>else node 0 of a job that starts its own nodes makes a new one, 32 random bytes.</li>
 * </ul>
 * Nodes started by hand without a secret trust whoever reaches them, and say so.
 */
public final class JobSecret {
    /** The environment variable that carries the secret, in hex, to the nodes node 0 starts. */
    public static final String ENV = "SSI_JAVA_SECRET";
    /** Set to 1 on a node started over ssh: the first line node 0 writes to its stdin is the secret, in hex. */
    public static final String STDIN_ENV = "SSI_JAVA_SECRET_STDIN";
    private static final int MIN_LENGTH = 16;

    private JobSecret() {
    }

    /**
     * @param options this node's options.
     * @return the secret, or null for a job started by hand without one.
     * @throws IllegalArgumentException when the given secret is unusable: not hex, too short, or a file that others
     *                                  may read.
     */
    public static byte[] of(final NodeOptions options) {
        if ("1".equals(System.getenv(STDIN_ENV))) {
            return checked(fromHex(readLine(), "the secret on stdin"), "the secret on stdin");
        }
        final String env = System.getenv(ENV);
        if (env != null && !env.isBlank()) {
            return checked(fromHex(env, ENV), ENV);
        }
        final String file = System.getProperty("ssi.secret.file");
        if (file != null && !file.isBlank()) {
            return read(Path.of(file));
        }
        if (options.nodeId() == 0 && options.mustSpawnWorkers()) {
            final byte[] s = new byte[32];
            new SecureRandom().nextBytes(s);
            return s;
        }
        return null;
    }

    private static byte[] fromHex(final String hex, final String where) {
        try {
            return HexFormat.of().parseHex(hex.strip());
        } catch (final IllegalArgumentException ex) {
            throw new IllegalArgumentException(where + " must be the secret in hex: " + ex.getMessage());
        }
    }

    /** The first line on fd 0, read a byte at a time: what follows is the parent watch's. */
    private static String readLine() {
        final java.io.InputStream in = new java.io.FileInputStream(java.io.FileDescriptor.in);
        final StringBuilder sb = new StringBuilder();
        try {
            int c;
            while ((c = in.read()) >= 0 && c != '\n') {
                if (sb.length() > 1024) {
                    throw new IllegalArgumentException("no secret on stdin: its first line is too long");
                }
                sb.append((char) c);
            }
        } catch (final IOException ex) {
            throw new IllegalArgumentException("cannot read the secret on stdin: " + ex);
        }
        return sb.toString();
    }

    static byte[] read(final Path file) {
        try {
            final Set<PosixFilePermission> perms = Files.getPosixFilePermissions(file);
            if (perms.contains(PosixFilePermission.GROUP_READ) || perms.contains(PosixFilePermission.OTHERS_READ)) {
                throw new IllegalArgumentException("the secret file " + file + " may be read by others than its " +
                    "owner (chmod 600 it)");
            }
            return checked(Files.readString(file, StandardCharsets.UTF_8).strip().getBytes(StandardCharsets.UTF_8),
                "the secret file " + file);
        } catch (final UnsupportedOperationException ex) {
            throw new IllegalArgumentException("cannot check who may read the secret file " + file + " here");
        } catch (final IOException ex) {
            throw new IllegalArgumentException("cannot read the secret file " + file + ": " + ex);
        }
    }

    private static byte[] checked(final byte[] s, final String where) {
        if (s.length < MIN_LENGTH) {
            throw new IllegalArgumentException(where + " holds " + s.length + " bytes; a secret needs at least " +
                MIN_LENGTH);
        }
        return s;
    }

    /** @return the secret in hex, as {@value #ENV} and the job file carry it. */
    public static String hex(final byte[] secret) {
        return HexFormat.of().formatHex(secret);
    }
}
