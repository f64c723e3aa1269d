package org.backprop.core.reference;

/**
 * One result of running an {@link OpCase} on a backend: its values (exact doubles from the
 * reference, float32 values widened from any other backend) and the bound it is held to.
 */
public record Output(String name, double[] values, Tolerance tolerance) {
}
