package org.backprop.cpu;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.backprop.core.Tensor;
import org.backprop.data.Deformation;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Deforming the next batch during the step gives the images {@link Deformation#apply} defines, for
 * batches the guess got right, a short last batch, a new epoch's order, and a request it got wrong.
 */
class DeformAheadTest {

    private static final int SIDE = 12;
    private static final int P = SIDE * SIDE;
    private static final int ROWS = 50;
    private static final int BATCH = 16;

    private record Request(int[] rows, int epoch, int firstRow) { }

    private static int[] permutation(SplittableRandom r) {
        int[] p = new int[ROWS];
        for (int i = 0; i < ROWS; i++) {
            p[i] = i;
        }
        for (int i = ROWS - 1; i > 0; i--) {
            int j = r.nextInt(i + 1);
            int t = p[i];
            p[i] = p[j];
            p[j] = t;
        }
        return p;
    }

    @AfterEach
    void clearProperty() {
        System.clearProperty(DeformAhead.PROPERTY);
    }

    @ParameterizedTest(name = "{0} threads")
    @ValueSource(ints = {1, 2, 3})
    void everyBatchIsTheDefinitionsImages(int threads) {
        SplittableRandom r = new SplittableRandom(8);
        float[] images = new float[ROWS * P];
        for (int i = 0; i < images.length; i++) {
            images[i] = (float) r.nextDouble();
        }
        Deformation d = Deformation.parse("affine+elastic").withAffine(15f, 0.15f, 1f).withElastic(2f, 8f);
        long seed = 77;
        List<Request> asked = new ArrayList<>();
        List<float[]> got = new ArrayList<>();
        System.setProperty(DeformAhead.PROPERTY, "true");
        try (CpuBackend b = new CpuBackend(threads, true);
             Tensor src = b.allocate(ROWS, P);
             Tensor idx = b.allocateIndices(ROWS);
             Tensor start = b.allocateIndices(1);
             Tensor raw = b.allocate(BATCH, P);
             Tensor out = b.allocate(BATCH, P)) {
            b.upload(images, src);
            for (int epoch = 1; epoch <= 2; epoch++) {
                int[] order = permutation(r);
                b.uploadIndices(order, idx);
                b.uploadIndices(new int[] {0}, start);
                for (int at = 0; at < ROWS; at += BATCH) {
                    int n = Math.min(BATCH, ROWS - at);
                    if (epoch == 2 && at == BATCH) {
                        // a request the guess did not foresee: the batch after next, not the next one
                        at += BATCH;
                        n = Math.min(BATCH, ROWS - at);
                        b.uploadIndices(new int[] {at}, start);
                    }
                    Tensor from = n == BATCH ? raw : raw.firstRows(n);
                    Tensor to = n == BATCH ? out : out.firstRows(n);
                    b.gatherRows(src, idx, start, from);
                    b.deformImages(from, to, SIDE, d, seed, epoch, at);
                    b.advanceIndex(start, n);
                    got.add(b.download(to));
                    int[] rows = new int[n];
                    System.arraycopy(order, at, rows, 0, n);
                    asked.add(new Request(rows, epoch, at));
                }
            }
            assertTrue(b.deformAheadHits() >= 4, "the batch deformed ahead answered " + b.deformAheadHits()
                    + " requests, so the overlap was hardly tested");
        }
        for (int k = 0; k < asked.size(); k++) {
            Request q = asked.get(k);
            float[] batch = new float[q.rows().length * P];
            for (int i = 0; i < q.rows().length; i++) {
                System.arraycopy(images, q.rows()[i] * P, batch, i * P, P);
            }
            float[] expected = new float[batch.length];
            d.apply(batch, expected, q.rows().length, SIDE, seed, q.epoch(), q.firstRow());
            SameBits.assertSameBits(expected, got.get(k), P, "request " + k + " (epoch " + q.epoch() + ", rows from "
                    + q.firstRow() + ")", "Deformation.apply", "backend");
        }
    }
}
