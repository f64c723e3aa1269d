package org.backprop.data;

import java.util.List;
import java.util.Locale;

/**
 * What the user asked of a table, before anything is fitted: which column is the label, what it
 * is, which feature columns are one-hot encoded, what a missing cell does, and the classes the
 * labels must fall in. Messages name these settings by the words used here ({@code label},
 * {@code task}, {@code one-hot}, {@code missing}), written {@code setting=value}.
 *
 * @param label      the label column's name (needs a header), or null for the last column
 * @param task       classification, regression, or auto (a numeric label with many distinct values is a regression)
 * @param oneHot     null or "none", "auto" (every feature column holding words), or column names, comma-separated
 * @param missing    the missing-cell policy
 * @param classNames the classes the labels must be among, or null
 * @param classes    the number of classes integer labels must fall in ({@code 0..classes-1}), or 0
 */
public record TableChoices(String label, Task task, String oneHot, Missing missing, List<String> classNames, int classes) {

    /** A choice among named constants, which metadata and messages write in lower case. */
    public interface Choice {
        String name();

        default String id() {
            return name().toLowerCase(Locale.ROOT);
        }
    }

    /** What the label is: classes, a quantity, or decided from the label column's values. */
    public enum Task implements Choice {
        AUTO, CLASSIFICATION, REGRESSION;

        public static Task parse(String s) {
            return named(values(), s, "task must be auto, classification or regression");
        }
    }

    /** What a missing cell (empty, NA, NaN, ?) does: stop with its row and column, drop its row, or take the training mean. */
    public enum Missing implements Choice {
        ERROR, DROP, MEAN;

        public static Missing parse(String s) {
            return named(values(), s, "missing must be error, drop or mean");
        }
    }

    /** The constant named s (case aside), else an error: the rule, then what was given. */
    private static <E extends Enum<E>> E named(E[] values, String s, String rule) {
        for (E e : values) {
            if (e.name().equalsIgnoreCase(s.trim())) {
                return e;
            }
        }
        throw new IllegalArgumentException(rule + ", got '" + Text.printable(s) + "'");
    }

    public static TableChoices defaults() {
        return new TableChoices(null, Task.AUTO, null, Missing.ERROR, null, 0);
    }

    public TableChoices withLabel(String l) {
        return new TableChoices(l, task, oneHot, missing, classNames, classes);
    }

    public TableChoices withTask(Task t) {
        return new TableChoices(label, t, oneHot, missing, classNames, classes);
    }

    public TableChoices withOneHot(String o) {
        return new TableChoices(label, task, o, missing, classNames, classes);
    }

    public TableChoices withMissing(Missing m) {
        return new TableChoices(label, task, oneHot, m, classNames, classes);
    }

    public TableChoices withClassNames(List<String> n) {
        return new TableChoices(label, task, oneHot, missing, n == null ? null : List.copyOf(n), classes);
    }

    public TableChoices withClasses(int k) {
        return new TableChoices(label, task, oneHot, missing, classNames, k);
    }
}
