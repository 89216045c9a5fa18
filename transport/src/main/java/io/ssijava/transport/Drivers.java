package io.ssijava.transport;

import io.aeron.CncFileDescriptor;
import io.aeron.CommonContext;
import io.aeron.driver.MediaDriver;
import io.aeron.driver.ThreadingMode;
import org.agrona.IoUtil;
import org.agrona.concurrent.BackoffIdleStrategy;

import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * Starts the embedded Aeron media drivers: one per node in UDP mode, one per JVM (and Aeron directory) shared by
 * every IPC-mode node, reference counted so the last node to close stops it, and one per job in HOST mode, started
 * by node 0 in a directory named after the job, to which the other nodes' processes attach.
 */
final class Drivers
{
    private static final System.Logger LOG = Transport.LOG;

    /**
     * How stale a driver's heartbeat in an existing directory may be before the directory counts as abandoned.
     * Aeron's own default; a driver that died less than this ago still counts as running.
     */
    private static final long ACTIVE_DRIVER_TIMEOUT_MS = CommonContext.DEFAULT_DRIVER_TIMEOUT_MS;

    /** Yields of an idle driver thread before it parks. */
    private static final int DRIVER_YIELDS = 100;
    /**
     * Shortest park of idle driver and receiver threads. A park rarely lasts less than 50-80 us anyway (timer
     * slack), so starting lower only adds wake-ups.
     */
    static final long MIN_PARK_NS = 50_000;

    /** A directory this young may belong to a driver that is still starting, so the sweep leaves it alone. */
    private static final long SWEEP_MIN_AGE_MS = 60_000;

    private static final Map<Path, SharedIpcDriver> IPC_DRIVERS = new HashMap<>();
    private static final AtomicBoolean SWEPT = new AtomicBoolean();

    private Drivers()
    {
    }

    /**
     * A started (or shared) driver; closing it releases this node's claim and deletes the directory when the
     * driver stops.
     */
    interface Handle extends AutoCloseable
    {
        /** The Aeron directory clients connect to. */
        String directory();

        @Override
        void close();
    }

    static Handle acquire(final TransportConfig config)
    {
        if (config.aeronDirectoryBase() == null && SWEPT.compareAndSet(false, true))
        {
            sweepStaleDirectories(defaultRoot());
        }
        return switch (config.mode())
        {
            case UDP -> startUdpDriver(config);
            case IPC -> acquireIpcDriver(config);
            case HOST -> config.nodeId() == 0 ? startHostDriver(config) : attachToHostDriver(config);
        };
    }

    /** The directory of a {@link TransportConfig.Mode#HOST HOST}-mode job's driver, the same for all its nodes. */
    static Path hostDirectory(final TransportConfig config)
    {
        final Path base = config.aeronDirectoryBase() != null ? config.aeronDirectoryBase() : defaultRoot();
        return base.resolve("ssi-" + config.jobId() + "-host");
    }

    private static Handle startHostDriver(final TransportConfig config)
    {
        final Path dir = hostDirectory(config);
        checkNotInUse(dir);
        return owned(launch(config, dir, "ssi-driver-host"), dir);
    }

    /** Node 0 owns the driver and deletes its directory; the client waits for it to come up (see Transport). */
    private static Handle attachToHostDriver(final TransportConfig config)
    {
        final String dir = hostDirectory(config).toString();
        return new Handle()
        {
            public String directory()
            {
                return dir;
            }

            public void close()
            {
            }
        };
    }

    private static Handle startUdpDriver(final TransportConfig config)
    {
        final Path dir;
        if (config.aeronDirectoryBase() != null)
        {
            dir = config.aeronDirectoryBase().resolve("ssi-" + config.jobId() + "-node" + config.nodeId());
            checkNotInUse(dir);
        }
        else
        {
            dir = freshDirectory("ssi-" + config.jobId() + "-node" + config.nodeId() + "-");
        }
        return owned(launch(config, dir, "ssi-driver-" + config.nodeId()), dir);
    }

    /** A driver this node alone started: closing the handle stops it and deletes its directory. */
    private static Handle owned(final MediaDriver driver, final Path dir)
    {
        return new Handle()
        {
            public String directory()
            {
                return driver.aeronDirectoryName();
            }

            public void close()
            {
                closeDriver(driver, dir);
            }
        };
    }

    private static Handle acquireIpcDriver(final TransportConfig config)
    {
        final Path dir = config.aeronDirectoryBase() != null ?
            config.aeronDirectoryBase().resolve("ssi-" + config.jobId() + "-ipc") :
            defaultRoot().resolve("ssi-" + config.jobId() + "-ipc-" + ProcessHandle.current().pid());
        synchronized (IPC_DRIVERS)
        {
            SharedIpcDriver shared = IPC_DRIVERS.get(dir);
            if (shared == null)
            {
                // Not ours: a directory with a live driver belongs to another JVM running the same job.
                checkNotInUse(dir);
                shared = new SharedIpcDriver(dir, launch(config, dir, "ssi-driver-ipc"));
                IPC_DRIVERS.put(dir, shared);
            }
            shared.references++;
            final SharedIpcDriver acquired = shared;
            return new Handle()
            {
                private boolean closed;

                public String directory()
                {
                    return acquired.driver.aeronDirectoryName();
                }

                public void close()
                {
                    synchronized (IPC_DRIVERS)
                    {
                        if (!closed)
                        {
                            closed = true;
                            if (--acquired.references == 0)
                            {
                                IPC_DRIVERS.remove(acquired.dir);
                                closeDriver(acquired.driver, acquired.dir);
                            }
                        }
                    }
                }
            };
        }
    }

    private static MediaDriver launch(final TransportConfig config, final Path dir, final String threadName)
    {
        final long failureTimeoutNs = config.failureTimeout().toNanos();
        final MediaDriver.Context ctx = new MediaDriver.Context()
            .aeronDirectoryName(dir.toString())
            // One driver thread per node: several nodes share a small machine.
            .threadingMode(ThreadingMode.SHARED)
            // No spinning: every duty cycle makes non-blocking socket syscalls, so spinning it holds a core that the
            // peer's driver and receivers need (on 2 cores it made UDP round trips 10x slower). Yielding keeps the
            // thread responsive for ~100 us after work without starving others; then it parks, up to driverMaxPark.
            .sharedIdleStrategy(new BackoffIdleStrategy(0, DRIVER_YIELDS, MIN_PARK_NS,
                Math.max(MIN_PARK_NS, config.driverMaxPark().toNanos())))
            .sharedThreadFactory(daemonThreads(threadName))
            // Aeron 1.51 otherwise runs async tasks (name resolution) on an extra, non-daemon thread with its own
            // idle loop, which keeps a finished program's JVM alive. Disabled, the driver thread runs them itself;
            // our endpoints are IP literals, so nothing slow runs there.
            .asyncExecutorEnabled(false)
            // The directory is ours alone (checked above), so leftovers of a crashed run can go without a check.
            .dirDeleteOnStart(true)
            .dirDeleteOnShutdown(true)
            .warnIfDirectoryExists(false)
            .printConfigurationOnStart(false)
            // Sparse log files: creating a log costs no memory until its pages are written.
            .termBufferSparseFile(true)
            .publicationTermBufferLength(config.termBufferLength())
            .ipcTermBufferLength(config.termBufferLength())
            // A peer that vanished without closing (kill -9, cable) loses its image after the failure timeout.
            .imageLivenessTimeoutNs(Math.max(failureTimeoutNs, 1_000_000_000L))
            // Closed publications only linger to serve retransmits; keep that short so close() is quick.
            .publicationLingerTimeoutNs(Math.min(failureTimeoutNs, 1_000_000_000L));
        try
        {
            return MediaDriver.launch(ctx);
        }
        catch (final RuntimeException ex)
        {
            IoUtil.delete(dir.toFile(), true);
            throw new TransportException("could not start the Aeron media driver in " + dir + ": " + ex, ex);
        }
    }

    private static void closeDriver(final MediaDriver driver, final Path dir)
    {
        try
        {
            driver.close();
        }
        finally
        {
            // dirDeleteOnShutdown already removed it; this covers a driver whose shutdown failed half way.
            IoUtil.delete(dir.toFile(), true);
        }
    }

    private static void checkNotInUse(final Path dir)
    {
        if (isDriverActive(dir))
        {
            throw new TransportException("Aeron directory " + dir + " is in use by another running media driver " +
                "(another ssi-java node with the same job id and node id, or one that stopped less than " +
                (ACTIVE_DRIVER_TIMEOUT_MS / 1000) + " s ago); choose another directory with --aeron-dir or " +
                "another job id, or leave --aeron-dir out to let ssi-java create a fresh one");
        }
    }

    private static boolean isDriverActive(final Path dir)
    {
        try
        {
            return Files.isDirectory(dir) &&
                CommonContext.isDriverActive(dir.toFile(), ACTIVE_DRIVER_TIMEOUT_MS, (msg) -> {});
        }
        catch (final RuntimeException ex)
        {
            // A CnC file that never got initialised: its driver died while starting.
            return false;
        }
    }

    /**
     * Best effort: delete the directories of nodes that died without closing (kill -9, a crash). Each holds a
     * ~46 MiB CnC file (the minimum sizes Aeron enforces) in RAM under /dev/shm until someone removes it. Only
     * directories named like ours, old enough and whose driver heartbeat has stopped are removed.
     */
    static void sweepStaleDirectories(final Path root)
    {
        try (DirectoryStream<Path> dirs = Files.newDirectoryStream(root, "ssi-*"))
        {
            for (final Path dir : dirs)
            {
                final Path cnc = dir.resolve(CncFileDescriptor.CNC_FILE);
                if (Files.isRegularFile(cnc) &&
                    System.currentTimeMillis() - Files.getLastModifiedTime(cnc).toMillis() > SWEEP_MIN_AGE_MS &&
                    !isDriverActive(dir))
                {
                    LOG.log(System.Logger.Level.DEBUG, "deleting stale Aeron directory " + dir);
                    IoUtil.delete(dir.toFile(), true);
                }
            }
        }
        catch (final IOException | RuntimeException ex)
        {
            LOG.log(System.Logger.Level.DEBUG, "could not sweep stale Aeron directories in " + root, ex);
        }
    }

    /** A new, empty, uniquely named directory under the default root. */
    private static Path freshDirectory(final String prefix)
    {
        try
        {
            return Files.createTempDirectory(defaultRoot(), prefix);
        }
        catch (final IOException ex)
        {
            throw new TransportException("could not create an Aeron directory under " + defaultRoot() + ": " + ex, ex);
        }
    }

    /** /dev/shm keeps Aeron's memory-mapped files in RAM; fall back to the temp dir where there is none. */
    static Path defaultRoot()
    {
        final Path shm = Paths.get("/dev/shm");
        return Files.isDirectory(shm) && Files.isWritable(shm) ? shm : Paths.get(System.getProperty("java.io.tmpdir"));
    }

    /** Daemon threads, so a program that forgets to close its transport can still exit. */
    static ThreadFactory daemonThreads(final String name)
    {
        return (runnable) ->
        {
            final Thread thread = new Thread(runnable, name);
            thread.setDaemon(true);
            return thread;
        };
    }

    private static final class SharedIpcDriver
    {
        final Path dir;
        final MediaDriver driver;
        int references;

        SharedIpcDriver(final Path dir, final MediaDriver driver)
        {
            this.dir = dir;
            this.driver = driver;
        }
    }
}
