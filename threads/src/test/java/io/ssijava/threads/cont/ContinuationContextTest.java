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
        c.interruptByProgram();
        assertFalse(c.leaveBlockingCall(true));
    }

    /**
     * The program's interrupt comes before the thread enters the call, and a request to move comes once it is in:
     * the call is the program's to end, and no kick is made. The note that an interrupt is the program's and the
     * interrupt itself were two steps: a thread that entered its call and was kicked between them lost the
     * program's interrupt to the kick (QueueContracts hung about once in 30 runs).
     */
    @Test
    void aProgramInterruptBeforeTheCallIsNotTakenByAKickOnceTheThreadIsIn()
    {
        c.interruptByProgram();
        assertTrue(Thread.currentThread().isInterrupted());
        c.enterBlockingCall();
        c.kickOutOfBlockingCall();
        assertFalse(c.kicked, "the interrupt ends the call by itself");
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
        c.interruptByProgram();
        Thread.interrupted(); // the call throws
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
