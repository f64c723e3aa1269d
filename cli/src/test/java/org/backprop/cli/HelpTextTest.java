package org.backprop.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

/**
 * Every command's {@code --help} renders cleanly. Picocli formats descriptions with String.format, so a bare
 * '%' makes it print "[picocli WARN] Could not format ..." to the stderr it captured when its class loaded;
 * the help therefore runs in a child JVM, where that stream is the child's own stderr.
 */
class HelpTextTest {

    /** The command paths of the whole tree, "train", "data fetch", ..., the root as an empty path. */
    static List<List<String>> commandPaths() {
        List<List<String>> paths = new ArrayList<>();
        collect(new CommandLine(new Main()), new ArrayList<>(), paths);
        return paths;
    }

    private static void collect(CommandLine cl, List<String> path, List<List<String>> into) {
        into.add(List.copyOf(path));
        for (var e : cl.getSubcommands().entrySet()) {
            if (e.getValue().getCommandSpec().name().equals(e.getKey())) { // aliases would repeat a command
                path.add(e.getKey());
                collect(e.getValue(), path, into);
                path.remove(path.size() - 1);
            }
        }
    }

    /** Child JVM: prints every command's help, one after another, as {@code backprop PATH --help} would. */
    public static final class EveryHelp {
        public static void main(String[] args) {
            for (List<String> p : commandPaths()) {
                List<String> a = new ArrayList<>(p);
                a.add("--help");
                int exit = Main.run(a.toArray(String[]::new));
                System.out.println("exit " + exit + " for: " + String.join(" ", a));
            }
            System.out.flush();
        }
    }

    @Test
    void everyCommandsHelpPrintsWithoutPicocliWarnings() throws Exception {
        List<String> command = List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "--add-modules", "jdk.incubator.vector", "-cp", System.getProperty("java.class.path"),
                EveryHelp.class.getName());
        Process p = new ProcessBuilder(command).redirectError(ProcessBuilder.Redirect.PIPE).start();
        byte[] outBytes = p.getInputStream().readAllBytes();
        byte[] errBytes = p.getErrorStream().readAllBytes();
        assertTrue(p.waitFor(300, TimeUnit.SECONDS), "child did not finish");
        String out = new String(outBytes, StandardCharsets.UTF_8);
        String err = new String(errBytes, StandardCharsets.UTF_8);
        assertEquals(0, p.exitValue(), err);

        String warnings = (out + "\n" + err).lines().filter(l -> l.contains("picocli WARN")).distinct()
                .collect(Collectors.joining("\n"));
        assertEquals("", warnings, "help text that picocli could not format (escape '%' as '%%')");

        List<List<String>> paths = commandPaths();
        assertTrue(paths.contains(List.of("train")) && paths.contains(List.of("data", "fetch")), paths.toString());
        for (List<String> path : paths) {
            String name = String.join(" ", path);
            assertTrue(out.contains("exit 0 for: " + (name.isEmpty() ? "" : name + " ") + "--help"), name + ":\n" + out);
            assertTrue(out.contains("Usage: backprop" + (name.isEmpty() ? " " : " " + name + " ")), name + ":\n" + out);
        }
    }
}
