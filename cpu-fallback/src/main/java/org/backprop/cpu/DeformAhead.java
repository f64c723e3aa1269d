package org.backprop.cpu;

import java.util.concurrent.atomic.AtomicInteger;
import org.backprop.data.Deformation;

/**
 * Deforms the next batch while the current one trains. After deforming a batch that a gather at a
 * device-side start filled, it guesses that the next request deforms the rows after it, with the
 * next positions, copies those source images (on the caller) and lets one thread of its own deform
 * them image by image while the step runs on the worker pool. The next request takes the result
 * only when its key (deformation, seed, epoch, first row, side, rows) and its source images, bit for
 * bit, are the guess's; the deformation is a pure function of those, so the bits are the ones the
 * pool would have made, whatever the guess, the timing or the thread that drew an image.
 *
 * <p>Sharing the cores: the thread adds one to the pool's threads while the step runs and uses
 * what the step leaves idle (its serial parts, its workers parked between ops), else time-shares;
 * the work is moved, not repeated. When the request comes before it has finished, the caller and
 * the pool claim the images it has not started, so no core waits on a single thread.
 */
final class DeformAhead implements AutoCloseable {

    /**
     * System property: "true" deforms ahead whatever the thread count; "false" deforms every batch
     * on the pool when asked, as the other backends do; unset, {@link #wanted} decides.
     */
    static final String PROPERTY = "backprop.cpu.deformAhead";

    /**
     * Whether a backend of {@code threads} workers deforms ahead: as {@link #PROPERTY} says, else
     * only when a core is left over for the extra thread. On cores the step already fills, the
     * thread time-shares with the step and an epoch got slower (784-1000-500-10, affine+elastic,
     * 2 threads on 2 cores: 10–11 s against 8–9 s), so it stays off there.
     */
    static boolean wanted(int threads) {
        String p = System.getProperty(PROPERTY);
        return p == null ? threads < Runtime.getRuntime().availableProcessors() : Boolean.parseBoolean(p);
    }

    /** A claim counter no image index reaches, far from overflowing under late claims. */
    private static final int BLOCKED = Integer.MAX_VALUE >> 1;

    private final WorkerPool pool;
    private Thread thread;
    private boolean closed;

    // the guess in flight: its key, its source images and its output, images claimed and finished
    private boolean pending;
    private Deformation d;
    private float[] taps;
    private long seed;
    private int epoch;
    private int firstRow;
    private int side;
    private int rows;
    private float[] raw = new float[0];
    private float[] out = new float[0];
    private final AtomicInteger claimed = new AtomicInteger();
    private final AtomicInteger finished = new AtomicInteger();
    private float[][] scratch = new float[0][];
    /** Requests the guess answered (tests check that the guessing ran). */
    long hits;
    private final WorkerPool.Body help = (t, w) -> deformNext(w + 1);

    DeformAhead(WorkerPool pool) {
        this.pool = pool;
    }

    /**
     * Starts deforming {@code n} rows of {@code src} (row-major, side² wide) named by
     * {@code idx[start..start+n)}, keyed as their request will be.
     */
    void start(float[] src, int[] idx, int start, int n, Deformation d, float[] taps, long seed, int epoch,
               int firstRow, int side) {
        int p = side * side;
        if (raw.length < n * p) {
            raw = new float[n * p];
            out = new float[n * p];
        }
        if (scratch.length < pool.threads() + 1 || scratch[0].length < 4 * p) {
            scratch = new float[pool.threads() + 1][4 * p];
        }
        claimed.set(BLOCKED); // the thread must not claim an image while the key changes
        finished.set(0);
        for (int r = 0; r < n; r++) {
            System.arraycopy(src, idx[start + r] * p, raw, r * p, p);
        }
        synchronized (this) {
            this.d = d;
            this.taps = taps;
            this.seed = seed;
            this.epoch = epoch;
            this.firstRow = firstRow;
            this.side = side;
            this.rows = n;
            pending = true;
            claimed.set(0);
            if (thread == null) {
                thread = new Thread(this::loop, "backprop-cpu-deform-ahead");
                thread.setDaemon(true);
                thread.start();
            }
            notifyAll();
        }
    }

    /**
     * Whether the guess was this request: then its images are finished (the caller and the pool
     * claim what is left) and copied into {@code dst}. Either way no guess is in flight after.
     */
    boolean take(float[] src, float[] dst, int n, Deformation d, long seed, int epoch, int firstRow, int side) {
        if (!pending) {
            return false;
        }
        int p = side * side;
        boolean same = n == rows && side == this.side && seed == this.seed && epoch == this.epoch
                && firstRow == this.firstRow && d.equals(this.d) && sameBits(src, raw, n * p);
        int started = rows;
        if (!same) {
            started = Math.min(rows, claimed.getAndSet(BLOCKED)); // nothing more is started
        } else if (claimed.get() < rows) {
            pool.run(rows - Math.min(rows, claimed.get()), help, false);
        }
        while (finished.get() < started) {
            Thread.onSpinWait();
        }
        pending = false;
        if (same) {
            System.arraycopy(out, 0, dst, 0, n * p);
            hits++;
        }
        return same;
    }

    private static boolean sameBits(float[] a, float[] b, int n) {
        for (int i = 0; i < n; i++) {
            if (Float.floatToRawIntBits(a[i]) != Float.floatToRawIntBits(b[i])) {
                return false;
            }
        }
        return true;
    }

    /** Claims and deforms one image of the guess, with scratch {@code s}; false when none is left. */
    private boolean deformNext(int s) {
        int r = claimed.getAndIncrement();
        if (r >= rows) {
            return false;
        }
        int p = side * side;
        try {
            d.apply(raw, r * p, out, r * p, side, taps, seed, epoch, firstRow + r, scratch[s]);
        } finally {
            finished.incrementAndGet();
        }
        return true;
    }

    private void loop() {
        while (true) {
            synchronized (this) {
                while (!closed && (!pending || claimed.get() >= rows)) {
                    try {
                        wait();
                    } catch (InterruptedException e) {
                        return;
                    }
                }
                if (closed) {
                    return;
                }
            }
            while (deformNext(0)) {
                // image by image, so that a request can share out what is left
            }
        }
    }

    @Override
    public synchronized void close() {
        closed = true;
        notifyAll();
    }
}
