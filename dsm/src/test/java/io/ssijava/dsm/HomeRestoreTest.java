package io.ssijava.dsm;

import io.ssijava.dsm.TestTypes.Point;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import static io.ssijava.dsm.Access.read;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Entities written for a checkpoint on one node of a job of three come back in a job of two: homed on the node
 * that takes the lost node's part, with their fields, references and identity hashes, and fetched from there by
 * the other node.
 */
class HomeRestoreTest
{
    @Test
    @Timeout(30)
    void entitiesOfACheckpointComeBackHomedOnTheNodeThatTakesTheirPart()
    {
        final HomeImages images = new HomeImages();
        final long headGid;
        final long tailGid;
        final int headHash;
        try (IpcCluster first = new IpcCluster(3))
        {
            final Node third = first.node(2);
            final Point tail = point(-1, -0.25, null, null);
            final Point head = point(7, 2.5, tail, "h\u00e9llo");
            headGid = third.space().share(head).gid;
            headHash = System.identityHashCode(head);
            final WireOut part = new WireOut(1024);
            // the tail, referred to from a home object, is shared by the writing and written too
            assertEquals(2, third.space().writeHomes(part, false, null));
            tailGid = third.space().metaOf(tail).gid;
            images.read(new WireIn(part.toBytes()));
            images.sequence(third.space().sequence());
        }
        assertEquals(2, images.size());

        try (IpcCluster second = new IpcCluster(2))
        {
            final NodeRuntime zero = new NodeRuntime(second.node(0));
            final NodeRuntime one = new NodeRuntime(second.node(1));
            zero.restoringFrom(3);
            one.restoringFrom(3);
            assertEquals(0, zero.nodeOf(2), "node 2 of three is taken by node 0 of two");
            zero.restoreHomes(images);
            zero.fillRestoredHomes();

            final Meta m = second.space(0).byGid(headGid);
            assertNotNull(m, "restored under its global id");
            assertEquals(0, m.home);
            final Point head = (Point)m.target;
            assertEquals(7, head.x);
            assertEquals(2.5, head.y);
            assertEquals("h\u00e9llo", head.label);
            assertSame(second.space(0).byGid(tailGid).target, head.next, "a reference resolves to the restored one");
            assertEquals(-1, head.next.x);
            assertEquals(headHash, zero.identityHashCode(head), "the identity hash it had when it was taken");

            final Point onOne = second.transfer(0, 1, head);
            assertNotSame(head, onOne);
            read(second.node(1), onOne);
            assertEquals(7, onOne.x);
            assertEquals("h\u00e9llo", onOne.label);
            read(second.node(1), onOne.next);
            assertEquals(-0.25, onOne.next.y);
            assertEquals(headHash, one.identityHashCode(onOne));
            assertTrue(Meta.homeOf(second.space(0).newGid()) == 0, "ids made after it are node 0's own");
            assertThrows(WireException.class, () -> one.nodeOf(3), "no node 3 in either job");
        }
    }

    @Test
    void aDamagedListOfEntitiesIsRefused()
    {
        final WireOut out = new WireOut(64);
        out.putByte(9).putLong(1).putInt(0);
        final HomeImages images = new HomeImages();
        final WireException ex = assertThrows(WireException.class, () -> images.read(new WireIn(out.toBytes())));
        assertTrue(ex.getMessage().contains("unknown kind 9"), ex.getMessage());
        final WireOut cut = new WireOut(64);
        cut.putByte(1).putLong(1).putInt(0).putString(Point.class.getName()).putInt(100);
        assertThrows(WireException.class, () -> images.read(new WireIn(cut.toBytes())));
    }

    private static Point point(final int x, final double y, final Point next, final String label)
    {
        final Point p = new Point();
        p.x = x;
        p.y = y;
        p.next = next;
        p.label = label;
        return p;
    }
}
