package org.backprop.cpu;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.concurrent.atomic.AtomicIntegerArray;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Every task of every dispatch runs exactly once. Short and long dispatches alternate, which is
 * what let a lagging worker claim a task of the next call under the old call's counter (a GEMM
 * k-block added twice) before the pool closed each generation before publishing the next.
 */
class WorkerPoolTest {

    @ParameterizedTest(name = "{0} threads")
    @ValueSource(ints = {2, 3})
    void everyTaskOfEveryDispatchRunsExactlyOnce(int threads) {
        AtomicIntegerArray count = new AtomicIntegerArray(64);
        long wrong = 0;
        try (WorkerPool pool = new WorkerPool(threads)) {
            for (int it = 0; it < 200_000; it++) {
                int n = (it & 1) == 0 ? 2 : 2 + (it % 61);
                for (int i = 0; i < n; i++) {
                    count.set(i, 0);
                }
                pool.run(n, (t, w) -> count.incrementAndGet(t), false);
                for (int i = 0; i < n; i++) {
                    if (count.get(i) != 1) {
                        wrong++;
                    }
                }
            }
        }
        assertEquals(0, wrong, "tasks that did not run exactly once in 200,000 dispatches");
    }
}
