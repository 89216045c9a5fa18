package io.ssijava.dsm;

/** A message that cannot be decoded: truncated, malformed, or naming something this node refuses to create. */
public final class WireException extends SsiException
{
    public WireException(final String message)
    {
        super(message);
    }
}
