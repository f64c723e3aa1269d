package org.backprop.nn;

/**
 * One epoch's numbers. Losses are per-sample means; accuracies are fractions in [0, 1];
 * {@code seconds} is the training wall time of the epoch (evaluation excluded).
 * {@code evaluation} carries the confusion matrix when one was asked for, else null.
 */
public record EpochStats(int epoch, int epochs, double trainLoss, double trainAccuracy,
                         double testLoss, double testAccuracy, double seconds, double samplesPerSecond,
                         Evaluation evaluation) {

    /** The plain per-epoch line: {@code epoch 3/20  loss 0.0812  test acc 97.91%  2.41 s}. */
    public String line() {
        return String.format(java.util.Locale.ROOT,
                "epoch %d/%d  loss %.4f  test acc %.2f%%  %.2f s  (test loss %.4f, train acc %.2f%%, %.0f samples/s)",
                epoch, epochs, trainLoss, 100 * testAccuracy, seconds, testLoss, 100 * trainAccuracy,
                samplesPerSecond);
    }
}
