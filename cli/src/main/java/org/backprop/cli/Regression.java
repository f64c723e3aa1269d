package org.backprop.cli;

import org.backprop.nn.Activation;
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
}
