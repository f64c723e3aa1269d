package org.backprop.nn;

import java.util.List;

/**
 * Every epoch of a {@link Trainer#fit} run. With early stopping, {@code bestEpoch} is the epoch
 * whose parameters the model holds at the end and {@code stoppedEarly} says the patience ran out;
 * without it, {@code bestEpoch} is the last epoch.
 */
public record TrainResult(List<EpochStats> epochs, int bestEpoch, boolean stoppedEarly) {

    public TrainResult(List<EpochStats> epochs) {
        this(epochs, epochs.isEmpty() ? 0 : epochs.get(epochs.size() - 1).epoch(), false);
    }

    public EpochStats last() {
        return epochs.get(epochs.size() - 1);
    }

    /** The stats of the epoch whose parameters the model ended with. */
    public EpochStats best() {
        for (EpochStats e : epochs) {
            if (e.epoch() == bestEpoch) {
                return e;
            }
        }
        return last();
    }

    public double totalSeconds() {
        return epochs.stream().mapToDouble(EpochStats::seconds).sum();
    }
}
