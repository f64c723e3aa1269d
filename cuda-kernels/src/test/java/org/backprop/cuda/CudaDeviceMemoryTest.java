package org.backprop.cuda;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;

import org.backprop.core.Tensor;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** GPU only: memory ownership, the out-of-memory message, and what the backend says it runs. */
@ExtendWith(RequiresCuda.class)
class CudaDeviceMemoryTest {

    private CudaBackend backend;

    @BeforeEach
    void open() {
        CudaContractTest.requireCuda();
        backend = new CudaBackend(CudaDevice.get(), GemmChoice.AUTO);
    }

    @AfterEach
    void close() {
        if (backend != null) {
            backend.close();
        }
    }

    @Test
    void closingATensorFreesItsMemoryAndAViewFreesNothing() {
        Tensor t = backend.allocate(100, 10);
        assertEquals(4000, backend.liveBytes());
        Tensor view = t.firstRows(3);
        view.close();
        assertEquals(4000, backend.liveBytes());
        t.close();
        assertEquals(0, backend.liveBytes());
        assertTrue(view.isClosed(), "a view of a closed tensor is closed too");
        assertThrows(IllegalStateException.class, () -> backend.fill(view, 1f));
    }

    @Test
    void allocatingAndFreeingInCyclesGivesEveryByteBack() {
        long freeBefore = CudaDevice.get().memoryInfo()[0];
        for (int cycle = 0; cycle < 200; cycle++) {
            List<Tensor> batch = new ArrayList<>();
            for (int i = 1; i <= 7; i++) {
                batch.add(backend.allocate(i * 13 + cycle % 5, 31));
                batch.add(backend.allocateIndices(i * 17));
            }
            backend.fill(batch.get(cycle % batch.size() / 2 * 2), cycle);
            // free in a different order each cycle: the allocator must not depend on LIFO frees
            for (int i = 0; i < batch.size(); i++) {
                batch.get((i * 5 + cycle) % batch.size()).close();
            }
        }
        assertEquals(0, backend.liveBytes());
        long freeAfter = CudaDevice.get().memoryInfo()[0];
        // exact on the emulated driver; a real GPU shares its memory with other processes
        long slack = Emulation.active() ? 0 : 64L << 20;
        assertTrue(freeAfter >= freeBefore - slack, "free bytes " + freeBefore + " before, " + freeAfter + " after");
    }

    @Test
    void runningOutOfMemoryNamesTheRequestAndWhatIsFree() {
        List<Tensor> held = new ArrayList<>();
        try {
            // 65536 x 32767 floats ≈ 8 GiB per tensor: a handful exhausts any current GPU
            int rows = 65536;
            int cols = 32767;
            long bytes = (long) rows * cols * Float.BYTES;
            CudaOutOfMemoryException e = assertThrows(CudaOutOfMemoryException.class, () -> {
                for (int i = 0; i < 64; i++) {
                    held.add(backend.allocate(rows, cols));
                }
            });
            assertTrue(e.getMessage().contains("requested " + bytes + " bytes"), e.getMessage());
            assertTrue(e.getMessage().contains("free"), e.getMessage());
            assertTrue(e.getMessage().contains("smaller batch"), e.getMessage());
        } finally {
            held.forEach(Tensor::close);
        }
    }

    @Test
    void theGemmPathIsNamed() {
        String path = backend.gemmPath();
        assertTrue(path.startsWith("cuBLAS ") || path.startsWith("PTX SGEMM (cuBLAS unavailable: "), path);
        assertTrue(backend.description().contains(path), backend.description());
    }

    @Test
    void indicesWrittenOnTheDeviceCanBeReadBack() {
        Tensor x = backend.upload(new float[] {1, 5, 2, 7, 7, 0}, 2, 3);
        Tensor idx = backend.allocateIndices(2);
        backend.argmax(x, idx);
        int[] out = new int[2];
        backend.downloadIndices(idx, out);
        assertEquals(1, out[0]);
        assertEquals(0, out[1]);
        assertEquals(1f, backend.download(idx)[0]);
    }

    @Test
    void anOutOfRangeIndexWrittenOnTheDeviceGathersNaNInsteadOfForeignMemory() {
        // argmax of a 1x3 row gives index 2; the 2-row source has no row 2
        Tensor x = backend.upload(new float[] {0, 1, 9}, 1, 3);
        Tensor idx = backend.allocateIndices(1);
        backend.argmax(x, idx);
        Tensor src = backend.upload(new float[] {1, 2, 3, 4}, 2, 2);
        Tensor dst = backend.allocate(1, 2);
        backend.gatherRows(src, idx, 0, dst);
        float[] out = backend.download(dst);
        assertTrue(Float.isNaN(out[0]) && Float.isNaN(out[1]));
    }
}
