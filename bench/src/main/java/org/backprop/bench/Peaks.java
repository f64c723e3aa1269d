package org.backprop.bench;

import java.util.Locale;

/**
 * The peak rates the floors are computed from, with how each was obtained, so a reader can judge
 * the "% of peak" columns. A peak given on the command line wins over the estimate.
 */
public record Peaks(double gflops, String gflopsHow) {

    /**
     * CPU: measured with {@link org.backprop.cpu.probe.CpuPeak} where the Vector API is loaded; otherwise
     * threads × clock × FLOP per cycle, the clock from /proc/cpuinfo and the FLOP per cycle
     * from the widest FMA the flags advertise (2 FMA pipes × lanes × 2). Turbo and narrower FMA
     * datapaths (Zen 4 runs AVX-512 at 256 bits) make this an estimate, never a measurement.
     */
    public static Peaks cpu(int threads, Double givenGflops) {
        if (givenGflops != null) {
            return new Peaks(givenGflops, String.format(Locale.ROOT, "%.0f GFLOP/s, given with --peak-gflops", givenGflops));
        }
        java.util.OptionalDouble measured = measuredCpu(threads);
        if (measured.isPresent() && measured.getAsDouble() > 0) {
            double g = measured.getAsDouble();
            int lanes = org.backprop.cpu.probe.CpuPeak.lanes();
            return new Peaks(g, String.format(Locale.ROOT,
                    "%.0f GFLOP/s fp32, measured: %d concurrent dependent-free FMA loops (%d-float vectors), "
                            + "i.e. %.2f GHz held × 2 FMA ports × %d lanes × 2 per thread; override with --peak-gflops",
                    g, threads, lanes, g / threads / (4.0 * lanes), lanes));
        }
        double ghz;
        try {
            ghz = Double.parseDouble(Environment.cpuField("cpu MHz")) / 1000;
        } catch (NumberFormatException e) {
            return new Peaks(Double.NaN, "unknown (no clock in /proc/cpuinfo; give --peak-gflops)");
        }
        String simd = Environment.simd();
        int flopsPerCycle = switch (simd) {
            case "avx512f" -> 64;
            case "avx2+fma" -> 32;
            case "neon" -> 16;
            default -> 8;
        };
        double peak = threads * ghz * flopsPerCycle;
        return new Peaks(peak, String.format(Locale.ROOT,
                "%.0f GFLOP/s fp32, estimated: %d threads × %.2f GHz × %d FLOP/cycle (%s: 2 FMA pipes × %d lanes × 2), "
                        + "from /proc/cpuinfo (boost clocks can beat it); override with --peak-gflops",
                peak, threads, ghz, flopsPerCycle, simd, flopsPerCycle / 4));
    }

    private static final java.util.Map<Integer, java.util.OptionalDouble> MEASURED = new java.util.HashMap<>();

    /** Once per thread count and run: about a second of FMA loops. */
    static synchronized java.util.OptionalDouble measuredCpu(int threads) {
        return MEASURED.computeIfAbsent(threads, t -> org.backprop.cpu.probe.CpuPeak.measureGflops(t, 300));
    }

    /** A device family's fp32 rate (no tensor cores) on its vendor datasheet. */
    private record Datasheet(String name, double tflops) { }

    /** By name, the first that the device's name contains (so L40 before L4, A100 before A10). */
    private static final java.util.List<Datasheet> DATASHEETS = java.util.List.of(
            new Datasheet("H100", 51.2),   // PCIe; SXM and HBM3 parts are matched first
            new Datasheet("A100", 19.5),
            new Datasheet("L40", 90.5),
            new Datasheet("L4", 30.3),
            new Datasheet("A10", 31.2),
            new Datasheet("V100", 15.7),
            new Datasheet("T4", 8.1));

    /** GPU: the vendor's dense fp32 (non-tensor-core) peak for the named part, or the given value. */
    public static Peaks gpu(String deviceName, Double givenGflops) {
        if (givenGflops != null) {
            return new Peaks(givenGflops, String.format(Locale.ROOT, "%.0f GFLOP/s, given with --gpu-peak-gflops", givenGflops));
        }
        String n = deviceName == null ? "" : deviceName.toUpperCase(Locale.ROOT);
        double tflops = Double.NaN;
        if (n.contains("H200") || (n.contains("H100") && (n.contains("SXM") || n.contains("HBM3")))) {
            tflops = 66.9;
        } else {
            for (Datasheet d : DATASHEETS) {
                if (n.contains(d.name())) {
                    tflops = d.tflops();
                    break;
                }
            }
        }
        if (Double.isNaN(tflops)) {
            return new Peaks(Double.NaN, deviceName == null ? "unknown: no device (give --gpu-peak-gflops)"
                    : "unknown for '" + deviceName + "' (give --gpu-peak-gflops)");
        }
        return new Peaks(tflops * 1000, String.format(Locale.ROOT,
                "%.1f TFLOP/s fp32 (no tensor cores), the vendor's datasheet figure for %s; override with --gpu-peak-gflops",
                tflops, deviceName));
    }
}
