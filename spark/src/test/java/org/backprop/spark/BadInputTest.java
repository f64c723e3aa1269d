package org.backprop.spark;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.ArrayList;
import java.util.List;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.backprop.core.Backend;
import org.backprop.cpu.CpuBackend;
import org.backprop.nn.FitOptions;
import org.backprop.nn.Loss;
import org.backprop.nn.Model;
import org.backprop.nn.Optimizer;
import org.backprop.nn.OptimizerSpec;
import org.junit.jupiter.api.Test;

/** Rows that do not fit the model are one clear error naming the row, column and value. */
class BadInputTest {

    static String fail(List<Row> rows, StructType schema, String features, String label) {
        OptimizerSpec spec = OptimizerSpec.sgd(0.1f);
        try (Backend cpu = new CpuBackend(1); Model m = SynchronousEquivalenceTest.mlp(cpu); Optimizer o = spec.create()) {
            SparkTrainer t = new SparkTrainer(LocalSpark.session(), m, Loss.CROSS_ENTROPY, o, spec);
            return assertThrows(IllegalArgumentException.class, () -> t.fit(
                    LocalSpark.session().createDataFrame(rows, schema), features, label, null,
                    new FitOptions(8, 1, 1), null)).getMessage();
        }
    }

    static StructType schema() {
        return new StructType().add("x", DataTypes.createArrayType(DataTypes.FloatType), false)
                .add("y", DataTypes.IntegerType, false);
    }

    static List<Row> rows(int badRow, int badWidth, int badLabel) {
        List<Row> rows = new ArrayList<>();
        for (int i = 0; i < 20; i++) {
            Float[] x = new Float[i == badRow ? badWidth : 12];
            java.util.Arrays.fill(x, 0.5f);
            rows.add(RowFactory.create(x, i == badRow ? badLabel : i % 3));
        }
        return rows;
    }

    @Test
    void aRowWithTheWrongNumberOfFeaturesIsNamed() {
        assertEquals("training row 13: 'x' has 11 values but the model takes 12",
                fail(rows(13, 11, 0), schema(), "x", "y"));
    }

    @Test
    void aLabelOutsideTheClassesIsNamed() {
        assertEquals("training row 7: label 3 is outside 0..2", fail(rows(7, 12, 3), schema(), "x", "y"));
    }

    @Test
    void aMissingColumnListsTheColumnsThereAre() {
        assertEquals("the training rows have no column 'features' (columns: x, y)",
                fail(rows(-1, 12, 0), schema(), "features", "y"));
    }

    @Test
    void aFeaturesColumnThatIsNotAnArrayIsRefused() {
        StructType s = new StructType().add("x", DataTypes.DoubleType, false).add("y", DataTypes.IntegerType, false);
        List<Row> rows = List.of(RowFactory.create(0.5, 1));
        assertEquals("column 'x' is double: the features must be an array of float or double", fail(rows, s, "x", "y"));
    }
}
