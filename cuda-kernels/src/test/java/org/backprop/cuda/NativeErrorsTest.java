package org.backprop.cuda;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import jcuda.CudaException;

import org.junit.jupiter.api.Test;

/** The one-line reasons distilled from what JCuda throws (messages as JCuda 12.6 writes them). */
class NativeErrorsTest {

    private static UnsatisfiedLinkError jcudaLoadFailure(String lib, String missing) {
        return new UnsatisfiedLinkError("Error while loading native library \"" + lib + "\"\n"
                + "Operating system name: Linux\n---(start of nested stack traces)---\n"
                + "java.lang.UnsatisfiedLinkError: no " + lib + " in java.library.path: /usr/lib\n"
                + "java.lang.UnsatisfiedLinkError: /tmp/lib" + lib + ".so: " + missing
                + ": cannot open shared object file: No such file or directory\n");
    }

    @Test
    void aMissingLibcudaMeansNoDriver() {
        assertEquals("no NVIDIA driver: libcuda.so.1 not found (JCuda's driver binding links it)",
                NativeErrors.describe(jcudaLoadFailure("JCudaDriver-12.6.0-linux-x86_64", "libcuda.so.1")));
    }

    @Test
    void aMissingCublasIsNamedWithItsSoname() {
        assertEquals("libcublas.so.12 not found",
                NativeErrors.describe(jcudaLoadFailure("JCublas2-12.6.0-linux-x86_64", "libcublas.so.12")));
    }

    @Test
    void theSecondAttemptWrapsTheFirstFailureAndStillNamesTheLibrary() {
        // after a failed static initialiser the JVM throws NoClassDefFoundError with the original as cause
        NoClassDefFoundError second = new NoClassDefFoundError("Could not initialize class jcuda.driver.JCudaDriver");
        second.initCause(new ExceptionInInitializerError("Exception " + jcudaLoadFailure(
                "JCudaDriver-12.6.0-linux-x86_64", "libcuda.so.1").getMessage()));
        assertEquals("no NVIDIA driver: libcuda.so.1 not found (JCuda's driver binding links it)",
                NativeErrors.describe(second));
    }

    @Test
    void aCudaErrorIsReportedByItsCode() {
        assertEquals("CUDA_ERROR_NO_DEVICE", NativeErrors.describe(new CudaException("CUDA_ERROR_NO_DEVICE")));
    }

    @Test
    void anUnknownFailureKeepsOnlyItsFirstLine() {
        assertEquals("IllegalStateException: boom", NativeErrors.describe(new IllegalStateException("boom\nat x.y")));
    }

    @Test
    void aCublas13LinkedAsSoname12IsNamedAsTheWrongRelease() {
        // what the dynamic linker says when libcublas.so.12 is a symbolic link to cuBLAS 13
        UnsatisfiedLinkError e = new UnsatisfiedLinkError("/tmp/libJCublas2-12.6.0-linux-x86_64.so: "
                + "/usr/local/cuda/lib64/libcublas.so.12: version `libcublas.so.12' not found "
                + "(required by /tmp/libJCublas2-12.6.0-linux-x86_64.so)");
        String why = NativeErrors.describe(e);
        assertTrue(why.startsWith("libcublas.so.12 lacks symbol version libcublas.so.12: it is another release"), why);
        assertTrue(why.contains("cuBLAS 13"), why);
        assertFalse(why.contains("/tmp/"), why);
    }
}
