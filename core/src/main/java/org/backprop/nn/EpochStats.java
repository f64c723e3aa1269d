package org.backprop.nn;

/**
 * One epoch's numbers. Losses are per-sample means; accuracies are fractions in [0, 1];
 * {@code seconds} is the training wall time of the epoch (evaluation excluded). The monitored set
 * is the validation set when there is one, else the test set; {@code monitor} names it ("val" or
 * "test"). {@code learningRate} is the rate the epoch trained at; {@code best} says the monitored
 * loss is the lowest so far. {@code evaluation} carries the confusion matrix when one was asked
 * for, else null.
 */
public record EpochStats(int epoch, int epochs, double trainLoss, double trainAccuracy,
                         double testLoss, double testAccuracy, double seconds, double samplesPerSecond,
                         Evaluation evaluation, String monitor, double learningRate, boolean best) {

    /**
     * The plain per-epoch line, under 100 characters:
     * {@code epoch 3/20  loss 0.0812  test acc 97.91%  (test loss 0.0790, train acc 97.55%)  2.41 s  24896/s},
     * the last figure being training samples per second.
     */
    public String line() {
        return String.format(java.util.Locale.ROOT,
                "epoch %d/%d  loss %.4f  %s acc %.2f%%  (%s loss %.4f, train acc %.2f%%)  %.2f s  %.0f/s",
                epoch, epochs, trainLoss, monitor, 100 * testAccuracy, monitor, testLoss, 100 * trainAccuracy, seconds,
                samplesPerSecond);
    }
}
