package org.backprop.core;

/** Whether a backend can run on this machine; {@code detail} says what it found or why not. */
public record Availability(boolean usable, String detail) {

    public static Availability usable(String detail) {
        return new Availability(true, detail);
    }

    public static Availability unusable(String reason) {
        return new Availability(false, reason);
    }
}
