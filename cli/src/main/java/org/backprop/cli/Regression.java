package org.backprop.cli;

import java.util.Locale;
import org.backprop.nn.Activation;
import org.backprop.nn.EpochStats;
import org.backprop.nn.Loss;

/** What train does differently when the label is a quantity: one linear output, squared error, RMSE instead of accuracy. */
final class Regression {

    private Regression() { }

    static Activation output(String option) {
        if (option != null && Activation.parse(option) != Activation.IDENTITY) {
            throw new IllegalArgumentException("--output " + option + " is for classes, but the label is a quantity"
                    + " (a regression has one linear output); leave --output out, or give --task classification");
        }
        return Activation.IDENTITY;
    }

    static Loss loss(String option) {
        if (option != null && Loss.parse(option) != Loss.SQUARED_ERROR) {
            throw new IllegalArgumentException("--loss " + option + " is for classes, but the label is a quantity:"
                    + " a regression trains with squared error (--loss se)");
        }
        return Loss.SQUARED_ERROR;
    }

    /**
     * The epoch line of a regression. With one linear output the squared-error loss is the mean
     * squared error, so the RMSE is its square root (the training one is the running mean over
     * the epoch's batches, with dropout on).
     */
    static String epochLine(EpochStats s) {
        return String.format(Locale.ROOT, "epoch %d/%d  loss %.4f  %s rmse %.4f  %.2f s  (%s loss %.4f, train rmse %.4f,"
                        + " %.0f samples/s)", s.epoch(), s.epochs(), s.trainLoss(), s.monitor(), Math.sqrt(s.testLoss()),
                s.seconds(), s.monitor(), s.testLoss(), Math.sqrt(s.trainLoss()), s.samplesPerSecond());
    }
}
