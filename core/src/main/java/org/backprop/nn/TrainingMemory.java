package org.backprop.nn;

import java.util.Locale;
import org.backprop.data.Memory;

/**
 * What training a dense network will hold in memory, estimated from its shape before anything
 * is allocated: parameters and their gradients, optimiser state, the activation buffers of one
 * batch, and the datasets as the backend keeps them. A model that cannot fit is refused with
 * this estimate rather than failing halfway through its allocation.
 */
public final class TrainingMemory {

    /** The last estimate made in this JVM, for an out-of-memory message that happens anyway. */
    private static volatile Estimate last;

    private TrainingMemory() { }

    /** Bytes by kind; {@code initBytes} is the largest host array initialisation builds at once. */
    public record Estimate(String model, long parameters, long parameterBytes, long optimizerBytes,
                           long activationBytes, long dataBytes, long initBytes) {
        /** Everything the backend holds while training. */
        public long deviceBytes() {
            return Memory.plus(Memory.plus(parameterBytes, optimizerBytes), Memory.plus(activationBytes, dataBytes));
        }

        public String describe() {
            return String.format(Locale.ROOT, "%s needs about %s to train (%,d parameters: %s for weights and gradients,"
                            + " %s optimiser state, %s activations, %s data)", model, Memory.mib(deviceBytes()), parameters,
                    Memory.mib(parameterBytes), Memory.mib(optimizerBytes), Memory.mib(activationBytes), Memory.mib(dataBytes));
        }
    }

    /**
     * @param units          every layer's width, the output layer last
     * @param optimizerSlots state tensors per parameter (0 SGD, 1 momentum, 2 Adam)
     * @param batch          the training batch; evaluation uses max(batch, min(test rows, 1024)) rows
     */
    public static Estimate of(String model, int inputs, int[] units, int optimizerSlots, int batch, long trainRows,
                              long testRows) {
        long parameters = 0;
        long widest = 0;
        long activationWidth = 0;
        long fanIn = inputs;
        for (int u : units) {
            long weights = Memory.times(fanIn, u);
            parameters = Memory.plus(parameters, Memory.plus(weights, u));
            widest = Math.max(widest, weights);
            activationWidth = Memory.plus(activationWidth, 2L * u);
            fanIn = u;
        }
        long outputs = units[units.length - 1];
        long rows = Math.max(Math.min(batch, trainRows), Math.min(testRows, 1024));
        long activations = Memory.times(Memory.times(4, rows), Memory.plus(Memory.plus(inputs, 2 * outputs), activationWidth));
        long data = Memory.times(Memory.times(4, Memory.plus(trainRows, testRows)), Memory.plus(Memory.plus(inputs, outputs), 1));
        Estimate e = new Estimate(model, parameters, Memory.times(8, parameters), Memory.times(Memory.times(4, parameters),
                optimizerSlots), activations, data, Memory.times(4, widest));
        last = e;
        return e;
    }

    /**
     * Refuses an estimate that does not fit the Java heap: all of it when the backend keeps its
     * tensors on the heap (the CPU), else the host arrays initialisation needs.
     */
    public static void require(Estimate e, boolean tensorsOnHeap) {
        long heap = tensorsOnHeap ? Memory.plus(e.deviceBytes(), e.initBytes()) : e.initBytes();
        if (!Memory.fits(heap)) {
            throw new IllegalArgumentException(e.describe() + ", more than the "
                    + Memory.mib(Math.max(0, Memory.available() - Memory.max() / 10)) + " this JVM can still allocate (heap"
                    + " maximum " + Memory.mib(Memory.max()) + "); use smaller layers or batch, or "
                    + Memory.HOW_TO_RAISE);
        }
    }

    /** The last estimate made in this JVM, or null. */
    public static Estimate last() {
        return last;
    }
}
