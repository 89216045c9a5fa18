package io.ssijava.checkpoint;

/** A checkpoint that was not taken, and why. */
public final class CheckpointException extends Exception
{
    private static final long serialVersionUID = 1L;

    public CheckpointException(final String message)
    {
        super(message);
    }

    public CheckpointException(final String message, final Throwable cause)
    {
        super(message, cause);
    }
}
