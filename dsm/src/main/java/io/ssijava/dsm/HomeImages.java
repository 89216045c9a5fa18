package io.ssijava.dsm;

import java.util.Collection;
import java.util.HashMap;
import java.util.Map;

/**
 * The entities a node takes home from a checkpoint, as {@link ObjectSpace#writeHomes} wrote them: read from a part
 * and the parts it builds on, newest first, so that the first image read of an entity is the one that counts.
 */
public final class HomeImages
{
    /** One entity's image: what it is, and the bytes of its fields or elements. */
    record Image(Meta.Kind kind, long gid, int hash, String type, int length, byte[] body)
    {
    }

    private final Map<Long, Image> byGid = new HashMap<>();
    private long highestSeq;

    /**
     * Reads the entities of one part (up to the 0 that ends them) and keeps those not read before.
     *
     * @throws WireException for a damaged list.
     */
    public void read(final WireIn in)
    {
        final Meta.Kind[] kinds = Meta.Kind.values();
        while (true)
        {
            final int k = in.getByte();
            if (k == 0)
            {
                return;
            }
            if (k < 1 || k > kinds.length)
            {
                throw new WireException("unknown kind " + k + " of a checkpointed entity");
            }
            final Meta.Kind kind = kinds[k - 1];
            final long gid = in.getLong();
            final int hash = in.getInt();
            final String type = kind == Meta.Kind.PLAIN ? null : in.getString();
            final int length = kind == Meta.Kind.ARRAY ? in.getCount(Integer.MAX_VALUE - 8) : 0;
            final byte[] body = new byte[in.getCount(Integer.MAX_VALUE - 8)];
            in.getBytes(body);
            byGid.putIfAbsent(gid, new Image(kind, gid, hash, type, length, body));
        }
    }

    /** Notes the highest sequence number a node had handed out (its part says): ids made here go on from it. */
    public void sequence(final long seq)
    {
        highestSeq = Math.max(highestSeq, seq);
    }

    long highestSeq()
    {
        return highestSeq;
    }

    /** @return how many entities were read. */
    public int size()
    {
        return byGid.size();
    }

    Image get(final long gid)
    {
        return byGid.get(gid);
    }

    Collection<Image> all()
    {
        return byGid.values();
    }
}
