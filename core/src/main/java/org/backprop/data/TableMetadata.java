package org.backprop.data;

import java.io.IOException;
import java.io.StringWriter;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.commons.csv.CSVFormat;
import org.apache.commons.csv.CSVParser;
import org.apache.commons.csv.CSVPrinter;
import org.apache.commons.csv.CSVRecord;
import org.backprop.data.TableChoices.Missing;
import org.backprop.data.TableChoices.Task;
import org.backprop.data.TableSpec.Column;

/**
 * A {@link TableSpec} as a saved model's {@code data.*} metadata entries and back: strings only,
 * lists written as one CSV record each, so that names holding commas and quotes survive.
 */
public final class TableMetadata {

    private TableMetadata() { }

    /** The spec as {@code data.*} metadata entries (the caller adds data.source, the split and the seed). */
    static Map<String, String> write(TableSpec s) {
        Task task = s.task();
        List<String> classNames = s.classNames();
        float[] fill = s.fill();
        Map<String, String> m = new LinkedHashMap<>();
        m.put("data.task", task.id());
        m.put("data.header", Boolean.toString(s.header()));
        m.put("data.delimiter", String.valueOf(s.delimiter()));
        if (s.labelName() != null) {
            m.put("data.label", s.labelName());
        }
        m.put("data.label-column", Integer.toString(s.labelIndex()));
        if (!s.regression()) {
            m.put("data.classes", joinList(classNames));
        }
        List<String> names = new ArrayList<>(), indices = new ArrayList<>(), oneHot = new ArrayList<>();
        for (Column c : s.columns()) {
            names.add(c.name() != null ? c.name() : "");
            indices.add(Integer.toString(c.index()));
            if (c.categories() != null) {
                oneHot.add(c.name() != null ? c.name() : Integer.toString(c.index()));
                m.put("data.one-hot." + (c.name() != null ? c.name() : Integer.toString(c.index())), joinList(c.categories()));
            }
        }
        m.put("data.columns", joinList(names));
        m.put("data.column-index", joinList(indices));
        m.put("data.features", joinList(s.featureNames()));
        m.put("data.one-hot", joinList(oneHot));
        m.put("data.missing", s.missing().id());
        if (fill != null) {
            List<String> f = new ArrayList<>();
            for (float v : fill) {
                f.add(Float.toString(v));
            }
            m.put("data.fill", joinList(f));
        }
        return m;
    }

    /** The spec a model saved, or null when its metadata holds none (an image model, an older file). */
    static TableSpec read(Map<String, String> m) {
        if (m.get("data.task") == null || m.get("data.columns") == null) {
            return null;
        }
        try {
            Task task = Task.parse(m.get("data.task"));
            boolean header = Boolean.parseBoolean(m.get("data.header"));
            String delim = m.getOrDefault("data.delimiter", ",");
            int labelIndex = Integer.parseInt(m.get("data.label-column").trim());
            List<String> names = splitList(m.get("data.columns"));
            List<String> indices = splitList(m.get("data.column-index"));
            List<Column> cols = new ArrayList<>();
            for (int i = 0; i < names.size(); i++) {
                String name = names.get(i).isEmpty() && !header ? null : names.get(i);
                int index = Integer.parseInt(indices.get(i));
                String key = "data.one-hot." + (name != null ? name : Integer.toString(index));
                List<String> cats = m.containsKey(key) ? splitList(m.get(key)) : null;
                cols.add(new Column(name, index, cats));
            }
            List<String> classes = task == Task.REGRESSION ? List.of() : splitList(m.get("data.classes"));
            Missing missing = Missing.parse(m.getOrDefault("data.missing", "error"));
            float[] fill = null;
            if (m.get("data.fill") != null) {
                List<String> f = splitList(m.get("data.fill"));
                fill = new float[f.size()];
                for (int j = 0; j < fill.length; j++) {
                    fill[j] = Float.parseFloat(f.get(j));
                }
            }
            TableSpec s = new TableSpec(header, delim.isEmpty() ? ',' : delim.charAt(0), m.get("data.label"), labelIndex,
                    task, classes, cols, missing, fill);
            if (fill != null && fill.length != s.featureCount()) {
                throw new IllegalArgumentException("data.fill has " + fill.length + " values for " + s.featureCount() + " inputs");
            }
            return s;
        } catch (RuntimeException e) {
            throw new IllegalArgumentException("the model's data description (data.* metadata) is unusable: "
                    + Text.printable(String.valueOf(e.getMessage())));
        }
    }

    /** One CSV record: a list of names that may hold commas and quotes travels in one metadata string. */
    public static String joinList(List<String> items) {
        StringWriter w = new StringWriter();
        try (CSVPrinter p = new CSVPrinter(w, CSVFormat.RFC4180.builder().setRecordSeparator("").build())) {
            p.printRecord(items);
        } catch (IOException e) {
            throw new AssertionError("a StringWriter does not fail", e);
        }
        return w.toString();
    }

    public static List<String> splitList(String text) {
        if (text == null || text.isEmpty()) {
            return List.of();
        }
        try (CSVParser p = CSVParser.parse(text, CSVFormat.RFC4180)) {
            List<CSVRecord> records = p.getRecords();
            return records.isEmpty() ? List.of() : List.of(records.get(0).values());
        } catch (IOException e) {
            throw new AssertionError("a string does not fail", e);
        }
    }
}
