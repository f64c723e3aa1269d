package org.backprop.onnx;

import com.google.protobuf.CodedOutputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.backprop.data.TargetScaling;
import org.backprop.io.AtomicFile;
import org.backprop.io.CheckpointException;
import org.backprop.io.LayerState;
import org.backprop.io.ModelState;

/**
 * A trained model as an ONNX file (opset 13) that ONNX Runtime, PyTorch's importers and other
 * tools run as it is: the input scaling the model was trained behind, then per layer a
 * {@code Gemm} (our weights are (inputs, outputs), Gemm's B without transposing) and its
 * activation ({@code Relu}, {@code Sigmoid}, {@code Tanh}, {@code Softmax}); input {@code input}
 * of shape (batch, features) with a symbolic batch dimension, output {@code probabilities}
 * (or {@code output} for an identity output layer). A regression trained on standardised targets
 * ({@link TargetScaling} in the metadata) ends in a {@code Mul} by their std and an {@code Add} of
 * their mean, so the runtime's output is in the targets' own units. The file is protobuf: the few
 * messages ONNX needs are written by field number (onnx.proto), which spares a code generator and
 * its binaries.
 */
public final class OnnxExport {

    /** The operator set the nodes are written against: Softmax over the last axis from 13 on. */
    public static final int OPSET = 13;
    /** IR version 7 is the one of opset 13 (ONNX 1.8). */
    static final int IR_VERSION = 7;
    public static final String INPUT = "input";
    /** What the output of a regression trained on standardised targets goes through, said in the metadata. */
    public static final String OUTPUT_UNSCALING = "output * target.std + target.mean";

    private static final int FLOAT = 1;   // TensorProto.DataType.FLOAT

    private OnnxExport() { }

    /** What the raw input goes through before the first layer, as the model was trained. */
    public record InputScaling(float divisor, float[] mean, float[] std) {

        /** Features given as the model saw them. */
        public static InputScaling none() {
            return new InputScaling(1, null, null);
        }

        /** MNIST: raw pixels 0..255 divided by 255, as the IDX reader does. */
        public static InputScaling pixels() {
            return new InputScaling(255f, null, null);
        }

        /** (x - mean) / std per feature, the saved standardisation of a CSV model. */
        public static InputScaling standardize(float[] mean, float[] std) {
            if (mean == null || std == null || mean.length != std.length) {
                throw new IllegalArgumentException("standardisation needs a mean and a std per feature");
            }
            return new InputScaling(1, mean.clone(), std.clone());
        }

        public String describe() {
            return mean != null ? "(x - input.mean) / input.std" : divisor != 1 ? "x / " + (int) divisor : "none";
        }
    }

    /** Writes {@code state} as an ONNX model, atomically. */
    public static void save(Path file, ModelState state, InputScaling scaling) {
        byte[] model = encode(state, scaling);
        try {
            AtomicFile.write(file, out -> out.write(model));
        } catch (IOException e) {
            throw new CheckpointException(file + ": cannot save .onnx: " + e.getMessage(), e);
        }
    }

    /** The ModelProto bytes. */
    public static byte[] encode(ModelState state, InputScaling scaling) {
        List<LayerState> layers = state.layers();
        int features = layers.get(0).inputs();
        if (scaling.mean() != null && scaling.mean().length != features) {
            throw new IllegalArgumentException("the standardisation has " + scaling.mean().length
                    + " features, the model takes " + features);
        }
        Graph g = new Graph();
        String x = INPUT;
        if (scaling.mean() != null) {
            g.initializer("input.mean", scaling.mean(), features);
            g.initializer("input.std", scaling.std(), features);
            g.node("Sub", "centre", List.of(x, "input.mean"), "input.centred");
            g.node("Div", "scale", List.of("input.centred", "input.std"), "input.scaled");
            x = "input.scaled";
        } else if (scaling.divisor() != 1) {
            g.initializer("input.divisor", new float[] {scaling.divisor()}, 1);
            g.node("Div", "scale", List.of(x, "input.divisor"), "input.scaled");
            x = "input.scaled";
        }
        String last = layers.get(layers.size() - 1).activation().toLowerCase(Locale.ROOT);
        String outputName = last.equals("identity") ? "output" : "probabilities";
        TargetScaling targets = TargetScaling.from(state.metadata());
        if (targets != null && !last.equals("identity")) {
            throw new IllegalArgumentException("the model has a target scaling (" + TargetScaling.MEAN_KEY
                    + ") but a " + last + " output: only a regression's linear output is standardised");
        }
        // the layers end in standardised units when the targets were: unscaled after the last layer
        String layersOut = targets != null ? "output.standardised" : outputName;
        for (int i = 0; i < layers.size(); i++) {
            LayerState l = layers.get(i);
            String w = "layer" + i + ".weight";
            String b = "layer" + i + ".bias";
            g.initializer(w, l.weights(), l.inputs(), l.outputs());
            g.initializer(b, l.bias(), l.outputs());
            boolean isLast = i == layers.size() - 1;
            String act = l.activation().toLowerCase(Locale.ROOT);
            String op = switch (act) {
                case "relu" -> "Relu";
                case "sigmoid" -> "Sigmoid";
                case "tanh" -> "Tanh";
                case "softmax" -> "Softmax";
                case "identity" -> null;
                default -> throw new IllegalArgumentException("layer " + i + ": activation '" + l.activation()
                        + "' has no ONNX operator here (relu, sigmoid, tanh, softmax or identity)");
            };
            String z = op == null && isLast ? layersOut : "layer" + i + ".z";
            g.node("Gemm", "layer" + i, List.of(x, w, b), z);
            x = z;
            if (op != null) {
                String a = isLast ? layersOut : "layer" + i + ".a";
                g.node(op, "layer" + i + "." + act, List.of(x), a);
                x = a;
            }
        }
        if (targets != null) {
            g.initializer("target.std", new float[] {(float) targets.std()}, 1);
            g.initializer("target.mean", new float[] {(float) targets.mean()}, 1);
            g.node("Mul", "unscale", List.of(layersOut, "target.std"), "output.scaled");
            g.node("Add", "uncentre", List.of("output.scaled", "target.mean"), outputName);
        }
        Message graph = new Message();
        for (byte[] n : g.nodes) {
            graph.message(1, n);
        }
        graph.string(2, "backprop");
        for (byte[] t : g.initializers) {
            graph.message(5, t);
        }
        graph.message(11, valueInfo(INPUT, features));
        graph.message(12, valueInfo(outputName, layers.get(layers.size() - 1).outputs()));

        Message model = new Message();
        model.int64(1, IR_VERSION);
        model.string(2, "backprop");
        String version = OnnxExport.class.getPackage().getImplementationVersion();
        model.string(3, version == null ? "development" : version);
        model.message(7, graph.bytes());
        model.message(8, new Message().int64(2, OPSET).bytes());   // domain "" is ONNX's own
        for (Map.Entry<String, String> e : state.metadata().entrySet()) {
            model.message(14, new Message().string(1, e.getKey()).string(2, e.getValue()).bytes());
        }
        model.message(14, new Message().string(1, "input.scaling").string(2, scaling.describe()).bytes());
        if (targets != null) {
            model.message(14, new Message().string(1, "output.scaling").string(2, OUTPUT_UNSCALING).bytes());
        }
        return model.bytes();
    }

    /** A float tensor (batch, width) with the batch dimension symbolic. */
    private static byte[] valueInfo(String name, int width) {
        byte[] batch = new Message().string(2, "batch").bytes();           // Dimension.dim_param
        byte[] cols = new Message().int64(1, width).bytes();               // Dimension.dim_value
        byte[] shape = new Message().message(1, batch).message(1, cols).bytes();
        byte[] tensor = new Message().int64(1, FLOAT).message(2, shape).bytes();   // TypeProto.Tensor
        byte[] type = new Message().message(1, tensor).bytes();             // TypeProto.tensor_type
        return new Message().string(1, name).message(2, type).bytes();
    }

    /** The graph's nodes and initializers, in order. */
    private static final class Graph {
        final List<byte[]> nodes = new ArrayList<>();
        final List<byte[]> initializers = new ArrayList<>();

        void node(String op, String name, List<String> inputs, String output) {
            Message n = new Message();
            for (String in : inputs) {
                n.string(1, in);
            }
            n.string(2, output).string(3, name).string(4, op);
            nodes.add(n.bytes());
        }

        void initializer(String name, float[] values, int... dims) {
            Message t = new Message();
            for (int d : dims) {
                t.int64(1, d);
            }
            t.int64(2, FLOAT).string(8, name);
            ByteBuffer raw = ByteBuffer.allocate(4 * values.length).order(ByteOrder.LITTLE_ENDIAN);
            raw.asFloatBuffer().put(values);
            t.bytesField(9, raw.array());   // raw_data: little-endian IEEE 754, as the spec requires
            initializers.add(t.bytes());
        }
    }

    /** One protobuf message being written; nested messages are written first and added as bytes. */
    private static final class Message {
        private final ByteArrayOutputStream buf = new ByteArrayOutputStream();
        private final CodedOutputStream out = CodedOutputStream.newInstance(buf);

        Message int64(int field, long v) {
            return write(() -> out.writeInt64(field, v));
        }

        Message string(int field, String s) {
            return write(() -> out.writeString(field, s));
        }

        Message bytesField(int field, byte[] b) {
            return write(() -> out.writeByteArray(field, b));
        }

        /** An embedded message has the same wire form as a bytes field: its length, then its bytes. */
        Message message(int field, byte[] m) {
            return bytesField(field, m);
        }

        byte[] bytes() {
            write(out::flush);
            return buf.toByteArray();
        }

        /** One write to the stream; an I/O error (none is expected in memory) escapes unchecked. */
        private Message write(Write w) {
            try {
                w.run();
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
            return this;
        }

        private interface Write {
            void run() throws IOException;
        }
    }
}
