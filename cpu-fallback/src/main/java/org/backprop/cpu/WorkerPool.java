package org.backprop.cpu;

import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;

/**
 * A fixed set of worker threads running one parallel-for at a time: {@link #run} hands out task
 * indices 0..n−1 to the workers and the calling thread, and returns when all are done.
 *
 * <p>Which thread runs which task is left to chance, so callers must make each task write outputs
 * no other task writes, and must fix the partition into tasks from the shapes alone; then results
 * cannot depend on the thread count. Dispatch allocates nothing: the body is a long-lived object
 * and the claim counter carries a generation number, so a late worker can never run a stale task.
 *
 * <p>Ours rather than an {@code ExecutorService} or the common {@code ForkJoinPool}: those allocate
 * a future or task per submission (the reference MLP's step makes 15), and a step must allocate
 * nothing (see the class comment of {@link CpuBackend}). Public for the GEMM's package, which
 * dispatches its tile tasks here.
 */
public final class WorkerPool implements AutoCloseable {

    /** One task of a parallel-for; {@code worker} (0 = the caller) selects per-thread scratch. */
    public interface Body {
        void run(int task, int worker);
    }

    /** About 20 µs of spinning before a worker parks: long enough to catch back-to-back ops. */
    private static final int SPINS = 20_000;
    /** Task index of a closed generation: above any task count, so nothing can be claimed. */
    private static final long CLOSED = Integer.MAX_VALUE;

    private final int threads;
    private final Thread[] workers;
    /** High 32 bits: generation; low 32 bits: next task index to claim. */
    private final AtomicLong claim = new AtomicLong();
    private final AtomicInteger done = new AtomicInteger();
    private volatile Body body;
    private volatile int tasks;
    private volatile Throwable failure;
    private volatile boolean shutdown;
    private int generation;
    /** Parallel-fors that forked to the workers (each one a barrier), for counting per step. */
    private long forks;

    public WorkerPool(int threads) {
        if (threads < 1) {
            throw new IllegalArgumentException("threads must be at least 1, got " + threads);
        }
        this.threads = threads;
        this.workers = new Thread[threads - 1];
        for (int i = 0; i < workers.length; i++) {
            int id = i + 1;
            Thread t = new Thread(() -> workLoop(id), "backprop-cpu-" + id);
            t.setDaemon(true);
            workers[i] = t;
            t.start();
        }
    }

    public int threads() {
        return threads;
    }

    /** How many calls of {@link #run} have forked to the workers so far (the caller's thread only). */
    long forks() {
        return forks;
    }

    /** Runs body for every task in 0..n−1, on the caller alone when {@code inline} or single-threaded. */
    public void run(int n, Body b, boolean inline) {
        if (n <= 0) {
            return;
        }
        if (inline || threads == 1 || n == 1) {
            for (int t = 0; t < n; t++) {
                b.run(t, 0);
            }
            return;
        }
        forks++;
        // Close the previous generation before touching body and tasks: a worker that read the
        // old claim word just before this call could otherwise pair it with the new body and
        // task count, claim a task of this call under the old generation, and so run it twice
        // (a GEMM k-block added twice) and count it into this call's done.
        generation++;
        claim.set(((long) generation << 32) | CLOSED);
        body = b;
        tasks = n;
        failure = null;
        done.set(0);
        generation++;
        long gen = (long) generation << 32;
        claim.set(gen);
        for (Thread w : workers) {
            LockSupport.unpark(w);
        }
        work(gen, 0);
        int spins = 0;
        while (done.get() < n) {
            if (++spins < SPINS) {
                Thread.onSpinWait();
            } else {
                Thread.yield();
            }
        }
        body = null;
        Throwable f = failure;
        if (f != null) {
            failure = null;
            if (f instanceof RuntimeException) {
                throw (RuntimeException) f;
            }
            if (f instanceof Error) {
                throw (Error) f;
            }
            throw new IllegalStateException("cpu worker failed", f);
        }
    }

    /** Claims and runs tasks of the generation whose tag is {@code gen} until none are left. */
    private void work(long gen, int worker) {
        while (true) {
            long v = claim.get();
            if ((v & 0xFFFF_FFFF_0000_0000L) != gen) {
                return;
            }
            int index = (int) v;
            Body b = body;
            int n = tasks;
            if (index >= n || b == null) {
                return;
            }
            if (!claim.compareAndSet(v, v + 1)) {
                continue;
            }
            try {
                b.run(index, worker);
            } catch (Throwable e) {
                failure = e;
            } finally {
                done.incrementAndGet();
            }
        }
    }

    private void workLoop(int id) {
        long seen = 0;
        while (!shutdown) {
            long v = claim.get();
            long gen = v & 0xFFFF_FFFF_0000_0000L;
            if (gen != seen) {
                seen = gen;
                work(gen, id);
                continue;
            }
            int spins = 0;
            while (!shutdown && (claim.get() & 0xFFFF_FFFF_0000_0000L) == seen) {
                if (++spins < SPINS) {
                    Thread.onSpinWait();
                } else {
                    LockSupport.park(this);
                }
            }
        }
    }

    @Override
    public void close() {
        shutdown = true;
        for (Thread w : workers) {
            LockSupport.unpark(w);
        }
        for (Thread w : workers) {
            try {
                w.join(1000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
    }
}
