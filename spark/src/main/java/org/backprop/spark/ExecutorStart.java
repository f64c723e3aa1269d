package org.backprop.spark;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.apache.logging.log4j.Level;
import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.core.Appender;
import org.apache.logging.log4j.core.LogEvent;
import org.apache.logging.log4j.core.LoggerContext;
import org.apache.logging.log4j.core.appender.AbstractAppender;
import org.apache.logging.log4j.core.config.Configuration;
import org.apache.logging.log4j.core.config.LoggerConfig;
import org.apache.logging.log4j.core.config.Property;
import org.apache.spark.SparkContext;

/**
 * Waits, for a bounded time, until a cluster has given the application an executor. Spark itself
 * waits forever when no Worker offers the executor's memory and cores ("Initial job has not
 * accepted any resources"); and when Workers cannot launch executors the Master gives up after ten
 * failures and the driver ends with an error that names none of them. This notes why the Master
 * said each executor ended (Spark logs it at INFO, below the quiet level) and turns either case
 * into one line naming the cause and the fix.
 */
final class ExecutorStart implements AutoCloseable {

    /** How long to wait for the first executor, in Spark's time syntax (default 120 s). */
    static final String TIMEOUT = "spark.backprop.executorStartTimeout";
    /** Logs "Executor app-.../0 removed: REASON" for each executor the Master reports ended. */
    static final String BACKEND_LOGGER = "org.apache.spark.scheduler.cluster.StandaloneSchedulerBackend";
    private static final String REMOVED = " removed: ";

    private final List<String> reasons = new ArrayList<>();
    private Runnable detach = () -> { };

    private ExecutorStart() { }

    /** Starts noting why executors ended; call before the SparkSession starts, close after {@link #await}. */
    static ExecutorStart watch() {
        ExecutorStart w = new ExecutorStart();
        try {
            w.attach((LoggerContext) LogManager.getContext(false));
        } catch (ClassCastException | LinkageError e) {
            // logging is not log4j2's core: the wait is still bounded, only without the Master's reasons
        }
        return w;
    }

    private void attach(LoggerContext ctx) {
        Configuration config = ctx.getConfiguration();
        Appender appender = new AbstractAppender("backprop-executor-start", null, null, true, Property.EMPTY_ARRAY) {
            @Override
            public void append(LogEvent event) {
                note(event.getMessage().getFormattedMessage());
            }
        };
        appender.start();
        LoggerConfig existing = config.getLoggerConfig(BACKEND_LOGGER);
        if (existing.getName().equals(BACKEND_LOGGER)) {
            // the user configured this logger: add to it, change nothing else
            existing.addAppender(appender, Level.INFO, null);
            detach = () -> existing.removeAppender(appender.getName());
        } else {
            // INFO to this appender only; what the parent would show goes to the parent's appenders as before
            LoggerConfig lc = new LoggerConfig(BACKEND_LOGGER, Level.INFO, false);
            lc.addAppender(appender, Level.INFO, null);
            for (Appender a : existing.getAppenders().values()) {
                lc.addAppender(a, existing.getLevel(), null);
            }
            config.addLogger(BACKEND_LOGGER, lc);
            detach = () -> config.removeLogger(BACKEND_LOGGER);
        }
        ctx.updateLoggers();
        Runnable remove = detach;
        detach = () -> {
            remove.run();
            ctx.updateLoggers();
            appender.stop();
        };
    }

    /** Keeps the reason of a line saying an executor was removed. */
    void note(String message) {
        int at = message == null ? -1 : message.indexOf(REMOVED);
        if (at >= 0) {
            synchronized (reasons) {
                reasons.add(SparkErrors.firstLine(message.substring(at + REMOVED.length())));
            }
        }
    }

    /**
     * Returns once the application has an executor; throws one line when the Master removed the
     * application or none started within {@link #TIMEOUT}.
     */
    void await(SparkContext sc, String master) throws InterruptedException {
        long seconds = sc.getConf().getTimeAsSeconds(TIMEOUT, "120s");
        long end = System.nanoTime() + seconds * 1_000_000_000L;
        while (!sc.isStopped() && sc.statusTracker().getExecutorInfos().length < 2) { // the driver is one
            if (System.nanoTime() > end) {
                throw failure(master, seconds, sc.getConf().get("spark.executor.memory", "1g"),
                        sc.getConf().get("spark.executor.cores", null), false);
            }
            Thread.sleep(100);
        }
        if (sc.isStopped()) {
            throw failure(master, seconds, null, null, true);
        }
    }

    /** The one line for an application that got no executor. */
    RuntimeException failure(String master, long seconds, String memory, String cores, boolean removed) {
        String last;
        synchronized (reasons) {
            last = reasons.isEmpty() ? null : reasons.get(reasons.size() - 1);
        }
        String head = "Spark master " + master + ": ";
        if (last != null) {
            return new IllegalStateException(head + "executors could not start (the Master says: " + last
                    + "); the executor's output is in the Worker's work directory, app-ID/N/stderr: check each"
                    + " Worker's SPARK_HOME holds Spark's jars of the driver's version and its Java runs Java 17");
        }
        if (removed) {
            return new IllegalStateException(head + "the application was stopped before any executor started"
                    + " (the Master removed it; its log says why)");
        }
        return new IllegalStateException(String.format(Locale.ROOT, "%sno executor started within %d s: no Worker"
                + " has %s of memory and %s free (Spark would wait forever: \"Initial job has not accepted any"
                + " resources\"); ask for less (-Dspark.executor.memory=SIZE in BACKPROP_JAVA_OPTS, --executor-memory"
                + " under spark-submit), give the Workers more --memory or --cores, or wait longer (-D%s=SECONDSs)",
                head, seconds, memory, cores == null ? "a core" : cores + " cores", TIMEOUT));
    }

    @Override
    public void close() {
        detach.run();
    }
}
