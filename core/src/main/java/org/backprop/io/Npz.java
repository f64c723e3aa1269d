package org.backprop.io;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Enumeration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.zip.CRC32;
import java.util.zip.ZipEntry;
import java.util.zip.ZipFile;
import java.util.zip.ZipOutputStream;
import org.backprop.data.Text;

/**
 * A model as a NumPy {@code .npz} archive (what {@code np.savez} writes: a zip of {@code .npy}
 * files, each read and written by {@link Npy}), specified in {@code docs/npz-format.md}:
 * {@code layer<i>.weight} float32 of shape (inputs, outputs), {@code layer<i>.bias} float32 of
 * shape (outputs,), optional {@code activations} (a unicode array of one name per layer; layers
 * without one load with the activation "" for unknown), optional
 * {@code metadata.keys}/{@code metadata.values} unicode arrays, and {@code extra.<name>} float32
 * vectors. Archives may hold stored or deflated entries.
 */
public final class Npz {

    private static final Pattern LAYER = Pattern.compile("layer(\\d{1,6})\\.(weight|bias)");

    private Npz() { }

    /** Writes {@code state} as an {@code .npz} archive, atomically. */
    public static void save(Path file, ModelState state) {
        try {
            AtomicFile.write(file, out -> {
                ZipOutputStream zip = new ZipOutputStream(out);
                List<LayerState> layers = state.layers();
                String[] activations = new String[layers.size()];
                for (int i = 0; i < layers.size(); i++) {
                    LayerState l = layers.get(i);
                    entry(zip, "layer" + i + ".weight", Npy.floats(l.weights(), l.inputs(), l.outputs()));
                    entry(zip, "layer" + i + ".bias", Npy.floats(l.bias(), l.outputs()));
                    activations[i] = l.activation();
                }
                entry(zip, "activations", Npy.strings(activations));
                if (!state.metadata().isEmpty()) {
                    entry(zip, "metadata.keys", Npy.strings(state.metadata().keySet().toArray(new String[0])));
                    entry(zip, "metadata.values", Npy.strings(state.metadata().values().toArray(new String[0])));
                }
                for (Map.Entry<String, float[]> e : state.extras().entrySet()) {
                    entry(zip, "extra." + e.getKey(), Npy.floats(e.getValue(), e.getValue().length));
                }
                zip.finish();
            });
        } catch (IOException e) {
            throw new CheckpointException(file + ": cannot save .npz: " + e.getMessage(), e);
        }
    }

    /** Reads an {@code .npz} archive written by {@link #save} or by NumPy. */
    public static ModelState load(Path file) {
        if (!Files.isRegularFile(file)) {
            throw new CheckpointException(file + ": .npz file not found");
        }
        Map<String, Npy.Array> arrays = new LinkedHashMap<>();
        Npy.Budget budget = Npy.Budget.ofFreeHeap();
        try (ZipFile zip = new ZipFile(file.toFile())) {
            Enumeration<? extends ZipEntry> entries = zip.entries();
            while (entries.hasMoreElements()) {
                ZipEntry entry = entries.nextElement();
                if (entry.isDirectory()) {
                    continue;
                }
                String name = entry.getName();
                if (!name.endsWith(".npy")) {
                    throw new CheckpointException(file + ": entry '" + Text.printable(name) + "' is not an .npy array");
                }
                String key = name.substring(0, name.length() - 4);
                try (InputStream in = zip.getInputStream(entry)) {
                    if (arrays.put(key, Npy.read(in, Text.printable(file + ": " + name), budget)) != null) {
                        throw new CheckpointException(file + ": entry '" + Text.printable(name) + "' appears twice");
                    }
                }
            }
        } catch (CheckpointException e) {
            throw e;
        } catch (IOException | RuntimeException e) {
            throw new CheckpointException(file + ": not a readable .npz (zip) archive: "
                    + (e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage()), e);
        }
        return assemble(arrays, file.toString());
    }

    private static ModelState assemble(Map<String, Npy.Array> arrays, String source) {
        TreeMap<Integer, Npy.Array[]> layerArrays = new TreeMap<>();
        Npy.Array activations = null;
        Npy.Array keys = null;
        Npy.Array values = null;
        Map<String, float[]> extras = new LinkedHashMap<>();
        for (Map.Entry<String, Npy.Array> e : arrays.entrySet()) {
            String name = e.getKey();
            Npy.Array a = e.getValue();
            Matcher m = LAYER.matcher(name);
            if (m.matches()) {
                Npy.Array[] pair = layerArrays.computeIfAbsent(Integer.parseInt(m.group(1)), k -> new Npy.Array[2]);
                pair[m.group(2).equals("weight") ? 0 : 1] = requireFloats(a, name, source);
            } else if (name.equals("activations")) {
                activations = requireStrings(a, name, source);
            } else if (name.equals("metadata.keys")) {
                keys = requireStrings(a, name, source);
            } else if (name.equals("metadata.values")) {
                values = requireStrings(a, name, source);
            } else if (name.startsWith("extra.") && name.length() > 6) {
                Npy.Array f = requireFloats(a, name, source);
                extras.put(name.substring(6), f.floats());
            } else {
                throw new CheckpointException(source + ": unexpected array '" + Text.printable(name) + "' (expected layer<i>.weight, "
                        + "layer<i>.bias, activations, metadata.keys, metadata.values or extra.<name>)");
            }
        }
        if (layerArrays.isEmpty()) {
            throw new CheckpointException(source + ": no layer0.weight / layer0.bias arrays");
        }
        List<LayerState> layers = new ArrayList<>();
        int expect = 0;
        for (Map.Entry<Integer, Npy.Array[]> e : layerArrays.entrySet()) {
            int i = e.getKey();
            if (i != expect) {
                throw new CheckpointException(source + ": layer" + expect + ".weight is missing (found layer" + i + ")");
            }
            expect++;
            Npy.Array w = e.getValue()[0];
            Npy.Array b = e.getValue()[1];
            if (w == null || b == null) {
                throw new CheckpointException(source + ": layer" + i + (w == null ? ".weight" : ".bias") + " is missing");
            }
            if (w.shape().length != 2) {
                throw new CheckpointException(source + ": layer" + i + ".weight has shape " + Npy.shape(w.shape())
                        + "; expected (inputs, outputs)");
            }
            if (b.shape().length != 1 || b.shape()[0] != w.shape()[1]) {
                throw new CheckpointException(source + ": layer" + i + ".bias has shape " + Npy.shape(b.shape())
                        + " but layer" + i + ".weight " + Npy.shape(w.shape()) + " needs (" + w.shape()[1] + ",)");
            }
            int inputs = (int) w.shape()[0];
            int outputs = (int) w.shape()[1];
            if (inputs < 1 || outputs < 1) {
                throw new CheckpointException(source + ": layer" + i + ".weight has empty shape " + Npy.shape(w.shape()));
            }
            if (i > 0 && inputs != layers.get(i - 1).outputs()) {
                throw new CheckpointException(source + ": layer" + i + ".weight takes " + inputs + " inputs but layer"
                        + (i - 1) + " gives " + layers.get(i - 1).outputs() + " outputs");
            }
            String activation = "";
            if (activations != null && activations.strings().length == layerArrays.size()) {
                activation = activations.strings()[i];
            }
            layers.add(new LayerState(activation, inputs, outputs, w.floats(), b.floats()));
        }
        if (activations != null && activations.strings().length != layers.size()) {
            throw new CheckpointException(source + ": activations has " + activations.strings().length
                    + " names for " + layers.size() + " layers");
        }
        Map<String, String> metadata = new LinkedHashMap<>();
        if ((keys == null) != (values == null)) {
            throw new CheckpointException(source + ": metadata.keys and metadata.values must come together");
        }
        if (keys != null) {
            if (keys.strings().length != values.strings().length) {
                throw new CheckpointException(source + ": " + keys.strings().length + " metadata keys but "
                        + values.strings().length + " values");
            }
            for (int i = 0; i < keys.strings().length; i++) {
                metadata.put(keys.strings()[i], values.strings()[i]);
            }
        }
        return new ModelState(layers, metadata, extras);
    }

    private static Npy.Array requireFloats(Npy.Array a, String name, String source) {
        if (a.floats() == null) {
            throw new CheckpointException(source + ": " + Text.printable(name) + " holds strings, expected a float array");
        }
        return a;
    }

    private static Npy.Array requireStrings(Npy.Array a, String name, String source) {
        if (a.strings() == null || a.shape().length != 1) {
            throw new CheckpointException(source + ": " + Text.printable(name) + " must be a 1-D unicode string array");
        }
        return a;
    }

    private static void entry(ZipOutputStream zip, String name, byte[] npy) throws IOException {
        // Stored, like np.savez, so the arrays can be memory-mapped by tools that like to.
        ZipEntry e = new ZipEntry(name + ".npy");
        e.setMethod(ZipEntry.STORED);
        e.setSize(npy.length);
        e.setCompressedSize(npy.length);
        CRC32 crc = new CRC32();
        crc.update(npy);
        e.setCrc(crc.getValue());
        e.setTime(0);
        zip.putNextEntry(e);
        zip.write(npy);
        zip.closeEntry();
    }
}
