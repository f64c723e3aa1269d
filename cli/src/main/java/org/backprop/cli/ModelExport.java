package org.backprop.cli;

import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.util.Locale;
import org.backprop.data.TargetScaling;
import org.backprop.io.Checkpoint;
import org.backprop.io.ModelState;
import org.backprop.io.Npz;
import org.backprop.onnx.OnnxExport;

/**
 * {@code --save FILE}: the file's extension picks the format. {@code .npz} exports NumPy arrays,
 * {@code .onnx} an ONNX model that takes the raw inputs and gives a regression's predictions in
 * the targets' units (the scalings the model was trained behind are part of the graph), anything
 * else is our checkpoint, the only one that resumes.
 */
final class ModelExport {

    private ModelExport() { }

    static boolean isExport(Path p) {
        String n = p.getFileName() == null ? "" : p.getFileName().toString().toLowerCase(Locale.ROOT);
        return n.endsWith(".npz") || n.endsWith(".onnx");
    }

    /**
     * Saves {@code state} (its optimiser state included only for a checkpoint) and returns what
     * the "saved:" line adds after the file name.
     */
    static String save(Path file, ModelState withOptimizer, ModelState weightsOnly, String dataSource) {
        String n = file.getFileName().toString().toLowerCase(Locale.ROOT);
        if (n.endsWith(".npz")) {
            Npz.save(file, Scaling.withTargetArrays(weightsOnly));
            return " (NumPy arrays)";
        }
        if (n.endsWith(".onnx")) {
            OnnxExport.InputScaling s = scaling(weightsOnly, dataSource);
            OnnxExport.save(file, weightsOnly, s);
            TargetScaling t = TargetScaling.from(weightsOnly.metadata());
            return " (ONNX opset " + OnnxExport.OPSET + ", input scaling " + s.describe()
                    + (t != null ? ", output in target units: " + OnnxExport.OUTPUT_UNSCALING : "") + ")";
        }
        Checkpoint.save(file, withOptimizer);
        return "";
    }

    /** The scaling between the raw data and the first layer: the saved standardisation, MNIST's /255, or none. */
    static OnnxExport.InputScaling scaling(ModelState state, String dataSource) {
        float[] mean = state.extras().get(Scaling.MEAN);
        float[] std = state.extras().get(Scaling.STD);
        if (mean != null && std != null) {
            return OnnxExport.InputScaling.standardize(mean, std);
        }
        return isPixels(dataSource) ? OnnxExport.InputScaling.pixels() : OnnxExport.InputScaling.none();
    }

    /** MNIST and MNIST-format folders: the IDX reader divides the pixel bytes by 255. */
    private static boolean isPixels(String source) {
        if (source == null) {
            return false;
        }
        String s = source.trim().toLowerCase(Locale.ROOT);
        if (s.equals("mnist") || s.equals("mnist-sample")) {
            return true;
        }
        try {
            return Files.isDirectory(Path.of(source.trim()));
        } catch (InvalidPathException e) {
            return false;
        }
    }
}
