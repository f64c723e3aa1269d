package org.backprop.core;

/**
 * How a backend module makes itself known: registered under
 * {@code META-INF/services/org.backprop.core.BackendProvider} and found with ServiceLoader, so
 * that core never imports a backend.
 */
public interface BackendProvider {

    /** The name users pass to {@code --backend}: {@code cpu}, {@code cuda}. */
    String name();

    /** Higher wins in {@link Backends#best()}; the CPU is the floor. */
    int priority();

    /**
     * Whether this backend can run here, and if not, exactly why. Must not throw and must be
     * cheap enough to call at start-up; may initialise and cache what {@link #create} needs.
     */
    Availability availability();

    /**
     * What {@code backprop devices} prints: for a GPU, the device, its memory, driver version and
     * GEMM path; by default the availability detail.
     */
    default String report() {
        Availability a = availability();
        return (a.usable() ? "usable: " : "unusable: ") + a.detail();
    }

    /** Opens the backend; throws {@link BackendUnavailableException} with the reason if it cannot. */
    Backend create(BackendOptions options);
}
