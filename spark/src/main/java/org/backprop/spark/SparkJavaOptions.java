package org.backprop.spark;

/**
 * Prints the JVM options a Backprop driver and its executors need (the Vector API and the
 * {@code java.base} packages Spark reflects into on Java 17), as one line for
 * {@code spark.driver.extraJavaOptions} and {@code spark.executor.extraJavaOptions}:
 *
 * <pre>{@code
 * opts="$(java -cp backprop-spark-VERSION-submit.jar org.backprop.spark.SparkJavaOptions)"
 * spark-submit --deploy-mode cluster --conf "spark.driver.extraJavaOptions=$opts" ...
 * }</pre>
 *
 * <p>spark-submit opens the packages for a driver it starts itself (client mode), but a driver that
 * a standalone Worker starts (cluster mode) gets only {@code spark.driver.extraJavaOptions}, and
 * without the openings Spark fails there with an {@code IllegalAccessError}.
 */
public final class SparkJavaOptions {

    private SparkJavaOptions() { }

    /** The options, separated by single spaces. */
    public static String line() {
        return String.join(" ", ClusterLaunch.JVM_OPTIONS);
    }

    public static void main(String[] args) {
        System.out.println(line());
    }
}
