package org.backprop.cli;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import org.backprop.core.Backend;
import org.backprop.core.BackendOptions;
import org.backprop.core.BackendProvider;
import org.backprop.core.Backends;
import org.backprop.core.reference.OpCase;
import org.backprop.core.reference.OpCatalogue;
import org.backprop.core.reference.Output;
import org.backprop.core.reference.ReferenceBackend;
import org.backprop.core.reference.Tolerance;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code backprop parity}: every case of the op catalogue on every usable backend, against the
 * double-precision reference, on this machine; with two or more backends, each pair against each
 * other too. The bounds are the catalogue's, the same the contract and parity tests apply.
 * Exits 1 when an output exceeds its bound.
 */
@Command(name = "parity", mixinStandardHelpOptions = true,
        description = {"Run every op of the catalogue on every usable backend against the double-precision reference,"
                + " and print per op the largest |x - ref| and how much of its float32 bound that is.",
                "Each output of each shape is held to its own bound (stated in the catalogue: GEMM's grows with the"
                        + " reduction length); 'of bound' is the worst ratio over all shapes, 100%% = at the bound.",
                "With two backends, 'a-b' compares them with each other, allowing the sum of their two bounds."})
final class ParityCommand implements Callable<Integer> {

    @Option(names = "--seed", defaultValue = "" + OpCatalogue.DEFAULT_SEED,
            description = "Seed for the random inputs (default: ${DEFAULT-VALUE}).")
    long seed;

    @Option(names = "--large", description = "Also try a 2048x2048x2048 GEMM and a 4096x1024 matrix.")
    boolean large;

    @Option(names = "--reduced", description = "Only the small shapes (1-wide, odd, prime; at most a few hundred elements).")
    boolean reduced;

    /** Worst error and worst ratio to the bound, per column (one per backend, then one per pair). */
    private static final class Worst {
        final double[] error;
        final double[] ratio;

        Worst(int columns) {
            error = new double[columns];
            ratio = new double[columns];
        }

        void add(int column, Tolerance.Verdict v) {
            error[column] = Math.max(error[column], v.maxAbsError());
            ratio[column] = Math.max(ratio[column], v.ratio());
        }
    }

    @Override
    public Integer call() {
        if (large && reduced) {
            throw new IllegalArgumentException("--large and --reduced cannot be combined");
        }
        List<Backend> backends = new ArrayList<>();
        try (ReferenceBackend ref = new ReferenceBackend()) {
            for (BackendProvider p : Backends.providers()) {
                if (p.availability().usable()) {
                    backends.add(p.create(BackendOptions.defaults()));
                } else {
                    System.out.println(p.name() + ": skipped, " + p.availability().detail());
                }
            }
            List<String> columns = new ArrayList<>();
            backends.forEach(b -> columns.add(b.name()));
            for (int i = 0; i < backends.size(); i++) {
                for (int j = i + 1; j < backends.size(); j++) {
                    columns.add(backends.get(i).name() + "-" + backends.get(j).name());
                }
            }
            OpCatalogue.Shapes shapes = reduced ? OpCatalogue.Shapes.REDUCED : OpCatalogue.Shapes.STANDARD;
            if (large) {
                shapes = shapes.plus(List.of(new int[] {4096, 1024}), List.of(new int[] {2048, 2048, 2048}));
            }
            List<OpCase> cases = OpCatalogue.cases(shapes, seed);
            Map<String, Worst> worst = new LinkedHashMap<>();
            boolean ok = true;
            for (OpCase c : cases) {
                List<Output> expected = c.expected(ref);
                List<List<Output>> got = new ArrayList<>();
                for (Backend b : backends) {
                    got.add(c.run(b));
                }
                Worst w = worst.computeIfAbsent(c.name(), k -> new Worst(columns.size()));
                for (int o = 0; o < expected.size(); o++) {
                    Output e = expected.get(o);
                    int column = 0;
                    for (int i = 0; i < backends.size(); i++, column++) {
                        ok &= record(w, column, c, e, columns.get(column), e.tolerance().check(e.values(), got.get(i).get(o).values()));
                    }
                    for (int i = 0; i < backends.size(); i++) {
                        for (int j = i + 1; j < backends.size(); j++, column++) {
                            ok &= record(w, column, c, e, columns.get(column), e.tolerance().checkPair(e.values(),
                                    got.get(i).get(o).values(), got.get(j).get(o).values()));
                        }
                    }
                }
            }
            StringBuilder head = new StringBuilder(String.format(Locale.ROOT, "%-44s", "op"));
            columns.forEach(name -> head.append(String.format(Locale.ROOT, "%21s", name + " max err, of bound")));
            System.out.println(head);
            for (Map.Entry<String, Worst> e : worst.entrySet()) {
                StringBuilder row = new StringBuilder(String.format(Locale.ROOT, "%-44s", e.getKey()));
                Worst w = e.getValue();
                for (int i = 0; i < columns.size(); i++) {
                    row.append(String.format(Locale.ROOT, "%14.2e %6s", w.error[i], percent(w.ratio[i])));
                }
                System.out.println(row);
            }
            System.out.printf(Locale.ROOT, "%d cases (%s shapes, seed %d)%n", cases.size(), shapes.name(), seed);
            System.out.println(ok ? "parity: every op within its bound" : "parity: FAILED, an op exceeded its bound");
            return ok ? 0 : Main.FAILED;
        } finally {
            backends.forEach(Backend::close);
        }
    }

    private static boolean record(Worst w, int column, OpCase c, Output e, String who, Tolerance.Verdict v) {
        w.add(column, v);
        if (!v.passed()) {
            System.out.printf(Locale.ROOT, "%s on %s, shape %s, output %s: %s, %s of its bound (%s)%n",
                    c.name(), who, Arrays.toString(c.shape()), e.name(), v.detail(), percent(v.ratio()), e.tolerance().why());
        }
        return v.passed();
    }

    private static String percent(double ratio) {
        return Double.isFinite(ratio) ? String.format(Locale.ROOT, "%.0f%%", 100 * ratio) : "inf";
    }
}
