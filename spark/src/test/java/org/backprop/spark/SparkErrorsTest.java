package org.backprop.spark;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;

import org.apache.spark.SparkException;
import org.junit.jupiter.api.Test;

/** Spark's failures as one line; the messages are in the form Spark 3.5 gives a driver on a cluster. */
class SparkErrorsTest {

    private static final String ABORTED = "Job aborted due to stage failure: Task 1 in stage 4.0 failed 4 times,"
            + " most recent failure: Lost task 1.3 in stage 4.0 (TID 17) (127.0.0.1 executor 1): ";

    @Test
    void anExecutorsBadInputStaysBadInputInOneLine() {
        SparkException e = new SparkException(ABORTED + "java.lang.IllegalArgumentException: row 7 has 3 features"
                + " but the model takes 4\n\tat org.backprop.spark.RowBlocks.check(RowBlocks.java:80)\n\tat x.y(Z.java:1)"
                + "\n\nDriver stacktrace:");
        RuntimeException r = SparkErrors.ofJob(e);
        assertInstanceOf(IllegalArgumentException.class, r);
        assertEquals("row 7 has 3 features but the model takes 4", r.getMessage());
    }

    @Test
    void ourOwnFailureOnAnExecutorIsItsMessage() {
        SparkException e = new SparkException(ABORTED + "org.backprop.core.BackendUnavailableException: CUDA:"
                + " no device\n\tat org.backprop.cuda.CudaBackend.open(CudaBackend.java:10)");
        assertEquals("Spark job failed on an executor: CUDA: no device", SparkErrors.ofJob(e).getMessage());
    }

    @Test
    void aMissingClassIsNamedWithItsKind() {
        SparkException e = new SparkException(ABORTED + "java.lang.ClassNotFoundException: org.backprop.spark.Block"
                + "\n\tat java.base/java.net.URLClassLoader.findClass(URLClassLoader.java:445)");
        assertEquals("Spark job failed on an executor: ClassNotFoundException: org.backprop.spark.Block",
                SparkErrors.ofJob(e).getMessage());
    }

    @Test
    void aLocalCauseIsUsedDirectly() {
        SparkException e = new SparkException("Job aborted\n\tat a.b(C.java:1)", new IllegalStateException("boom\nmore"));
        assertEquals("Spark job failed: IllegalStateException: boom", SparkErrors.ofJob(e).getMessage());
    }

    @Test
    void aSessionThatNeverRegisteredSaysSo() {
        RuntimeException r = SparkErrors.ofStart("spark://h:7077", new NullPointerException());
        assertEquals("Spark master spark://h:7077: the application did not start (no answer to the application's"
                + " registration; is it a Spark Master of a compatible version, and can its Workers reach this"
                + " machine (spark.driver.host)?)", r.getMessage());
    }

    @Test
    void aMasterUrlWithNothingListeningIsUnreachable() throws Exception {
        int port;
        try (var s = new java.net.ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            port = s.getLocalPort();
        }
        String url = "spark://127.0.0.1:" + port;
        IllegalStateException e = org.junit.jupiter.api.Assertions.assertThrows(IllegalStateException.class,
                () -> ClusterLaunch.checkReachable(url));
        assertEquals("Spark master " + url + ": unreachable (127.0.0.1:" + port + ": Connection refused);"
                + " start the Master there or correct --master", e.getMessage());
    }

    @Test
    void jarNamesLoseTheirVersions() {
        assertEquals("backprop-core", ClusterLaunch.artifact("backprop-core-0.1.0-SNAPSHOT.jar"));
        assertEquals("jcuda-natives", ClusterLaunch.artifact("jcuda-natives-12.6.0-linux-x86_64.jar"));
        assertEquals("scala-library", ClusterLaunch.artifact("scala-library-2.13.8.jar"));
    }
}
