package io.ssijava.transport;

import io.aeron.Publication;
import org.agrona.DirectBuffer;

/**
 * The publication to one peer, safe to offer to from any thread.
 * <p>
 * UDP mode uses Aeron's lock-free concurrent publication. IPC mode needs one exclusive publication per sender,
 * because Aeron shares a single IPC publication among all clients of a driver that publish to the same stream, which
 * would merge every sender into one image and hide which node went away; exclusive publications are single-writer,
 * so offers to them are serialised here.
 */
final class Outbound
{
    private final Publication publication;
    private final boolean exclusive;
    /** The greeting that must go first on this publication (see Greeting), or null in a job without a secret. */
    private final DirectBuffer hello;
    private volatile boolean greeted;

    Outbound(final Publication publication, final boolean exclusive)
    {
        this(publication, exclusive, null);
    }

    Outbound(final Publication publication, final boolean exclusive, final DirectBuffer hello)
    {
        this.publication = publication;
        this.exclusive = exclusive;
        this.hello = hello;
        this.greeted = hello == null;
    }

    int sessionId()
    {
        return publication.sessionId();
    }

    /**
     * Offers the greeting if it has not gone yet: nothing else may precede it on the publication.
     *
     * @return a positive position once it has gone, else why not (as offer answers).
     */
    private long greet()
    {
        synchronized (this)
        {
            if (greeted)
            {
                return 1;
            }
            final long result = publication.offer(hello, 0, hello.capacity());
            if (result > 0)
            {
                greeted = true;
            }
            return result;
        }
    }

    long offer(final DirectBuffer header, final DirectBuffer buffer, final int offset, final int length)
    {
        if (!greeted)
        {
            final long result = greet();
            if (result <= 0)
            {
                return result;
            }
        }
        if (!exclusive)
        {
            return publication.offer(header, 0, header.capacity(), buffer, offset, length);
        }
        synchronized (this)
        {
            return publication.offer(header, 0, header.capacity(), buffer, offset, length);
        }
    }

    long offer(final DirectBuffer header)
    {
        if (!greeted)
        {
            final long result = greet();
            if (result <= 0)
            {
                return result;
            }
        }
        if (!exclusive)
        {
            return publication.offer(header, 0, header.capacity());
        }
        synchronized (this)
        {
            return publication.offer(header, 0, header.capacity());
        }
    }

    boolean isConnected()
    {
        return publication.isConnected();
    }

    int maxMessageLength()
    {
        return publication.maxMessageLength();
    }
}
