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
     * The java command with the test JVM's {@code --add-*} options (Spark's module openings) and
     * {@code -XX:+IgnoreUnrecognizedVMOptions}, then {@code args}.
     */
    static List<String> command(List<String> args) {
        List<String> cmd = new ArrayList<>();
        cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        for (String a : ManagementFactory.getRuntimeMXBean().getInputArguments()) {
            if (a.startsWith("--add-") || a.startsWith("-XX:+IgnoreUnrecognized")) {
                cmd.add(a);
            }
        }
        cmd.addAll(args);
        return cmd;
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
