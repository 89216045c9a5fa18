package io.ssijava.transport;

import org.agrona.DirectBuffer;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.util.Arrays;

/**
 * The proof that a sender holds the job's secret: the first message on each of its publications is a
 * {@link WireFormat#TYPE_HELLO} whose payload is a MAC (HMAC-SHA256, first 16 bytes) of the job, the sending and
 * receiving nodes and the publication's session, then the job's id in clear (UTF-8), so that a refusal can say
 * which job the sender belongs to. A receiver takes messages only from sessions that proved it, so a process without
 * the secret (or of another job, or of an earlier run of this one, fenced when that run stopped, or a greeting
 * replayed on another session) is never heard.
 * <p>
 * Not thread-safe: one per thread that uses it (the transport's constructor, the receiver thread).
 */
final class Greeting
{
    static final int TAG_LENGTH = 16;
    /** Longer job ids in a greeting are refused unread. */
    static final int MAX_JOB_LENGTH = 256;
    private static final String ALGORITHM = "HmacSHA256";

    private final Mac mac;
    private final String job;

    Greeting(final byte[] secret, final String job)
    {
        try
        {
            this.mac = Mac.getInstance(ALGORITHM);
            mac.init(new SecretKeySpec(secret, ALGORITHM));
        }
        catch (final GeneralSecurityException ex)
        {
            throw new IllegalStateException("no " + ALGORITHM + " in this JDK: " + ex, ex);
        }
        this.job = job;
    }

    /** @return the tag a greeting from {@code from} to {@code to} on session {@code session} carries. */
    byte[] tag(final int from, final int to, final int session)
    {
        mac.reset();
        final byte[] full = mac.doFinal(("ssi-hello-1|" + job + "|" + from + "|" + to + "|" + session)
            .getBytes(StandardCharsets.UTF_8));
        return Arrays.copyOf(full, TAG_LENGTH);
    }

    /** @return the payload of a greeting from {@code from} to {@code to} on session {@code session}. */
    byte[] payload(final int from, final int to, final int session)
    {
        final byte[] tag = tag(from, to, session);
        final byte[] id = job.getBytes(StandardCharsets.UTF_8);
        final byte[] payload = Arrays.copyOf(tag, TAG_LENGTH + id.length);
        System.arraycopy(id, 0, payload, TAG_LENGTH, id.length);
        return payload;
    }

    /**
     * Checks a greeting's payload.
     *
     * @return null if it proves the secret for this job, else why not (the job it names is only its claim: it is
     *         reported, never trusted)
     */
    String refusal(final int from, final int to, final int session, final DirectBuffer buffer, final int offset,
        final int length)
    {
        if (length < TAG_LENGTH || length > TAG_LENGTH + MAX_JOB_LENGTH)
        {
            return "it did not prove the job's secret";
        }
        final byte[] got = new byte[length];
        buffer.getBytes(offset, got);
        final String claimed = new String(got, TAG_LENGTH, length - TAG_LENGTH, StandardCharsets.UTF_8);
        if (!claimed.isEmpty() && !claimed.equals(job))
        {
            return "it is a node of job " + printable(claimed) + ", not of this job " + job + " (of an earlier " +
                "run of the job, fenced when that run stopped, or of another job)";
        }
        return MessageDigest.isEqual(tag(from, to, session), Arrays.copyOf(got, TAG_LENGTH)) ? null :
            "it did not prove the job's secret";
    }

    /** A claimed job id as a report may show it: printable ASCII, at most 64 characters. */
    private static String printable(final String s)
    {
        final StringBuilder sb = new StringBuilder();
        for (int i = 0; i < s.length() && sb.length() < 64; i++)
        {
            final char c = s.charAt(i);
            sb.append(c >= 0x20 && c < 0x7f ? c : '?');
        }
        return sb.toString();
    }
}
