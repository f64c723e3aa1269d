package org.backprop.cluster;

import org.backprop.nn.EpochListener;
import org.backprop.nn.TrainResult;

/**
 * A cluster engine that trains a {@link ClusterJob}, found at run time with ServiceLoader so that
 * neither core nor the command line carries the engine's dependencies (the {@code spark} module
 * provides {@code spark}).
 */
public interface ClusterTraining {

    /** The engine's name, as a front end names it: {@code spark}. */
    String name();

    /** Trains the job's epochs, calling {@code listener} after each as {@code Trainer.fit} does. */
    TrainResult fit(ClusterJob job, EpochListener listener);
}
