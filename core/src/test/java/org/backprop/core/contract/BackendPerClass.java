package org.backprop.core.contract;

import org.backprop.core.Backend;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.TestInstance;

/**
 * A test class that opens the backend under test once, before its first test, and closes it after
 * its last: the op contract and the training contract both judge a backend this way.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
public abstract class BackendPerClass {

    private Backend backend;

    /** Opens the backend under test; called once per test class and closed after it. */
    protected abstract Backend createBackend();

    public final Backend backend() {
        return backend;
    }

    @BeforeAll
    protected final void openBackend() {
        backend = createBackend();
    }

    @AfterAll
    protected final void closeBackend() {
        if (backend != null) {
            backend.close();
        }
    }
}
