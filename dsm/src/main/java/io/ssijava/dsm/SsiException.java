package io.ssijava.dsm;

/**
 * The one unchecked exception of the ssi-java runtime. Its message is meant for the user: it says what could not be
 * done and, where it can, how to fix it. {@link #addPath} collects the field path by which an object was reached.
 */
public class SsiException extends RuntimeException
{
    private String path;

    public SsiException(final String message)
    {
        super(message);
    }

    public SsiException(final String message, final Throwable cause)
    {
        super(message, cause);
    }

    /** Prepends one step of the object path (a field name or an index) for the message. */
    public SsiException addPath(final String step)
    {
        path = path == null ? step : step + "." + path;
        return this;
    }

    @Override
    public String getMessage()
    {
        return path == null ? super.getMessage() : super.getMessage() + " (reached through " + path + ")";
    }
}
