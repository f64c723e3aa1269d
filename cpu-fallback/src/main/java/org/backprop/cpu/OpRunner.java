package org.backprop.cpu;

/**
 * Runs an op's task body over a split fixed by the shape alone: element chunks of {@link #CHUNK}
 * or row ranges of about that many elements. Each task writes its own outputs and its own partial
 * sum, and the partials are added in task order, so no result depends on the thread count. The
 * split of the op in flight is read back by the task bodies ({@link #from}, {@link #rowFrom}, ...).
 */
final class OpRunner {

    /** Elements per task of an elementwise op; fixed, so chunk sums never depend on threads. */
    static final int CHUNK = 16384;
    /** Below this many elements an op runs on the caller alone. */
    static final int PARALLEL_MIN = 32768;

    final WorkerPool pool;
    /** Task t's partial sum of the op in flight. */
    double[] partials = new double[64];
    private int size;
    /** Rows and columns of the row split in flight. */
    int rows;
    int cols;
    private int rowsPerTask;

    OpRunner(WorkerPool pool) {
        this.pool = pool;
    }

    int from(int task) {
        return task * CHUNK;
    }

    int to(int task) {
        return Math.min(size, (task + 1) * CHUNK);
    }

    int rowFrom(int task) {
        return task * rowsPerTask;
    }

    int rowTo(int task) {
        return Math.min(rows, (task + 1) * rowsPerTask);
    }

    /** Runs body over fixed element chunks of {@code n}; returns the task count. */
    int elementwise(int n, WorkerPool.Body body) {
        size = n;
        int tasks = (n + CHUNK - 1) / CHUNK;
        ensurePartials(tasks);
        pool.run(tasks, body, n < PARALLEL_MIN);
        return tasks;
    }

    /** Runs body over row ranges of about {@link #CHUNK} elements each; returns the task count. */
    int byRows(int m, int n, WorkerPool.Body body) {
        rows = m;
        cols = n;
        rowsPerTask = Math.max(1, CHUNK / n);
        int tasks = (m + rowsPerTask - 1) / rowsPerTask;
        ensurePartials(tasks);
        pool.run(tasks, body, (long) m * n < PARALLEL_MIN);
        return tasks;
    }

    private void ensurePartials(int tasks) {
        if (partials.length < tasks) {
            partials = new double[Math.max(tasks, 2 * partials.length)];
        }
    }

    /** Adds the task partial sums in task order, so the total is the same for any thread count. */
    double sumPartials(int tasks) {
        double s = 0;
        for (int t = 0; t < tasks; t++) {
            s += partials[t];
        }
        return s;
    }
}
