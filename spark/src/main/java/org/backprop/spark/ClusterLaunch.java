package org.backprop.spark;

import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.apache.spark.sql.SparkSession;

/**
 * What a SparkSession started by {@code backprop train --master URL} outside spark-submit needs on a
 * cluster: the jars executors load our classes from ({@code spark.jars}), the JVM options our
 * engine needs on the executors and the driver, and a master that answers before Spark's own
 * minute of registration retries.
 */
final class ClusterLaunch {

    /** What executors need of ours and of our dependencies, as jar file name prefixes. */
    private static final List<String> EXECUTOR_JARS = List.of("backprop-core-", "backprop-cpu-fallback-",
            "backprop-cuda-kernels-", "backprop-spark-", "commons-compress-", "commons-csv-", "jcuda-", "jcublas-");
    /** Classes whose jars executors need, whatever their jars are named (e.g. one shaded jar). */
    private static final List<String> EXECUTOR_CLASSES = List.of("org.backprop.spark.Block",
            "org.backprop.nn.Model", "org.backprop.cpu.CpuBackendProvider", "org.backprop.cuda.CudaBackendProvider");
    /** Where the build writes the JVM options Spark needs (the parent POM's spark.java.args). */
    static final String OPTIONS_RESOURCE = "org/backprop/spark/spark-java-options";
    /** The Vector API for the CPU GEMM, and what Spark needs on Java 17+ (opened modules, Netty). */
    static final List<String> JVM_OPTIONS = jvmOptions();
    /** How long the master's port is given to accept a connection before the run gives up. */
    private static final int CONNECT_MILLIS = 5_000;
    private static final Pattern HOST_PORT = Pattern.compile("(\\[[^\\]]+\\]|[^:,]+):(\\d+)");

    private ClusterLaunch() { }

    /** True when spark-submit started this JVM: it has set the master, the jars and the options. */
    static boolean underSparkSubmit() {
        return System.getProperty("spark.submit.deployMode") != null;
    }

    /**
     * Refuses the masters this path cannot start, checks a standalone master answers, and sets the
     * jars and JVM options; values the user set (as {@code -Dspark.*}) are kept, ours appended.
     */
    static void configure(SparkSession.Builder builder, String master) {
        String m = master.toLowerCase(Locale.ROOT);
        if (m.startsWith("yarn") || m.startsWith("k8s://") || m.startsWith("mesos://")) {
            String kind = m.startsWith("yarn") ? "YARN" : m.startsWith("k8s") ? "Kubernetes" : "Mesos";
            throw new IllegalArgumentException("--master " + master + ": " + kind + " runs through spark-submit:"
                    + " spark-submit --master " + master + " dist/target/backprop-spark-VERSION-submit.jar train --spark"
                    + " --data ... (docs/spark.md)");
        }
        if (m.startsWith("spark://")) {
            checkReachable(master);
        }
        List<String> jars = executorJars();
        if (!jars.isEmpty()) {
            builder.config("spark.jars", join(System.getProperty("spark.jars"), String.join(",", jars), ","));
        }
        String ours = String.join(" ", JVM_OPTIONS);
        for (String key : List.of("spark.executor.extraJavaOptions", "spark.driver.extraJavaOptions")) {
            builder.config(key, join(System.getProperty(key), ours, " "));
        }
    }

    private static List<String> jvmOptions() {
        List<String> o = new ArrayList<>(List.of("--add-modules=jdk.incubator.vector"));
        o.addAll(sparkJavaOptions());
        return List.copyOf(o);
    }

    /** The options of {@link #OPTIONS_RESOURCE}, one per whitespace-separated word. */
    static List<String> sparkJavaOptions() {
        try (InputStream in = ClusterLaunch.class.getClassLoader().getResourceAsStream(OPTIONS_RESOURCE)) {
            if (in == null) {
                throw new IllegalStateException(OPTIONS_RESOURCE + " is missing from the class path;"
                        + " rebuild the spark module (mvn package)");
            }
            String text = new String(in.readAllBytes(), StandardCharsets.UTF_8).trim();
            return text.isEmpty() ? List.of() : List.of(text.split("\\s+"));
        } catch (IOException e) {
            throw new UncheckedIOException(OPTIONS_RESOURCE + ": " + e.getMessage(), e);
        }
    }

    private static String join(String theirs, String ours, String sep) {
        return theirs == null || theirs.isBlank() ? ours : theirs + sep + ours;
    }

    /**
     * Connects to each {@code host:port} of a standalone master URL; when none accepts, fails at
     * once rather than after Spark's three 20-second registration attempts.
     */
    static void checkReachable(String master) {
        Matcher hp = HOST_PORT.matcher(master.substring("spark://".length()));
        String last = null;
        while (hp.find()) {
            String host = hp.group(1).replace("[", "").replace("]", "");
            int port = Integer.parseInt(hp.group(2));
            try (Socket s = new Socket()) {
                s.connect(new InetSocketAddress(host, port), CONNECT_MILLIS);
                return;
            } catch (IOException e) {
                last = host + ":" + port + ": " + (e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage());
            }
        }
        if (last == null) {
            throw new IllegalArgumentException("--master " + master + ": not a standalone master URL;"
                    + " give spark://HOST:PORT (the Master's port, 7077 by default)");
        }
        throw new IllegalStateException("Spark master " + master + ": unreachable (" + last
                + "); start the Master there or correct --master");
    }

    /**
     * The jars of the class path that executors need and a Spark installation lacks: ours and our
     * own dependencies, without anything found beside Spark's own jars (Spark, Scala, Jackson...).
     */
    static List<String> executorJars() {
        Path sparkJar = codeSource(SparkSession.class);
        Set<String> sparkHas = new HashSet<>();
        if (sparkJar != null && sparkJar.getParent() != null) {
            try (Stream<Path> s = Files.list(sparkJar.getParent())) {
                s.forEach(p -> sparkHas.add(artifact(p.getFileName().toString())));
            } catch (IOException e) {
                // without the listing, the prefixes alone decide
            }
        }
        Set<Path> found = new LinkedHashSet<>();
        for (String c : EXECUTOR_CLASSES) {
            try {
                Path p = codeSource(Class.forName(c, false, ClusterLaunch.class.getClassLoader()));
                if (p != null) {
                    found.add(p);
                }
            } catch (ClassNotFoundException | LinkageError e) {
                // a module left out of this build (the CUDA backend): executors go without it too
            }
        }
        for (String entry : System.getProperty("java.class.path", "").split(File.pathSeparator)) {
            String name = Path.of(entry).getFileName() == null ? "" : Path.of(entry).getFileName().toString();
            if (EXECUTOR_JARS.stream().anyMatch(name::startsWith)) {
                found.add(Path.of(entry).toAbsolutePath().normalize());
            }
        }
        List<String> out = new ArrayList<>();
        for (Path p : found) {
            String name = p.getFileName().toString();
            if (Files.isRegularFile(p) && name.endsWith(".jar") && !sparkHas.contains(artifact(name))
                    && !p.getParent().equals(sparkJar == null ? null : sparkJar.getParent())) {
                out.add(p.toUri().toString());
            }
        }
        return out;
    }

    /** A jar's artifact name: its file name without the version and what follows. */
    static String artifact(String fileName) {
        Matcher v = Pattern.compile("-\\d").matcher(fileName);
        return v.find() ? fileName.substring(0, v.start()) : fileName.replaceFirst("\\.jar$", "");
    }

    private static Path codeSource(Class<?> c) {
        try {
            var src = c.getProtectionDomain().getCodeSource();
            return src == null || src.getLocation() == null ? null
                    : Path.of(src.getLocation().toURI()).toAbsolutePath().normalize();
        } catch (URISyntaxException | SecurityException | IllegalArgumentException e) {
            return null;
        }
    }
}
