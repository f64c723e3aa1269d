package org.backprop.cli;

import java.io.PrintWriter;
import java.util.logging.ConsoleHandler;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.logging.Logger;
import java.util.logging.SimpleFormatter;
import org.backprop.data.Memory;
import org.backprop.data.Text;
import org.backprop.nn.TrainingMemory;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** The {@code backprop} command. Bad input is one line on stderr and exit code 2. */
@Command(name = "backprop", mixinStandardHelpOptions = true, versionProvider = Main.Version.class,
        description = "Trains dense neural networks on an NVIDIA GPU or a multithreaded CPU.",
        subcommands = {TrainCommand.class, EvalCommand.class, PredictCommand.class, InspectCommand.class, DevicesCommand.class,
                DataCommand.class, BenchCommand.class, ParityCommand.class, CommandLine.HelpCommand.class})
public final class Main implements java.util.concurrent.Callable<Integer> {

    /** Exit code for bad arguments and bad input. */
    public static final int USAGE = 2;
    /** Exit code for a run that failed for another reason (a diverged run, a device fault). */
    public static final int FAILED = 1;

    static boolean verbose;

    @Option(names = "--verbose", scope = CommandLine.ScopeType.INHERIT,
            description = "Show stack traces and debug detail.")
    void setVerbose(boolean v) {
        verbose = v;
    }

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    /** {@code backprop} alone: the help, on stderr since no command ran, and the usage exit code. */
    @Override
    public Integer call() {
        spec.commandLine().usage(System.err);
        System.err.flush();
        return USAGE;
    }

    public static void main(String[] args) {
        System.exit(run(args));
    }

    /** Runs the command line and returns the exit code (tests call this). */
    public static int run(String... args) {
        configureLogging();
        CommandLine cl = new CommandLine(new Main());
        cl.setExecutionExceptionHandler(Main::handle);
        cl.setParameterExceptionHandler((e, a) -> {
            PrintWriter err = e.getCommandLine().getErr();
            err.println("backprop: " + e.getMessage());
            if (!CommandLine.UnmatchedArgumentException.printSuggestions(e, err)) {
                err.println("see: " + e.getCommandLine().getCommandSpec().qualifiedName() + " --help");
            }
            return USAGE;
        });
        try {
            return cl.execute(args);
        } catch (OutOfMemoryError e) {
            // what the estimates before allocating did not foresee: still one line, with the numbers
            TrainingMemory.Estimate last = TrainingMemory.last();
            System.err.println("backprop: out of memory: the Java heap (maximum " + Memory.mib(Memory.max())
                    + ") is full" + (last == null ? "" : "; " + last.describe()) + "; " + Memory.HOW_TO_RAISE
                    + ", or use a smaller --batch or model");
            System.err.flush();
            return USAGE;
        }
    }

    private static int handle(Exception e, CommandLine cl, CommandLine.ParseResult parsed) {
        PrintWriter err = cl.getErr();
        if (verbose) {
            e.printStackTrace(err);
        }
        String msg = e.getMessage() == null ? e.getClass().getSimpleName() : Flags.message(e);
        err.println("backprop: " + Text.printable(Errors.firstLine(msg, verbose)));
        err.flush();
        return Errors.isBadInput(e) ? USAGE : FAILED;
    }

    /** One line per log record: "backprop: message". */
    private static void configureLogging() {
        Logger root = Logger.getLogger("");
        for (Handler h : root.getHandlers()) {
            root.removeHandler(h);
        }
        ConsoleHandler h = new ConsoleHandler();
        h.setFormatter(new SimpleFormatter() {
            @Override
            public synchronized String format(LogRecord r) {
                return Terminal.wrap("backprop: " + Text.printable(formatMessage(r)), Terminal.PLAIN) + System.lineSeparator();
            }
        });
        root.addHandler(h);
        root.setLevel(Level.INFO);
    }

    static final class Version implements CommandLine.IVersionProvider {
        @Override
        public String[] getVersion() {
            return new String[] {"backprop " + version(),
                    "Java " + Runtime.version() + " (" + System.getProperty("java.vendor") + ")"};
        }
    }

    /** The Maven project version, written into version.properties when the module is built. */
    static String version() {
        try (var in = Main.class.getResourceAsStream("version.properties")) {
            if (in != null) {
                java.util.Properties p = new java.util.Properties();
                p.load(in);
                String v = p.getProperty("version", "");
                if (!v.isBlank() && !v.startsWith("${")) {
                    return v;
                }
            }
        } catch (java.io.IOException e) {
            // fall through: a build without the resource still runs
        }
        return "(unknown version: built without Maven)";
    }
}
