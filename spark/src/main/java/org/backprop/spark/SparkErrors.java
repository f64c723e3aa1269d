package org.backprop.spark;

import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.spark.SparkException;

/**
 * Spark's failures as one line naming the cause: Spark puts an executor's exception, stack trace
 * and all, into the message of the driver's {@code SparkException}, and a SparkSession that could not
 * start often ends with an exception that names none.
 */
final class SparkErrors {

    /** "...(executor 1): java.lang.IllegalArgumentException: row 7 has ..." in a stage failure. */
    private static final Pattern REMOTE = Pattern.compile(
            "\\): ((?:[a-zA-Z_$][\\w$]*\\.)+[A-Z][\\w$]*(?:Exception|Error))(?:: ([^\\n]*))?");

    private SparkErrors() { }

    /**
     * The failure of a job as the exception its task threw where it is at hand (local mode), else
     * as the first line of the executor's exception in the message (a cluster); bad input stays an
     * {@link IllegalArgumentException}, so the command line still says it is the user's.
     */
    static RuntimeException ofJob(SparkException e) {
        Throwable t = e;
        while (t.getCause() != null && t.getCause() != t) {
            t = t.getCause();
        }
        if (t instanceof IllegalArgumentException iae) {
            return new IllegalArgumentException(firstLine(iae.getMessage()), e);
        }
        if (t != e) {
            return new IllegalStateException("Spark job failed: " + describe(t.getClass().getName(), t.getMessage()), e);
        }
        Matcher m = REMOTE.matcher(e.getMessage() == null ? "" : e.getMessage());
        if (m.find()) {
            if (m.group(1).equals(IllegalArgumentException.class.getName()) && m.group(2) != null) {
                return new IllegalArgumentException(m.group(2), e);
            }
            return new IllegalStateException("Spark job failed on an executor: " + describe(m.group(1), m.group(2)), e);
        }
        return new IllegalStateException("Spark job failed: " + firstLine(e.getMessage()), e);
    }

    /**
     * A SparkSession on a standalone master that did not start: Spark gives up registering after a
     * minute and stops the context, and what reaches the caller is then a null pointer.
     */
    static RuntimeException ofStart(String master, RuntimeException e) {
        if (e instanceof IllegalArgumentException) {
            return e;
        }
        String why = e instanceof NullPointerException || e.getMessage() == null
                ? "no answer to the application's registration; is it a Spark Master of a compatible"
                  + " version, and can its Workers reach this machine (spark.driver.host)?"
                : firstLine(e.getMessage());
        return new IllegalStateException("Spark master " + master + ": the application did not start (" + why + ")", e);
    }

    /** Our own exceptions by their message alone; others with their class's simple name. */
    private static String describe(String className, String message) {
        String simple = className.substring(className.lastIndexOf('.') + 1);
        if (message == null || message.isBlank()) {
            return simple;
        }
        return className.startsWith("org.backprop.") ? firstLine(message) : simple + ": " + firstLine(message);
    }

    static String firstLine(String s) {
        if (s == null) {
            return null;
        }
        int nl = s.indexOf('\n');
        return (nl < 0 ? s : s.substring(0, nl)).strip();
    }
}
