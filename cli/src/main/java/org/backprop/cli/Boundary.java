package org.backprop.cli;

import java.nio.file.Path;
import org.backprop.charts.DecisionRegions;
import org.backprop.data.Dataset;
import org.backprop.nn.Model;

/**
 * {@code train --plot-boundary}: the model's decision regions over its two inputs with the
 * points on top, drawn by {@link DecisionRegions} from the model's predictions.
 */
final class Boundary {

    private Boundary() { }

    static void draw(Model model, Dataset points, String title, Path png) {
        if (model.inputs() != 2) {
            throw new IllegalArgumentException("--plot-boundary draws models of 2 input features; this one takes "
                    + model.inputs());
        }
        DecisionRegions.draw(points.features(), points.labels(), points.classNames(), model.outputs(), model::predict,
                title, png);
    }
}
