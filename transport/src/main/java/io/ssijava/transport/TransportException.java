package io.ssijava.transport;

/**
 * Unchecked failure of the {@link Transport}: a peer that did not connect or was declared failed, a message too
 * large to send, a port or Aeron directory already in use, or a media driver that would not start.
 */
public class TransportException extends RuntimeException
{
    private static final long serialVersionUID = 1L;

    /**
     * Create an exception with a message meant for the person running the job.
     *
     * @param message what went wrong and, where possible, how to fix it.
     */
    public TransportException(final String message)
    {
        super(message);
    }

    /**
     * Create an exception with a message and the underlying cause.
     *
     * @param message what went wrong and, where possible, how to fix it.
     * @param cause   the underlying exception.
     */
    public TransportException(final String message, final Throwable cause)
    {
        super(message, cause);
    }
}
