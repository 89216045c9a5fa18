package io.ssijava.dsm;

/**
 * What the object space needs from the messaging layer: one-way messages, request/response calls and replies.
 * Implemented by {@link Node}; a message starts with its type byte and a correlation id that the layer fills in.
 */
interface Net
{
    /** @return a message of the given type with room for the header. */
    WireOut message(byte type);

    /** Sends a one-way message. */
    void send(int node, WireOut message);

    /** Sends a request and blocks for its reply; throws {@link SsiException} on an error reply or a dead node. */
    WireIn call(int node, WireOut request);

    /** Sends requests to several nodes and waits for all replies. */
    WireIn[] callAll(int[] nodes, WireOut[] requests);

    /** @return a reply body builder. */
    WireOut reply();

    /** Sends a reply to a request. */
    void sendReply(int node, long correlationId, WireOut body);

    /** Sends an error reply; the caller's {@link #call} throws with this message. */
    void sendError(int node, long correlationId, String message);

    int self();

    int nodeCount();
}
