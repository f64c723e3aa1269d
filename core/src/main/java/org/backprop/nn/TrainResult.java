package org.backprop.nn;

import java.util.List;

/** Every epoch of a {@link Trainer#fit} run. */
public record TrainResult(List<EpochStats> epochs) {

    public EpochStats last() {
        return epochs.get(epochs.size() - 1);
    }

    public double totalSeconds() {
        return epochs.stream().mapToDouble(EpochStats::seconds).sum();
    }
}
