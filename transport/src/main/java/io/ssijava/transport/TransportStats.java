package io.ssijava.transport;

/**
 * A snapshot of a {@link Transport}'s counters. Messages and bytes count application payloads only (no
 * heartbeats, no transport headers); a payload that the transport split into chunks counts once.
 *
 * @param messagesSent      messages handed to Aeron by {@link Transport#send}.
 * @param bytesSent         payload bytes of those messages.
 * @param messagesReceived  messages delivered to the {@link MessageHandler}.
 * @param bytesReceived     payload bytes of those messages.
 * @param messagesDropped   messages (or pieces of chunked messages) discarded on receipt: bad magic, version, type
 *                          or sender, too large, incomplete, or from a node already declared failed.
 * @param handlerErrors     exceptions thrown by {@link MessageHandler#onMessage} (caught and logged).
 * @param messagesUnproven  of the dropped messages, those from a sender that had not proved the job's secret (a job
 *                          with one), and greetings that did not prove it.
 */
public record TransportStats(
    long messagesSent,
    long bytesSent,
    long messagesReceived,
    long bytesReceived,
    long messagesDropped,
    long handlerErrors,
    long messagesUnproven)
{
}
