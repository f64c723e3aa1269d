package org.backprop.bench;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.backprop.charts.Charts;

/** gemm.png of a {@link GemmBench} run, drawn from its results as saved, so that it can be drawn again. */
final class GemmChart {

    private GemmChart() { }

    /**
     * gemm.png from the {@code devices} of results.json, so that a run's chart can be drawn again
     * from its saved results ({@link #replot}). Training GEMMs: per batch size, the FLOPs of the
     * step's products over the sum of their median times, ours and the peer's.
     */
    static void draw(List<Object> devices, String machine, Path png) {
        List<Charts.Series> squares = new ArrayList<>();
        List<Charts.Series> training = new ArrayList<>();
        List<Charts.Line> peakLines = new ArrayList<>();
        for (Object d : devices) {
            Map<String, Object> dj = Json.object(d);
            String name = String.valueOf(dj.get("backend"));
            boolean gpu = Devices.isGpu(name);
            String peerLabel = dj.get("peer") + (gpu ? " (cuda)" : "");
            Charts.Series sqOurs = new Charts.Series(name + " (ours)");
            Charts.Series sqPeer = new Charts.Series(peerLabel);
            Map<Integer, double[]> perBatch = new java.util.TreeMap<>();
            boolean anyTrained = false;
            for (Object r : Json.array(dj.get("shapes"))) {
                Map<String, Object> row = Json.object(r);
                double flops = ((Number) row.get("flops")).doubleValue();
                double ours = medianSeconds(row.get("ours"));
                double peer = medianSeconds(row.get("peer"));
                if ("square".equals(row.get("kind"))) {
                    int n = ((Number) row.get("m")).intValue();
                    sqOurs.add(n, flops / ours / 1e9);
                    sqPeer.add(n, flops / peer / 1e9);
                } else {
                    double[] acc = perBatch.computeIfAbsent(((Number) row.get("batch")).intValue(), b -> new double[4]);
                    acc[0] += flops;
                    acc[1] += ours;
                    acc[2] += peer;
                    // as trained where measured; the 10-wide products are the same call either way
                    boolean trained = row.get("ours_as_trained") != null;
                    anyTrained |= trained;
                    acc[3] += trained ? medianSeconds(row.get("ours_as_trained")) : ours;
                }
            }
            Charts.Series trOurs = new Charts.Series(name + " (ours)");
            Charts.Series trPeer = new Charts.Series(peerLabel);
            Charts.Series trTrained = new Charts.Series(name + " (ours, weights as training holds them)");
            for (Map.Entry<Integer, double[]> e : perBatch.entrySet()) {
                trOurs.add(e.getKey(), e.getValue()[0] / e.getValue()[1] / 1e9);
                trPeer.add(e.getKey(), e.getValue()[0] / e.getValue()[2] / 1e9);
                trTrained.add(e.getKey(), e.getValue()[0] / e.getValue()[3] / 1e9);
            }
            squares.add(sqOurs);
            squares.add(sqPeer);
            training.add(trOurs);
            training.add(trPeer);   // second in both panels, so the peer keeps one line style
            if (anyTrained) {
                training.add(trTrained);
            }
            Map<String, Object> peak = Json.object(dj.get("peak"));
            if (peak.get("gflops") instanceof Number g && Double.isFinite(g.doubleValue())) {
                String how = String.valueOf(peak.get("how"));
                peakLines.add(new Charts.Line(name + " peak " + Markdown.num(g.doubleValue()) + " GFLOP/s ("
                        + peakSource(how, gpu) + ")", g.doubleValue()));
            }
        }
        Charts.xyPanels(List.of(
                new Charts.XYPanel("Training GEMMs of 784-1024-1024-10 (" + machine + ")",
                        "batch size (rows of X)", "GFLOP/s over the step's products", training, peakLines),
                new Charts.XYPanel("Square GEMM n×n·n×n, fp32", "n", "GFLOP/s", squares, peakLines)), png);
    }

    /** The word the legend gives a peak: how {@link Peaks} obtained it. */
    static String peakSource(String how, boolean gpu) {
        return how.contains("given") ? "given" : how.contains("measured") ? "measured" : gpu ? "datasheet" : "estimated";
    }

    private static double medianSeconds(Object samples) {
        return samples == null ? Double.NaN : ((Number) Json.object(samples).get("median_s")).doubleValue();
    }

    /** Draws DIR/gemm.png again from DIR/results.json, measuring nothing. */
    public static Path replot(Path dir) {
        Path file = dir.resolve("results.json");
        Map<String, Object> json;
        try {
            json = Json.object(Json.parse(java.nio.file.Files.readString(file)));
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException("cannot read " + file + ": " + e.getMessage(), e);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(file + ": " + e.getMessage(), e);
        }
        Map<String, Object> results = Json.object(json.get("results"));
        if (!results.containsKey("gemm")) {
            throw new IllegalArgumentException(file + " has no GEMM results to draw");
        }
        Map<String, Object> cpu = Json.object(Json.object(json.get("environment")).get("cpu"));
        Path png = dir.resolve("gemm.png");
        draw(Json.array(Json.object(results.get("gemm")).get("devices")),
                cpu.get("model") + ", " + cpu.get("available_processors") + " cores", png);
        return png;
    }
}
