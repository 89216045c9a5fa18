package io.ssijava.threads.cont;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Telling the interrupts that take a thread out of a blocking call to move it from the program's own. */
class ContinuationContextTest
{
    private final ContinuationContext c = new ContinuationContext(Thread.currentThread());

    @AfterEach
    void clearInterrupt()
    {
        Thread.interrupted();
    }

    @Test
    void aKickAloneIsOursAndItsInterruptIsTakenBack()
    {
        c.inBlockingCall = true;
        c.kickOutOfBlockingCall();
        assertTrue(Thread.currentThread().isInterrupted());
        assertTrue(c.leaveBlockingCall(true));
        assertFalse(Thread.currentThread().isInterrupted(), "the program never sees a kick");
    }

    @Test
    void aProgramInterruptAfterAKickIsTheProgramsToo()
    {
        c.inBlockingCall = true;
        c.kickOutOfBlockingCall();
        c.interruptedByProgram();
        assertFalse(c.leaveBlockingCall(true));
    }

    /**
     * The program interrupts the thread in the call, the call throws and so clears the status, and a request to
     * move kicks the thread before the call has left: the exception is still the program's, and, as on one JVM,
     * the status is clear after it. Taking it for a kick lost the interrupt (a taker moved every 5 ms never saw it).
     */
    @Test
    void aProgramInterruptBeforeAKickStaysTheProgramsWhenTheCallEnds()
    {
        c.enterBlockingCall();
        c.interruptedByProgram();
        c.kickOutOfBlockingCall();
        assertFalse(c.leaveBlockingCall(true));
        assertFalse(Thread.currentThread().isInterrupted(), "the exception took the interrupt");
    }

    /**
     * Interrupted before the call: the call throws at once (clearing the status; a call at a queue's home clears it
     * while it waits for the answer), and a kick that comes meanwhile sees no status. The exception is the
     * program's. Before, a thread of QueueContracts moved every 5 ms lost such an interrupt and hung.
     */
    @Test
    void anInterruptBeforeTheCallIsTheProgramsThoughTheStatusIsClearWhenAKickComes()
    {
        Thread.currentThread().interrupt();
        c.enterBlockingCall();
        Thread.interrupted(); // the call throws
        c.kickOutOfBlockingCall();
        assertFalse(c.leaveBlockingCall(true));
        assertFalse(Thread.currentThread().isInterrupted(), "the exception took the interrupt");
    }

    /** A call that returns although the program interrupted it first (its result came): the status stays set. */
    @Test
    void anInterruptBeforeACallThatReturnsStaysSet()
    {
        Thread.currentThread().interrupt();
        c.enterBlockingCall();
        c.kickOutOfBlockingCall();
        assertFalse(c.leaveBlockingCall(false));
        assertTrue(Thread.currentThread().isInterrupted());
    }

    /** In a call nested in another (a subclass's override calling the JDK's), a kick of the outer one is ours. */
    @Test
    void aKickOfAnOuterCallIsNotTakenForTheProgramsInTheInnerOne()
    {
        c.enterBlockingCall();
        c.kickOutOfBlockingCall();
        c.enterBlockingCall();
        assertTrue(c.leaveBlockingCall(true));
        assertFalse(Thread.currentThread().isInterrupted());
    }
}
