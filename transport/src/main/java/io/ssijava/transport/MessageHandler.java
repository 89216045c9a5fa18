package io.ssijava.transport;

import org.agrona.DirectBuffer;

/**
 * Receives the messages and peer failures of one {@link Transport}.
 * <p>
 * Every callback runs on the transport's single receiver thread ({@code ssi-receiver-<node>}), one at a time,
 * so an implementation needs no locking against itself. Callbacks <b>must not block</b> (no locks held by
 * application threads, no waiting for replies, no I/O): while a callback runs, no other message from any peer is
 * delivered and heartbeats are not sent, so a blocked callback stalls the node and eventually makes peers declare
 * it failed. Hand long work to another thread. Calling {@link Transport#send} from a callback is allowed (e.g. to
 * answer a request), but it spins while the peer is back-pressured, so two nodes answering each other's floods from
 * their callbacks can stall each other.
 */
@FunctionalInterface
public interface MessageHandler
{
    /**
     * A message from a peer, without the transport's header. Messages from one sending thread to one node arrive
     * in the order they were sent.
     *
     * @param fromNode id of the sending node.
     * @param buffer   holds the payload; valid only during this call, so copy what must be kept.
     * @param offset   where the payload starts in {@code buffer}.
     * @param length   payload length in bytes.
     */
    void onMessage(int fromNode, DirectBuffer buffer, int offset, int length);

    /**
     * A peer missed heartbeats for the failure timeout, or its connection went away after having been connected.
     * Called at most once per peer; after it, messages from that peer are dropped and sends to it fail.
     *
     * @param node   id of the failed node.
     * @param reason human-readable cause.
     */
    default void onNodeFailed(final int node, final String reason)
    {
    }
}
