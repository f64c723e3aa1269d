package org.backprop.spark;

import java.io.Serializable;
import java.util.LinkedHashMap;
import java.util.Map;
import org.backprop.core.Backend;
import org.backprop.core.BackendOptions;
import org.backprop.core.Backends;
import org.backprop.data.Dataset;
import org.backprop.nn.Activation;
import org.backprop.nn.Dense;
import org.backprop.nn.Evaluation;
import org.backprop.nn.Init;
import org.backprop.nn.Loss;
import org.backprop.nn.Model;
import org.backprop.nn.Optimizer;
import org.backprop.nn.OptimizerSpec;
import org.backprop.nn.StepRunner;
import org.backprop.nn.Trainer;

/**
 * Every use this module makes of core's training step — forward, backward, gradient read-out,
 * parameter upload, optimiser step and state — is here, so that a change to how core runs a step
 * is adapted in this one class. Parameters and gradients cross it as flat host arrays in
 * {@link StepRunner}'s layout.
 */
final class CoreBridge {

    private CoreBridge() { }

    /** A model's layer shapes and activations, enough to rebuild it on an executor. */
    record Architecture(int inputs, int[] units, Activation[] activations) implements Serializable {

        static Architecture of(Model model) {
            int n = model.layers().size();
            int[] units = new int[n];
            Activation[] acts = new Activation[n];
            for (int i = 0; i < n; i++) {
                Dense d = model.layers().get(i);
                units[i] = d.outputs();
                acts[i] = d.activation();
            }
            return new Architecture(model.inputs(), units, acts);
        }

        Model build(Backend backend) {
            Model.Builder b = Model.builder(inputs);
            for (int i = 0; i < units.length; i++) {
                b.dense(units[i], activations[i]);
            }
            return b.init(Init.ZEROS).build(backend);
        }
    }

    // ------------------------------------------------------------------ driver side

    /** Rejects a loss that cannot be trained through the model's output layer, as Trainer does. */
    static void checkLoss(Model model, Loss loss, Optimizer optimizer) {
        new Trainer(model, loss, optimizer);
    }

    static int parameterCount(Model model) {
        return Math.toIntExact(model.parameterCount());
    }

    static float[] parameters(Model model) {
        float[] flat = new float[parameterCount(model)];
        StepRunner.parameters(model, flat);
        return flat;
    }

    static void setParameters(Model model, float[] flat) {
        StepRunner.setParameters(model, flat);
    }

    /**
     * One optimiser step on the driver from the gradient summed over every partition: divides by
     * the global batch size {@code n} (making it the batch mean, as single-process training has
     * it), clips, and updates the model in place.
     */
    static void applyGradientSum(Model model, Optimizer optimizer, float[] sum, int n, float clipNorm) {
        float inv = 1f / n;
        for (int i = 0; i < sum.length; i++) {
            sum[i] *= inv;
        }
        clip(sum, clipNorm);
        StepRunner.setGradients(model, sum);
        optimizer.step(model.parameters());
    }

    /** The optimiser's state without its step count (empty before the first step), flattened in export order. */
    static Map<String, float[]> optimizerState(Optimizer optimizer) {
        Map<String, float[]> state = new LinkedHashMap<>(optimizer.exportState());
        state.remove(optimizer.name() + ".step");
        return state;
    }

    static int optimizerSteps(Optimizer optimizer) {
        return optimizer.steps();
    }

    /** Restores state produced by {@link #optimizerState} (possibly averaged) with the given step count. */
    static void setOptimizerState(Model model, Optimizer optimizer, Map<String, float[]> state, int steps) {
        Map<String, float[]> full = new LinkedHashMap<>(state);
        full.put(optimizer.name() + ".step", new float[] {steps});
        optimizer.importState(model.parameters(), full);
    }

    /** The epoch's learning rate from the schedule, exactly as {@code Trainer.fit} sets it. */
    static void schedule(Optimizer optimizer, org.backprop.nn.LrSchedule schedule, int epoch, int epochs) {
        optimizer.setLearningRate(schedule.rate(optimizer.baseLearningRate(), epoch, epochs));
    }

    static Evaluation evaluate(Model model, Loss loss, Optimizer optimizer, Dataset test) {
        return new Trainer(model, loss, optimizer).evaluate(test, 1024);
    }

    /** Scales g by clipNorm/‖g‖ when its norm exceeds clipNorm (0 = off), as --clip-norm does. */
    static void clip(float[] g, float clipNorm) {
        if (clipNorm <= 0) {
            return;
        }
        double ss = 0;
        for (float v : g) {
            ss += (double) v * v;
        }
        double norm = Math.sqrt(ss);
        if (norm > clipNorm) {
            float s = (float) (clipNorm / norm);
            for (int i = 0; i < g.length; i++) {
                g[i] *= s;
            }
        }
    }

    // ------------------------------------------------------------------ executor side

    /**
     * A partition's worker on an executor: its own backend (CUDA where the executor has a working
     * GPU, else the CPU with the task's cores), a copy of the model, the partition's rows resident
     * on the device, and an optimiser for local steps. Everything it computes starts from what the
     * driver broadcast for the step, so a retried task recomputes the same answer.
     */
    static final class Replica implements AutoCloseable {
        final long first;
        final int rows;
        private final Backend backend;
        private final Model model;
        private final StepRunner runner;
        private final OptimizerSpec spec;
        private Optimizer optimizer;
        private final float[] scratch;
        private int[] offsets;
        private int preparedEpoch = -1;

        Replica(Architecture arch, Loss loss, OptimizerSpec spec, Block block, int batch, int threads) {
            this.first = block.first;
            this.rows = block.rows();
            this.spec = spec;
            Backend b = Backends.fromEnvironment(new BackendOptions(threads));
            Model m = null;
            try {
                m = arch.build(b);
                this.runner = new StepRunner(m, loss, block.toDataset(), batch);
            } catch (RuntimeException e) {
                if (m != null) {
                    m.close();
                }
                b.close();
                throw e;
            }
            this.backend = b;
            this.model = m;
            this.optimizer = spec.create();
            this.scratch = new float[parameterCount(m)];
        }

        String backendName() {
            return backend.name();
        }

        /**
         * Draws the epoch's global permutation, keeps this partition's rows in that order on the
         * device, and notes where each global batch's share of them starts.
         */
        void prepareEpoch(long seed, int epoch, int totalRows, int batch) {
            if (preparedEpoch == epoch) {
                return;
            }
            int[] global = StepRunner.epochOrder(totalRows, seed, epoch);
            int[] local = new int[rows];
            int batches = (totalRows + batch - 1) / batch;
            offsets = new int[batches + 1];
            int k = 0;
            for (int i = 0; i < totalRows; i++) {
                if (i % batch == 0) {
                    offsets[i / batch] = k;
                }
                long r = global[i] - first;
                if (r >= 0 && r < rows) {
                    local[k++] = (int) r;
                }
            }
            offsets[batches] = k;
            if (k != rows) {
                throw new IllegalStateException("partition from row " + first + " found " + k + " of its " + rows
                        + " rows in the epoch order of " + totalRows + " rows");
            }
            runner.setOrder(local);
            preparedEpoch = epoch;
        }

        /** How many of global batch {@code b}'s rows this partition holds. */
        int share(int b) {
            return offsets[b + 1] - offsets[b];
        }

        void setParameters(float[] flat) {
            StepRunner.setParameters(model, flat);
        }

        float[] parameters() {
            float[] flat = new float[scratch.length];
            StepRunner.parameters(model, flat);
            return flat;
        }

        /**
         * The gradient of the summed (not averaged) loss over this partition's share of batch b,
         * plus that share's loss sum and correct count in {@code metrics}; null when the share is empty.
         */
        float[] gradientSum(int b, double[] metrics) {
            int n = share(b);
            if (n == 0) {
                return null;
            }
            runner.resetMetrics();
            runner.lossAndGradients(offsets[b], n);
            double[] m = runner.metrics();
            metrics[0] += m[0];
            metrics[1] += m[1];
            float[] g = new float[scratch.length];
            StepRunner.gradients(model, g);
            for (int i = 0; i < g.length; i++) {
                g[i] *= n;
            }
            return g;
        }

        /** Starts a round of local steps from the driver's optimiser state (a fresh optimiser when it has none). */
        void startRound(Map<String, float[]> state, int steps, int epoch, org.backprop.nn.LrSchedule schedule, int epochs) {
            if (state.isEmpty()) {
                optimizer.close();
                optimizer = spec.create();
            } else {
                setOptimizerState(model, optimizer, state, steps);
            }
            CoreBridge.schedule(optimizer, schedule, epoch, epochs);
            runner.resetMetrics();
        }

        /** One local SGD step on this partition's share of batch b; false when the share is empty. */
        boolean localStep(int b, float clipNorm) {
            int n = share(b);
            if (n == 0) {
                return false;
            }
            runner.lossAndGradients(offsets[b], n);
            if (clipNorm > 0) {
                StepRunner.gradients(model, scratch);
                clip(scratch, clipNorm);
                StepRunner.setGradients(model, scratch);
            }
            optimizer.step(model.parameters());
            return true;
        }

        double[] metrics() {
            return runner.metrics();
        }

        Map<String, float[]> optimizerState() {
            return CoreBridge.optimizerState(optimizer);
        }

        @Override
        public void close() {
            optimizer.close();
            runner.close();
            model.close();
            backend.close();
        }
    }
}
