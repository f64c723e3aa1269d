package org.backprop.nn;

import java.util.List;

/**
 * Every epoch of a {@link Trainer#fit} run. With early stopping, {@code bestEpoch} is the epoch
 * whose parameters the model holds at the end and {@code stoppedEarly} says the patience ran out;
 * without it, {@code bestEpoch} is the last epoch. {@code interrupted} is where a
 * {@link StopRequest} stopped the run, null when it ran to its end.
 */
public record TrainResult(List<EpochStats> epochs, int bestEpoch, boolean stoppedEarly, Interruption interrupted) {

    /**
     * Where a run stopped on request: after {@code completedEpochs} whole epochs and
     * {@code batchesDone} batches of the next (0: at the epoch boundary).
     */
    public record Interruption(int completedEpochs, int batchesDone, int batchesPerEpoch) { }

    public TrainResult(List<EpochStats> epochs, int bestEpoch, boolean stoppedEarly) {
        this(epochs, bestEpoch, stoppedEarly, null);
    }

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
