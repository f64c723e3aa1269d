package org.backprop.cpu;
import java.util.concurrent.atomic.AtomicIntegerArray;
public class Stress {
    public static void main(String[] a) {
        int iters = Integer.parseInt(a[0]);
        try (WorkerPool pool = new WorkerPool(2)) {
            AtomicIntegerArray count = new AtomicIntegerArray(64);
            long bad = 0;
            for (int it = 0; it < iters; it++) {
                int n = (it & 1) == 0 ? 2 : 2 + (it % 61);
                for (int i = 0; i < n; i++) count.set(i, 0);
                pool.run(n, (t, w) -> count.incrementAndGet(t), false);
                for (int i = 0; i < n; i++) if (count.get(i) != 1) bad++;
            }
            System.out.println("iterations " + iters + ", tasks not run exactly once: " + bad);
        }
    }
}
