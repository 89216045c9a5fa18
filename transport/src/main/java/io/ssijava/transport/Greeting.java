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
 * receiving nodes and the publication's session. A receiver takes messages only from sessions that proved it, so a
 * process without the secret (or of another job, or a greeting replayed on another session) is never heard.
 * <p>
 * Not thread-safe: one per thread that uses it (the transport's constructor, the receiver thread).
 */
final class Greeting
{
    static final int TAG_LENGTH = 16;
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

    /** @return whether a greeting's payload is the tag it must be. */
    boolean verify(final int from, final int to, final int session, final DirectBuffer buffer, final int offset,
        final int length)
    {
        if (length != TAG_LENGTH)
        {
            return false;
        }
        final byte[] got = new byte[TAG_LENGTH];
        buffer.getBytes(offset, got);
        return MessageDigest.isEqual(tag(from, to, session), got);
    }
}
