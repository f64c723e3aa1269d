package org.backprop.data;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.backprop.io.Checkpoint;
import org.backprop.io.Npz;

/**
 * Reads one file in a child JVM with a small heap, so that a reader which would exhaust memory
 * does so cheaply and without disturbing the test JVM. The child prints one line: "ok ...",
 * "refused: MESSAGE" for our own exception, or "crash: CLASS: MESSAGE" for anything else.
 */
public final class SmallHeap {

    private SmallHeap() { }

    /** The child's one line of output. */
    public static String read(String kind, Path file, String heap) throws IOException, InterruptedException {
        List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Xmx" + heap, "-cp", System.getProperty("java.class.path"), SmallHeap.class.getName(), kind, file.toString()));
        Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
        byte[] out = p.getInputStream().readAllBytes();
        if (!p.waitFor(120, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            throw new AssertionError("child reading " + file + " did not finish");
        }
        return new String(out, StandardCharsets.UTF_8).strip();
    }

    public static void main(String[] args) {
        Path file = Path.of(args[1]);
        try {
            String what = switch (args[0]) {
                case "idx" -> "ok " + IdxReader.read(file).dims().length + " dimensions";
                case "npz" -> "ok " + Npz.load(file).layers().size() + " layers";
                case "checkpoint" -> "ok " + Checkpoint.load(file).layers().size() + " layers";
                case "csv" -> "ok " + CsvReader.read(file).size() + " rows";
                default -> throw new IllegalArgumentException(args[0]);
            };
            System.out.println(what);
        } catch (DataException e) {
            System.out.println("refused: " + e.getMessage());
        } catch (Throwable t) {
            System.out.println("crash: " + t.getClass().getName() + ": " + t.getMessage());
        }
    }
}
