package io.ssijava.testsupport;

import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * JUnit extension that kills, after each test, every process started through
 * {@link ProcessRunner#start()} that the test did not close, together with its descendants.
 * A safety net for tests that fail half-way; use it with {@code @ExtendWith}. Not meant for
 * tests that run in parallel within one JVM (it closes all open processes).
 */
public final class ProcessCleanupExtension implements AfterEachCallback {

    /** Creates the extension (JUnit does this). */
    public ProcessCleanupExtension() {
    }

    /**
     * Closes all processes still open.
     *
     * @param context the test's context
     */
    @Override
    public void afterEach(ExtensionContext context) {
        RunningProcess.closeAll();
    }
}
