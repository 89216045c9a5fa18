package io.ssijava.launcher;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class RecoveryTest {

    @Test
    void findsAJobsCheckpointsUnderTheNameTheAgentGivesThem() {
        // job.properties of a real run: job.id=267f350e, job.number=3439b8395089f98c
        assertEquals("job-3439b8395089f98c", Recovery.jobDirName("267f350e"));
        assertNotEquals(Recovery.jobDirName("267f350f"), Recovery.jobDirName("267f350e"));
    }

    @Test
    void newJobIdsAreWhatTheAgentAccepts() {
        for (int i = 0; i < 100; i++) {
            assertTrue(Recovery.newJobId().matches("[0-9a-f]{8}"));
        }
    }
}
