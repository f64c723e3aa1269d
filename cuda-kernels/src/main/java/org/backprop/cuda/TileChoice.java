package org.backprop.cuda;

/** Which PTX SGEMM tile runs: picked per shape, or forced (for tests and comparisons). */
public enum TileChoice {
    AUTO, WIDE, NARROW;

    static TileChoice fromProperty() {
        return CudaBackend.choice(TileChoice.class, CudaBackend.TILE_PROPERTY, "auto, wide or narrow");
    }

    /** The 128x128 tile wastes most of itself on a product of at most 16 columns. */
    boolean narrow(int n) {
        return this == NARROW || (this == AUTO && n <= CudaLaunch.NARROW_COLS);
    }
}
