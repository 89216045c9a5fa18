package io.ssijava.checkpoint.store;

import java.io.IOException;
import java.nio.file.Path;

/**
 * A checkpoint file that cannot be used: foreign, of another format version, truncated or damaged. The message names
 * the file and says which; recovery then falls back to the next level.
 */
public final class CheckpointFileException extends IOException
{
    private static final long serialVersionUID = 1L;

    private final transient Path file;

    public CheckpointFileException(final Path file, final String why)
    {
        super(file + ": " + why);
        this.file = file;
    }

    /** @return the file that was refused. */
    public Path file()
    {
        return file;
    }
}
