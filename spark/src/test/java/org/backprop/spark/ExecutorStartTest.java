package org.backprop.spark;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.apache.logging.log4j.LogManager;
import org.junit.jupiter.api.Test;

/** The one line for an application that got no executor, and where its reason comes from. */
class ExecutorStartTest {

    @Test
    void theMastersReasonForARemovedExecutorIsTheCause() {
        try (ExecutorStart w = ExecutorStart.watch()) {
            // as Spark's standalone scheduler backend logs it, at INFO
            LogManager.getLogger(ExecutorStart.BACKEND_LOGGER).info("Executor app-20260101000000-0000/3 removed:"
                    + " java.lang.IllegalStateException: Cannot find any build directories.");
            String line = w.failure("spark://h:7077", 120, "1g", null, true).getMessage();
            assertEquals("Spark master spark://h:7077: executors could not start (the Master says:"
                    + " java.lang.IllegalStateException: Cannot find any build directories.); the executor's output"
                    + " is in the Worker's work directory, app-ID/N/stderr: check each Worker's SPARK_HOME holds"
                    + " Spark's jars of the driver's version and its Java runs Java 17", line);
        }
    }

    @Test
    void afterTheWatchOtherLinesOfTheLoggerAreNotNoted() {
        ExecutorStart w = ExecutorStart.watch();
        w.close();
        LogManager.getLogger(ExecutorStart.BACKEND_LOGGER).info("Executor app-1/0 removed: Command exited with code 1");
        assertTrue(w.failure("spark://h:7077", 5, "1g", null, true).getMessage()
                .startsWith("Spark master spark://h:7077: the application was stopped before any executor started"));
    }

    @Test
    void noWorkerWithRoomNamesTheSizeAskedForAndTheFix() {
        try (ExecutorStart w = ExecutorStart.watch()) {
            w.note("Granted executor ID app-1/0 on hostPort 127.0.0.1:1 with 1 core(s), 1024.0 MiB RAM");
            String line = w.failure("spark://h:7077", 5, "8g", "4", false).getMessage();
            assertTrue(line.startsWith("Spark master spark://h:7077: no executor started within 5 s: no Worker has"
                    + " 8g of memory and 4 cores free (Spark would wait forever: \"Initial job has not accepted any"
                    + " resources\"); ask for less (-Dspark.executor.memory=SIZE"), line);
            assertTrue(line.endsWith("(-Dspark.backprop.executorStartTimeout=SECONDSs)"), line);
        }
    }
}
