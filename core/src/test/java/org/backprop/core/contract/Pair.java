package org.backprop.core.contract;

import org.backprop.core.Tensor;

/** The same host data on the reference and on the backend under test. */
final class Pair {
    final float[] host;
    final Tensor ref;
    final Tensor dev;
    final int rows;
    final int cols;
    private final ContractSupport contract;

    Pair(ContractSupport contract, float[] host, int rows, int cols) {
        this.contract = contract;
        this.host = host;
        this.rows = rows;
        this.cols = cols;
        this.ref = contract.track(contract.reference().upload(host, rows, cols));
        this.dev = contract.track(contract.backend().upload(host, rows, cols));
    }

    double[] expected() {
        return contract.reference().values(ref);
    }

    float[] actual() {
        return contract.backend().download(dev);
    }
}
