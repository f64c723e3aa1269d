package org.backprop.dist;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** A fresh JVM as the launcher or spark-submit starts one: output and exit code, with a time limit. */
final class ChildJvm {

    record Run(int exit, String out) { }

    private ChildJvm() { }

    /**
     * The java command with the test JVM's {@code --add-*} options and those of the JVM options
     * Spark needs (the spark module's {@code spark-java-options}), then {@code args}.
     */
    static List<String> command(List<String> args) {
        List<String> cmd = new ArrayList<>();
        cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        List<String> spark = sparkJavaOptions();
        for (String a : ManagementFactory.getRuntimeMXBean().getInputArguments()) {
            if (a.startsWith("--add-") || spark.contains(a)) {
                cmd.add(a);
            }
        }
        cmd.addAll(args);
        return cmd;
    }

    private static List<String> sparkJavaOptions() {
        try (var in = ChildJvm.class.getClassLoader().getResourceAsStream("org/backprop/spark/spark-java-options")) {
            return in == null ? List.of() : List.of(new String(in.readAllBytes(), StandardCharsets.UTF_8).trim().split("\\s+"));
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    /** Runs {@code cmd} with Spark on loopback; a run past three minutes fails, naming {@code what}. */
    static Run run(List<String> cmd, String what) throws IOException, InterruptedException {
        ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true);
        pb.environment().put("SPARK_LOCAL_IP", "127.0.0.1");
        Process p = pb.start();
        p.getOutputStream().close();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!p.waitFor(3, TimeUnit.MINUTES)) {
            p.destroyForcibly();
            throw new AssertionError(what + " did not finish:\n" + out);
        }
        return new Run(p.exitValue(), out);
    }
}
