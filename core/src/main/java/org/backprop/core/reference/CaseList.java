package org.backprop.core.reference;

import java.util.ArrayList;
import java.util.List;

import org.backprop.core.reference.OpCase.Family;
import org.backprop.core.reference.OpCase.Run;

/** The cases of one catalogue as its family classes add them, on one shape set and one seed. */
final class CaseList {

    private final OpCatalogue.Shapes shapes;
    private final long seed;
    private final List<OpCase> cases = new ArrayList<>();

    CaseList(OpCatalogue.Shapes shapes, long seed) {
        this.shapes = shapes;
        this.seed = seed;
    }

    OpCatalogue.Shapes shapes() {
        return shapes;
    }

    void add(String op, String variant, Family family, int[] shape, OpCase.Body body) {
        cases.add(new OpCase(op, variant, family, shape, seed, body));
    }

    /** For every matrix shape, one case. */
    void eachMatrix(String op, String variant, Family family, MatrixBody body) {
        for (int[] s : shapes.matrices()) {
            add(op, variant, family, s, run -> body.run(run, s[0], s[1]));
        }
    }

    List<OpCase> cases() {
        return List.copyOf(cases);
    }

    @FunctionalInterface
    interface MatrixBody {
        void run(Run run, int rows, int cols);
    }
}
