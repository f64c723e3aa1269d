package org.backprop.cli;

import java.nio.file.Path;
import org.backprop.charts.WeightTiles;

/** {@code --weights-png} of train and inspect: the option's checks, then {@link WeightTiles} draws. */
final class WeightsPicture {

    private WeightsPicture() { }

    /** The side of a square image of {@code inputs} pixels, or −1: only those are drawn. */
    static int side(int inputs) {
        return WeightTiles.side(inputs);
    }

    /** {@code weights} is inputs×units, row-major, as {@code Model.weights(0)} gives it. */
    static void draw(float[] weights, int inputs, int units, String title, Path png) {
        if (side(inputs) < 0) {
            throw new IllegalArgumentException("--weights-png draws the first layer of an image model (a square number"
                    + " of inputs, 784 for MNIST); this model takes " + inputs);
        }
        WeightTiles.draw(weights, inputs, units, title, png);
    }
}
