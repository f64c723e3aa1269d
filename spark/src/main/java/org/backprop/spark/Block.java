package org.backprop.spark;

import java.io.Serializable;
import org.backprop.data.Dataset;

/**
 * One partition's share of the training set: rows {@code first .. first + rows()} of the global
 * order, features row-major and integer labels. Global row numbers are what the epoch shuffle
 * permutes, so every partition can tell which rows of a global minibatch are its own.
 */
final class Block implements Serializable {

    private static final long serialVersionUID = 1L;

    final long first;
    final float[] features;
    final int[] labels;
    final int featureCount;
    final int classes;

    Block(long first, float[] features, int[] labels, int featureCount, int classes) {
        this.first = first;
        this.features = features;
        this.labels = labels;
        this.featureCount = featureCount;
        this.classes = classes;
    }

    int rows() {
        return labels.length;
    }

    Dataset toDataset() {
        return new Dataset("partition from row " + first, features, labels, featureCount, classes);
    }

    /** Joins blocks of consecutive rows, in row order, into one. */
    static Block concat(java.util.List<Block> parts) {
        parts.sort(java.util.Comparator.comparingLong(b -> b.first));
        int rows = 0;
        for (Block b : parts) {
            rows += b.rows();
        }
        Block head = parts.get(0);
        float[] f = new float[rows * head.featureCount];
        int[] l = new int[rows];
        int at = 0;
        long expect = head.first;
        for (Block b : parts) {
            if (b.first != expect) {
                throw new IllegalStateException("partition rows are not consecutive: expected row " + expect
                        + ", got " + b.first);
            }
            System.arraycopy(b.features, 0, f, at * head.featureCount, b.features.length);
            System.arraycopy(b.labels, 0, l, at, b.rows());
            at += b.rows();
            expect += b.rows();
        }
        return new Block(head.first, f, l, head.featureCount, head.classes);
    }
}
