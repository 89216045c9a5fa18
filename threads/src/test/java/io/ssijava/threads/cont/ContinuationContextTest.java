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
        assertTrue(c.leaveBlockingCall());
        assertFalse(Thread.currentThread().isInterrupted(), "the program never sees a kick");
    }

    @Test
    void aProgramInterruptAfterAKickIsTheProgramsToo()
    {
        c.inBlockingCall = true;
        c.kickOutOfBlockingCall();
        c.interruptedByProgram();
        assertFalse(c.leaveBlockingCall());
    }

    /**
     * The program interrupts the thread in the call, the call throws and so clears the status, and a request to
     * move kicks the thread before the call has left: the exception is still the program's. Taking it for a kick
     * lost the interrupt (a taker moved every 5 ms never saw it).
     */
    @Test
    void aProgramInterruptBeforeAKickStaysTheProgramsWhenTheCallEnds()
    {
        c.inBlockingCall = true;
        c.interruptedByProgram();
        c.kickOutOfBlockingCall();
        assertFalse(c.leaveBlockingCall());
        assertTrue(Thread.currentThread().isInterrupted(), "the status is left for the program");
    }
}
