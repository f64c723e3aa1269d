package org.backprop.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * After {@code package}: cli/target/backprop.jar and the {@code backprop} launcher, run the way a
 * user runs them, in a fresh JVM from another working directory.
 */
class RunnableJarIT {

    @TempDir Path dir;

    private record Result(int exit, String out, String err) { }

    private Result run(List<String> command) throws IOException, InterruptedException {
        File out = dir.resolve("out.txt").toFile();
        File err = dir.resolve("err.txt").toFile();
        Process p = new ProcessBuilder(command).directory(dir.toFile())
                .redirectOutput(out).redirectError(err).redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")))
                .start();
        assertTrue(p.waitFor(120, TimeUnit.SECONDS), "timed out: " + command);
        return new Result(p.exitValue(), Files.readString(out.toPath(), StandardCharsets.UTF_8),
                Files.readString(err.toPath(), StandardCharsets.UTF_8));
    }

    private static String java() {
        return Path.of(System.getProperty("java.home"), "bin", "java").toString();
    }

    private static String jar() {
        String jar = System.getProperty("backprop.jar");
        assertTrue(jar != null && Files.isRegularFile(Path.of(jar)), "no jar at " + jar);
        return jar;
    }

    @Test
    void javaDashJarPrintsTheVersion() throws Exception {
        Result r = run(List.of(java(), "-jar", jar(), "--version"));
        assertEquals(0, r.exit(), r.err());
        assertTrue(r.out().startsWith("backprop " + System.getProperty("backprop.version") + "\n"), r.out());
    }

    @Test
    void javaDashJarTrains() throws Exception {
        Result r = run(List.of(java(), "--add-modules", "jdk.incubator.vector", "-jar", jar(), "train",
                "--data", "xor:64", "--layers", "3", "--activation", "tanh", "--output", "sigmoid", "--epochs", "2",
                "--batch", "16"));
        assertEquals(0, r.exit(), r.out() + r.err());
        assertTrue(r.out().contains("epoch 2/2"), r.out());
        assertTrue(!r.err().contains("without the Vector API"), r.err());
    }

    @Test
    void javaDashJarWithoutTheVectorModuleWarnsOnceAndTrains() throws Exception {
        Result r = run(List.of(java(), "-jar", jar(), "train", "--data", "xor:64", "--layers", "3",
                "--output", "sigmoid", "--epochs", "1", "--batch", "16"));
        assertEquals(0, r.exit(), r.out() + r.err());
        long warnings = r.err().lines().filter(l -> l.contains("without the Vector API")).count();
        assertEquals(1, warnings, r.err());
        assertTrue(r.err().contains("--add-modules jdk.incubator.vector"), r.err());
    }

    private static Path launcher() {
        Path l = Path.of(System.getProperty("backprop.launcher", "")).toAbsolutePath().normalize();
        assertTrue(Files.isExecutable(l), "no launcher at " + l);
        return l;
    }

    private static boolean hasBash() {
        for (String d : System.getenv().getOrDefault("PATH", "").split(File.pathSeparator)) {
            if (Files.isExecutable(Path.of(d, "bash"))) {
                return true;
            }
        }
        return false;
    }

    @Test
    void theLauncherWorksThroughASymlinkOnPath() throws Exception {
        assumeTrue(hasBash(), "bash is not installed");
        // two hops, the first one relative, as `ln -s ../checkout/backprop ~/bin/backprop` makes
        Path bin = Files.createDirectories(dir.resolve("bin"));
        Path other = Files.createDirectories(dir.resolve("other"));
        Files.createSymbolicLink(other.resolve("backprop-link"), launcher());
        Files.createSymbolicLink(bin.resolve("backprop"), Path.of("..", "other", "backprop-link"));
        List<String> cmd = new ArrayList<>(List.of("bash", "-c", "PATH=\"$0:$PATH\" backprop --version", bin.toString()));
        Result r = run(cmd);
        assertEquals(0, r.exit(), r.out() + r.err());
        assertTrue(r.out().startsWith("backprop " + System.getProperty("backprop.version") + "\n"), r.out() + r.err());
        assertTrue(!r.err().contains("not built yet"), r.err());
    }

    @Test
    void theLauncherWithNoArgumentsPrintsHelpAndExits2() throws Exception {
        assumeTrue(hasBash(), "bash is not installed");
        Result r = run(List.of("bash", launcher().toString()));
        assertEquals(2, r.exit(), r.out() + r.err());
        assertTrue(r.err().contains("Usage: backprop"), r.err());
    }
}
