package org.backprop.spark;

import org.apache.spark.sql.SparkSession;
import org.backprop.cluster.ClusterJob;
import org.backprop.cluster.ClusterTraining;
import org.backprop.nn.EpochListener;
import org.backprop.nn.TrainResult;

/**
 * {@code backprop train --spark MASTER}: found by the command line through ServiceLoader, so the
 * command line never links against Spark. Starts a session on the given master (or joins the one
 * spark-submit configured), trains, and stops the session it started.
 */
public final class SparkClusterTraining implements ClusterTraining {

    /** Spark's own INFO lines drown the epoch lines; a user's log4j2 configuration still wins. */
    private static final String QUIET_LOGGING = "org/backprop/spark/log4j2-quiet.properties";

    /**
     * Spark's INFO lines drown the epoch lines: unless the user gave a log4j2 configuration, warnings
     * and errors only, also under spark-submit, where Spark has configured logging before we run.
     * Returns whether the session should also ask for {@code spark.log.level=WARN}: under
     * spark-submit, with no level given there, since SparkContext re-applies Spark's INFO profile
     * as it starts and applies that level after it.
     */
    private static boolean quietLogging() {
        if (System.getProperty("log4j2.configurationFile") != null) {
            return false;
        }
        if (!ClusterLaunch.underSparkSubmit()) {
            System.setProperty("log4j2.configurationFile", QUIET_LOGGING);
            return false;
        }
        ClassLoader cl = SparkClusterTraining.class.getClassLoader();
        if (cl.getResource("log4j2.properties") != null || cl.getResource("log4j2.xml") != null) {
            return false;
        }
        org.apache.logging.log4j.core.config.Configurator.setRootLevel(org.apache.logging.log4j.Level.WARN);
        return System.getProperty("spark.log.level") == null;
    }

    /** Waits for the first executor; a SparkSession this run started is stopped when none comes. */
    private static void awaitExecutors(ExecutorStart executors, SparkSession spark, String master, boolean joined) {
        try {
            executors.await(spark.sparkContext(), master);
        } catch (RuntimeException | InterruptedException e) {
            if (!joined) {
                spark.stop();
            }
            if (e instanceof InterruptedException) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("interrupted while waiting for Spark executors", e);
            }
            throw (RuntimeException) e;
        }
    }

    @Override
    public String name() {
        return "spark";
    }

    @Override
    public TrainResult fit(ClusterJob job, EpochListener listener) {
        if (job.master().isEmpty() && System.getProperty("spark.master") == null) {
            throw new IllegalArgumentException("--spark without a master URL needs one from spark-submit;"
                    + " outside it give one, e.g. --spark local[2] or --master spark://host:7077");
        }
        boolean askForWarnings = quietLogging();
        boolean joined = SparkSession.getActiveSession().isDefined() || SparkSession.getDefaultSession().isDefined();
        SparkSession.Builder builder = SparkSession.builder().appName("backprop train");
        if (askForWarnings) {
            builder.config("spark.log.level", "WARN");
        }
        if (!job.master().isEmpty()) {
            builder.master(job.master());
        }
        if (job.master().startsWith("local")) {
            // one process: nothing needs to listen beyond loopback, and no web UI
            builder.config("spark.driver.bindAddress", "127.0.0.1").config("spark.driver.host", "127.0.0.1")
                    .config("spark.ui.enabled", "false");
        } else if (!job.master().isEmpty() && !joined && !ClusterLaunch.underSparkSubmit()) {
            ClusterLaunch.configure(builder, job.master());
        }
        String master = job.master().isEmpty() ? System.getProperty("spark.master", "") : job.master();
        boolean local = master.startsWith("local");
        SparkSession spark;
        try (ExecutorStart executors = local ? null : ExecutorStart.watch()) {
            try {
                spark = builder.getOrCreate();
            } catch (RuntimeException e) {
                throw local ? e : SparkErrors.ofStart(master, e);
            }
            if (executors != null && !spark.sparkContext().getConf().getBoolean("spark.dynamicAllocation.enabled", false)) {
                awaitExecutors(executors, spark, master, joined);
            }
        }
        try {
            SparkTrainer trainer = new SparkTrainer(spark, job.model(), job.loss(), job.optimizer(), job.spec())
                    .withSyncEvery(job.syncEvery())
                    .withReport(System.out::println);
            TrainResult result = trainer.fit(job.train(), job.test(), job.options(), listener);
            SparkTrainer.RunStats s = trainer.lastRunStats();
            System.out.printf(java.util.Locale.ROOT, "spark: %d jobs for %d steps, executors computed on %s,"
                    + " %.1f ms per job outside compute%n", s.jobs(), s.steps(), s.executorBackends(),
                    1e3 * s.overheadPerJob());
            return result;
        } finally {
            if (!joined) {
                spark.stop();
            }
        }
    }
}
