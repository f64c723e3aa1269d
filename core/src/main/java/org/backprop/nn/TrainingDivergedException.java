package org.backprop.nn;

/** The loss or the parameters stopped being finite; the message says where it was seen. */
public class TrainingDivergedException extends RuntimeException {

    private final int epoch;

    public TrainingDivergedException(int epoch, String message) {
        super(message);
        this.epoch = epoch;
    }

    /** The epoch in which it happened; every epoch before it completed with finite numbers. */
    public int epoch() {
        return epoch;
    }
}
