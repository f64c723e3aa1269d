package org.backprop.spark;

import java.util.ArrayList;
import java.util.Collections;
import java.util.Iterator;
import java.util.List;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.types.ArrayType;
import org.apache.spark.sql.types.DataType;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructField;
import scala.Tuple2;

/** Turns a Spark {@code Dataset<Row>} into one {@link Block} per partition, numbering rows in dataset order. */
final class RowBlocks {

    private RowBlocks() { }

    static JavaRDD<Block> of(org.apache.spark.sql.Dataset<Row> rows, String featuresCol, String labelCol,
                             int features, int classes) {
        DataType ft = field(rows, featuresCol).dataType();
        if (!(ft instanceof ArrayType at) || !(at.elementType().equals(DataTypes.FloatType)
                || at.elementType().equals(DataTypes.DoubleType))) {
            throw new IllegalArgumentException("column '" + featuresCol + "' is " + ft.simpleString()
                    + ": the features must be an array of float or double");
        }
        DataType lt = field(rows, labelCol).dataType();
        if (!(lt.equals(DataTypes.IntegerType) || lt.equals(DataTypes.LongType) || lt.equals(DataTypes.ShortType)
                || lt.equals(DataTypes.ByteType))) {
            throw new IllegalArgumentException("column '" + labelCol + "' is " + lt.simpleString()
                    + ": the label must be an integer class number");
        }
        boolean doubles = ((ArrayType) ft).elementType().equals(DataTypes.DoubleType);
        return rows.select(featuresCol, labelCol).javaRDD().zipWithIndex()
                .mapPartitions(it -> block(it, features, classes, doubles, featuresCol, labelCol));
    }

    private static StructField field(org.apache.spark.sql.Dataset<Row> rows, String name) {
        for (StructField f : rows.schema().fields()) {
            if (f.name().equals(name)) {
                return f;
            }
        }
        throw new IllegalArgumentException("the training rows have no column '" + name + "' (columns: "
                + String.join(", ", rows.columns()) + ")");
    }

    private static Iterator<Block> block(Iterator<Tuple2<Row, Long>> it, int features, int classes, boolean doubles,
                                         String featuresCol, String labelCol) {
        List<float[]> xs = new ArrayList<>();
        List<Integer> ys = new ArrayList<>();
        long first = -1;
        while (it.hasNext()) {
            Tuple2<Row, Long> t = it.next();
            Row r = t._1();
            long index = t._2();
            if (first < 0) {
                first = index;
            }
            if (r.isNullAt(0) || r.isNullAt(1)) {
                throw new IllegalArgumentException("training row " + index + ": " + (r.isNullAt(0) ? featuresCol : labelCol)
                        + " is null");
            }
            List<Object> values = r.getList(0);
            if (values.size() != features) {
                throw new IllegalArgumentException("training row " + index + ": '" + featuresCol + "' has "
                        + values.size() + " values but the model takes " + features);
            }
            float[] x = new float[features];
            for (int j = 0; j < features; j++) {
                Object v = values.get(j);
                if (v == null) {
                    throw new IllegalArgumentException("training row " + index + ": feature " + j + " is null");
                }
                x[j] = doubles ? (float) (double) (Double) v : (Float) v;
                if (!Float.isFinite(x[j])) {
                    throw new IllegalArgumentException("training row " + index + ": feature " + j + " is " + x[j]);
                }
            }
            long label = ((Number) r.get(1)).longValue();
            if (label < 0 || label >= classes) {
                throw new IllegalArgumentException("training row " + index + ": label " + label + " is outside 0.."
                        + (classes - 1));
            }
            xs.add(x);
            ys.add((int) label);
        }
        if (xs.isEmpty()) {
            return Collections.emptyIterator();
        }
        float[] f = new float[xs.size() * features];
        int[] l = new int[xs.size()];
        for (int i = 0; i < l.length; i++) {
            System.arraycopy(xs.get(i), 0, f, i * features, features);
            l[i] = ys.get(i);
        }
        return List.of(new Block(first, f, l, features, classes)).iterator();
    }
}
