package io.ssijava.transport;

import org.agrona.DirectBuffer;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/** Test handler: copies every message into a queue and records peer failures. */
final class Recorder implements MessageHandler
{
    record Message(int from, byte[] payload)
    {
    }

    final BlockingQueue<Message> messages = new LinkedBlockingQueue<>();
    final Map<Integer, String> failures = new ConcurrentHashMap<>();
    final Map<Integer, Long> failedAtNs = new ConcurrentHashMap<>();

    @Override
    public void onMessage(final int fromNode, final DirectBuffer buffer, final int offset, final int length)
    {
        final byte[] copy = new byte[length];
        buffer.getBytes(offset, copy);
        messages.add(new Message(fromNode, copy));
    }

    @Override
    public void onNodeFailed(final int node, final String reason)
    {
        failedAtNs.putIfAbsent(node, System.nanoTime());
        if (failures.putIfAbsent(node, reason) != null)
        {
            failures.put(node, "CALLED TWICE: " + reason);
        }
    }

    Message take(final Duration timeout) throws InterruptedException
    {
        final Message message = messages.poll(timeout.toMillis(), TimeUnit.MILLISECONDS);
        if (message == null)
        {
            throw new AssertionError("no message within " + timeout);
        }
        return message;
    }

    List<Message> take(final int count, final Duration timeout) throws InterruptedException
    {
        final long deadlineNs = System.nanoTime() + timeout.toNanos();
        final List<Message> result = new ArrayList<>(count);
        while (result.size() < count)
        {
            final Message message = messages.poll(deadlineNs - System.nanoTime(), TimeUnit.NANOSECONDS);
            if (message == null)
            {
                throw new AssertionError("got " + result.size() + " of " + count + " messages within " + timeout);
            }
            result.add(message);
        }
        return result;
    }

    void awaitFailure(final int node, final Duration timeout) throws InterruptedException
    {
        final long deadlineNs = System.nanoTime() + timeout.toNanos();
        while (!failures.containsKey(node))
        {
            if (System.nanoTime() - deadlineNs > 0)
            {
                throw new AssertionError("node " + node + " not reported failed within " + timeout);
            }
            Thread.sleep(5);
        }
    }
}
