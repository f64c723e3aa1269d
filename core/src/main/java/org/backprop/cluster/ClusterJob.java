package org.backprop.cluster;

import org.backprop.data.Dataset;
import org.backprop.nn.FitOptions;
import org.backprop.nn.Loss;
import org.backprop.nn.Model;
import org.backprop.nn.Optimizer;
import org.backprop.nn.OptimizerSpec;

/**
 * A training run to spread over a cluster. {@code model} and {@code optimizer} are the driver's:
 * they hold the parameters and optimiser state between steps and at the end, so checkpoints and
 * evaluation work on them as in single-process training. {@code spec} is how workers rebuild the
 * optimiser. {@code master} is a cluster URL ({@code local[2]}, {@code spark://host:7077},
 * {@code yarn}) or empty for the one the launcher (spark-submit) configured. {@code syncEvery} is
 * 1 for synchronous data-parallel SGD, K &gt; 1 for K local steps between parameter averages.
 */
public record ClusterJob(String master, int syncEvery, Model model, Loss loss, Optimizer optimizer,
                         OptimizerSpec spec, Dataset train, Dataset test, FitOptions options) {

    public ClusterJob {
        if (syncEvery < 1) {
            throw new org.backprop.nn.InvalidSetting("steps per sync", "must be at least 1, got " + syncEvery);
        }
        if (!spec.name().equals(optimizer.name())) {
            throw new IllegalArgumentException("optimizer spec " + spec.name() + " does not describe the "
                    + optimizer.name() + " optimiser");
        }
    }
}
