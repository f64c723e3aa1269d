package org.backprop.bench;

import org.backprop.core.Availability;
import org.backprop.core.Backend;
import org.backprop.core.BackendOptions;
import org.backprop.core.BackendProvider;
import org.backprop.core.Backends;

/** Opens a backend for measuring, or says why it cannot run here, without throwing. */
final class Devices {

    /** Either a backend or the reason there is none. */
    record Opened(String name, Backend backend, String unavailable) implements AutoCloseable {
        boolean ok() {
            return backend != null;
        }

        @Override
        public void close() {
            if (backend != null) {
                backend.close();
            }
        }
    }

    private Devices() { }

    static Opened open(String name, int threads) {
        BackendProvider p;
        try {
            p = Backends.provider(name);
        } catch (RuntimeException e) {
            return new Opened(name, null, e.getMessage());
        }
        try {
            Availability a = p.availability();
            if (!a.usable()) {
                return new Opened(name, null, a.detail());
            }
            return new Opened(name, p.create(new BackendOptions(threads)), null);
        } catch (RuntimeException | LinkageError e) {
            return new Opened(name, null, e.getClass().getSimpleName() + ": " + e.getMessage());
        }
    }

    static boolean isGpu(String name) {
        return !name.equals("cpu");
    }
}
