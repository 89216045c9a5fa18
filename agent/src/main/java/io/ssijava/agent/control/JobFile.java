package io.ssijava.agent.control;

import java.io.IOException;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.FileAttribute;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Properties;

/**
 * The file by which the {@code ssi-java} control commands find a running job: its control port and secret, readable
 * by its owner only. It lives in the run directory: {@code -Dssi.run.dir}, else {@code $SSI_JAVA_RUN}, else
 * {@code $XDG_RUNTIME_DIR/ssi-java}, else {@code ~/.ssi-java/run} (the launcher's ControlClient looks in the same
 * places). One file per job, {@code <job id>.job}, removed when the job ends.
 */
final class JobFile
{
    private final Path path;

    private JobFile(final Path path)
    {
        this.path = path;
    }

    /** @return the directory job files are written to. */
    static Path runDirectory()
    {
        final String given = System.getProperty("ssi.run.dir", System.getenv("SSI_JAVA_RUN"));
        if (given != null && !given.isBlank())
        {
            return Path.of(given);
        }
        final String xdg = System.getenv("XDG_RUNTIME_DIR");
        if (xdg != null && !xdg.isBlank())
        {
            return Path.of(xdg, "ssi-java");
        }
        return Path.of(System.getProperty("user.home"), ".ssi-java", "run");
    }

    /**
     * Writes the job's file, readable by its owner only, atomically (a reader never sees half a file).
     *
     * @param job    the job id.
     * @param fields what the file says.
     * @return the file.
     */
    static JobFile write(final String job, final Properties fields) throws IOException
    {
        final Path dir = runDirectory();
        final boolean posix = dir.getFileSystem().supportedFileAttributeViews().contains("posix");
        if (!Files.isDirectory(dir))
        {
            try
            {
                Files.createDirectories(dir.getParent());
                if (posix)
                {
                    Files.createDirectory(dir, attributes("rwx------"));
                }
                else
                {
                    Files.createDirectory(dir);
                }
            }
            catch (final FileAlreadyExistsException raced)
            {
                // another job made it first
            }
        }
        final Path file = dir.resolve(job + ".job");
        final Path tmp = posix ? Files.createTempFile(dir, job, ".tmp", attributes("rw-------")) :
            Files.createTempFile(dir, job, ".tmp");
        final StringWriter text = new StringWriter();
        fields.store(text, "ssi-java job; the secret lets its holder steer the job");
        Files.writeString(tmp, text.toString(), StandardCharsets.UTF_8);
        Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        return new JobFile(file);
    }

    private static FileAttribute<?> attributes(final String perms)
    {
        return PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString(perms));
    }

    Path path()
    {
        return path;
    }

    void delete()
    {
        try
        {
            Files.deleteIfExists(path);
        }
        catch (final IOException ignored)
        {
            // a stale file names a dead process; the control commands skip it
        }
    }
}
