package kernels;

import java.util.concurrent.locks.ReentrantLock;
import java.util.concurrent.locks.ReentrantReadWriteLock;

/**
 * Uncontended {@code Lock.lock()} and {@code unlock()} around a small update, as code guarded by j.u.c. locks does
 * it: a non-fair {@code ReentrantLock}, a fair one and the read lock of a {@code ReentrantReadWriteLock}. The agent
 * makes every {@code lock()} of the program movable (it waits in {@code lockInterruptibly}); this kernel measures
 * what that costs when the lock is free.
 */
public final class Locks
{
    private static final int ROUNDS = 1000;

    private final ReentrantLock unfair = new ReentrantLock();
    private final ReentrantLock fair = new ReentrantLock(true);
    private final ReentrantReadWriteLock readWrite = new ReentrantReadWriteLock();
    private long count;

    /** @return the count so far. */
    public double lockAndUnlock()
    {
        for (int i = 0; i < ROUNDS; i++)
        {
            unfair.lock();
            try
            {
                count++;
            }
            finally
            {
                unfair.unlock();
            }
            fair.lock();
            try
            {
                count += 2;
            }
            finally
            {
                fair.unlock();
            }
            final ReentrantReadWriteLock.ReadLock read = readWrite.readLock();
            read.lock();
            try
            {
                count += 3;
            }
            finally
            {
                read.unlock();
            }
        }
        return count;
    }
}
