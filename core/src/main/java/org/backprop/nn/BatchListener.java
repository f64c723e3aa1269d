package org.backprop.nn;

/**
 * Called during an epoch each time {@link Trainer} reads the running loss back (every
 * {@link FitOptions#checkEvery()} batches and after the last): the place for a progress bar.
 * {@code samples} have been trained on so far in this epoch; {@code meanLoss} is their mean loss.
 */
@FunctionalInterface
public interface BatchListener {
    void onBatch(int epoch, int batch, int batches, int samples, double meanLoss);
}
