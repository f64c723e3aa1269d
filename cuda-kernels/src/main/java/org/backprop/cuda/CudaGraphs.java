package org.backprop.cuda;

import static jcuda.driver.JCudaDriver.cuGraphDestroy;
import static jcuda.driver.JCudaDriver.cuGraphExecDestroy;
import static jcuda.driver.JCudaDriver.cuGraphInstantiate;
import static jcuda.driver.JCudaDriver.cuGraphLaunch;
import static jcuda.driver.JCudaDriver.cuStreamBeginCapture;
import static jcuda.driver.JCudaDriver.cuStreamEndCapture;

import java.util.ArrayList;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.Set;

import jcuda.CudaException;
import jcuda.driver.CUgraph;
import jcuda.driver.CUgraphExec;
import jcuda.driver.CUstream;
import jcuda.driver.CUstreamCaptureMode;

import org.backprop.core.Backend.Recording;

/**
 * Recorded training steps of a {@link CudaBackend}: the kernels a step launches on the backend's
 * stream, captured into a CUDA graph and replayed with one launch. Keeps the open recordings so
 * that closing the backend destroys them, and the graph launches for the launch counts.
 */
final class CudaGraphs {

    private final CudaBackend backend;
    private final CudaLaunch launch;
    private final CUstream stream;
    private final Set<CudaRecording> open = Collections.newSetFromMap(new IdentityHashMap<>());
    /** Graph launches so far. */
    long launches;
    /** Why the last {@link #record} returned null; null after one that succeeded. */
    String refusal;

    CudaGraphs(CudaBackend backend, CudaLaunch launch, CUstream stream) {
        this.backend = backend;
        this.launch = launch;
        this.stream = stream;
    }

    /**
     * Captures {@code step} (stream capture, global mode) and instantiates the graph; null, with
     * the reason in {@link #refusal}, where the step did anything a graph cannot hold (a copy, a
     * synchronisation, an allocation): the capture is then invalidated and nothing ran.
     */
    Recording record(Runnable step) {
        long before = launch.captured;
        try {
            cuStreamBeginCapture(stream, CUstreamCaptureMode.CU_STREAM_CAPTURE_MODE_GLOBAL);
        } catch (CudaException e) {
            return refuse("cuStreamBeginCapture: " + NativeErrors.describe(e));
        }
        RuntimeException failure = null;
        launch.capturing = true;
        try {
            step.run();
        } catch (RuntimeException e) {
            failure = e;
        } finally {
            launch.capturing = false;
        }
        CUgraph graph = new CUgraph();
        try {
            cuStreamEndCapture(stream, graph);
        } catch (CudaException e) {
            return refuse("the step could not be captured: " + NativeErrors.describe(failure != null ? failure : e));
        }
        if (failure != null) {
            cuGraphDestroy(graph);
            return refuse("the step could not be captured: " + NativeErrors.describe(failure));
        }
        CUgraphExec exec = new CUgraphExec();
        try {
            cuGraphInstantiate(exec, graph, 0);
        } catch (CudaException e) {
            cuGraphDestroy(graph);
            return refuse("cuGraphInstantiate: " + NativeErrors.describe(e));
        }
        refusal = null;
        CudaRecording r = new CudaRecording(graph, exec, (int) (launch.captured - before));
        open.add(r);
        return r;
    }

    Recording refuse(String reason) {
        refusal = reason;
        return null;
    }

    /** Destroys every open recording; the first failure is thrown after trying them all. */
    void closeAll() {
        RuntimeException first = null;
        for (CudaRecording r : new ArrayList<>(open)) {
            try {
                r.close();
            } catch (RuntimeException e) {
                first = first == null ? e : first;
            }
        }
        if (first != null) {
            throw first;
        }
    }

    /** A captured and instantiated graph. */
    private final class CudaRecording implements Recording {
        private final CUgraph graph;
        private final CUgraphExec exec;
        private final int kernels;
        private boolean isOpen = true;

        CudaRecording(CUgraph graph, CUgraphExec exec, int kernels) {
            this.graph = graph;
            this.exec = exec;
            this.kernels = kernels;
        }

        @Override
        public void replay() {
            if (!isOpen) {
                throw new IllegalStateException("replay of a closed recording");
            }
            backend.enter();
            try {
                cuGraphLaunch(exec, stream);
            } catch (CudaException e) {
                throw CudaLaunch.failed("replay (CUDA graph of " + kernels + " kernels)", e);
            }
            launches++;
            launch.syncIfAsked("replay");
        }

        @Override
        public int kernels() {
            return kernels;
        }

        @Override
        public void close() {
            if (!isOpen || backend.isClosed()) {
                return;
            }
            backend.enter();
            isOpen = false;
            open.remove(this);
            cuGraphExecDestroy(exec);
            cuGraphDestroy(graph);
        }
    }
}
