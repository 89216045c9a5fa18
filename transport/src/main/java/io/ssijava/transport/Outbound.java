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

    Outbound(final Publication publication, final boolean exclusive)
    {
        this.publication = publication;
        this.exclusive = exclusive;
    }

    long offer(final DirectBuffer header, final DirectBuffer buffer, final int offset, final int length)
    {
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
