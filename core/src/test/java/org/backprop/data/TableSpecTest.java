package org.backprop.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** CSV files as R, pandas and spreadsheets write them, and what their columns become. */
class TableSpecTest {

    private static CsvTable table(String text) {
        return CsvTable.parse(text, "t.csv", CsvTable.Header.AUTO, null);
    }

    private static Dataset all(String text, TableChoices c) {
        return TableSpec.readAll(table(text), c);
    }

    private static String error(String text, TableChoices c) {
        return assertThrows(DataException.class, () -> all(text, c)).getMessage();
    }

    @Test
    void quotedHeadersAsPythonsQuoteAllWritesThemAreUnquoted() {
        Dataset d = all("\"age\",\"chol\",\"target\"\n\"63\",\"233\",\"1\"\n\"37\",\"250\",\"0\"\n",
                TableChoices.defaults().withLabel("target"));
        assertArrayEquals(new float[] {63, 233, 37, 250}, d.features());
        assertArrayEquals(new int[] {1, 0}, d.labels());
    }

    @Test
    void rsWriteCsvRowNamesAndPandasIndexAreDroppedWithANote() {
        // R: write.csv(df) quotes strings and names the rows "1", "2", ... under an empty header
        CsvTable r = table("\"\",\"age\",\"sex\",\"target\"\r\n\"1\",63,\"male\",\"yes\"\r\n\"2\",37,\"female\",\"no\"\r\n"
                + "\"3\",41,\"female\",\"no\"\r\n");
        assertEquals(List.of("age", "sex", "target"), r.names());
        assertTrue(r.notes().get(0).contains("the first column has no name and counts the rows"), r.notes().toString());
        Dataset d = TableSpec.readAll(r, TableChoices.defaults().withOneHot("auto"));
        assertEquals(3, d.featureCount(), "age and sex=female, sex=male");
        assertArrayEquals(new float[] {63, 0, 1, 37, 1, 0, 41, 1, 0}, d.features());
        assertEquals(List.of("no", "yes"), d.classNames());
        // pandas: df.to_csv() writes ",age,target" and 0, 1, 2, ...
        CsvTable p = table(",age,target\n0,63,1\n1,37,0\n2,41,0\n");
        assertEquals(List.of("age", "target"), p.names());
        assertEquals(1, TableSpec.readAll(p, TableChoices.defaults()).featureCount());
    }

    @Test
    void bomCrlfAndLineBreaksInsideQuotesAreRead() {
        Dataset d = all("\uFEFFnote,x,label\r\n\"two\r\nlines\",1,a\r\n\"say \"\"hi\"\"\",2,b\r\n",
                TableChoices.defaults().withOneHot("note"));
        assertEquals(2, d.size());
        assertEquals(List.of("a", "b"), d.classNames());
        assertEquals(3, d.featureCount());
    }

    @Test
    void aGivenDelimiterWinsOverSniffing() {
        CsvTable t = CsvTable.parse("a;b|label\n1,5|0\n3,5|1\n", "t.csv", CsvTable.Header.AUTO, '|');
        assertEquals(2, t.columns());
        assertEquals("a;b", t.names().get(0));
    }

    @Test
    void aLabelColumnOfMixedKindsNamesTheFirstOddRow() {
        String m = error("x,label\n1,0\n2,1\n3,yes\n4,0\n", TableChoices.defaults());
        assertTrue(m.startsWith("t.csv: row 4, label column 2 'label': 'yes' is a word among labels that are numbers"
                + " (as in row 2: '0')"), m);
    }

    private static String continuous(int rows) {
        StringBuilder sb = new StringBuilder("x,price\n");
        for (int i = 0; i < rows; i++) {
            sb.append(i).append(',').append(String.format(Locale.ROOT, "%.2f", 3 + 0.37 * i)).append('\n');
        }
        return sb.toString();
    }

    @Test
    void aContinuousLabelIsARegressionNot254Classes() {
        Dataset d = all(continuous(254), TableChoices.defaults());
        assertTrue(d.isRegression());
        assertEquals(254, d.values().length);
        assertEquals(3 + 0.37f * 10, d.values()[10], 1e-5);
        String m = error(continuous(254), TableChoices.defaults().withTask(TableChoices.Task.CLASSIFICATION));
        assertTrue(m.contains("looks like a quantity, not classes (254 distinct values, e.g. 3.37)")
                && m.contains("task=regression"), m);
        // a few integer classes stay classes
        assertFalse(all("x,y\n1,0\n2,1\n3,2\n", TableChoices.defaults()).isRegression());
        assertTrue(error("x,y\n1,a\n2,b\n", TableChoices.defaults().withTask(TableChoices.Task.REGRESSION))
                .contains("row 2: label 'a' is not a number; a regression needs numeric labels"));
    }

    @Test
    void wordsInAFeatureColumnNeedOneHot() {
        String text = "age,sex,target\n63,male,1\n37,female,0\n";
        String m = error(text, TableChoices.defaults());
        assertTrue(m.startsWith("t.csv: row 2, column 2 'sex': 'male' is not a number (one-hot=sex"), m);
        Dataset d = all(text, TableChoices.defaults().withOneHot("sex"));
        assertArrayEquals(new float[] {63, 0, 1, 37, 1, 0}, d.features());
        assertEquals("t.csv: one-hot=colour: no column 'colour' in the header (age, sex, target)",
                error(text, TableChoices.defaults().withOneHot("colour")));
    }

    @Test
    void aColumnNameInTheWrongCaseShowsTheHeaderAndTheHint() {
        String iris = "sepal_length,sepal_width,petal_length,petal_width,Species\n5.1,3.5,1.4,0.2,setosa\n"
                + "7.0,3.2,4.7,1.4,versicolor\n";
        assertEquals("t.csv: label=species: no column 'species' in the header (sepal_length, sepal_width,"
                + " petal_length, petal_width, Species); did you mean 'Species'? (names are case-sensitive)",
                error(iris, TableChoices.defaults().withLabel("species")));
        String m = error(iris, TableChoices.defaults().withOneHot("petal_widht"));
        assertTrue(m.startsWith("t.csv: one-hot=petal_widht: no column 'petal_widht' in the header (")
                && m.endsWith("); did you mean 'petal_width'?"), m);
    }

    @Test
    void aLongHeaderIsShownByTheNamesClosestToTheOneAskedFor() {
        StringBuilder sb = new StringBuilder();
        for (int j = 0; j < 40; j++) {
            sb.append("feature_").append(j).append(',');
        }
        sb.append("Outcome\n");
        for (int j = 0; j <= 40; j++) {
            sb.append(j % 2).append(j < 40 ? "," : "\n");
        }
        String m = error(sb.toString() + sb.substring(sb.indexOf("\n") + 1), TableChoices.defaults().withLabel("outcome"));
        assertTrue(m.startsWith("t.csv: label=outcome: no column 'outcome' among the header's 41 columns (the closest:"
                + " Outcome, "), m);
        assertTrue(m.endsWith("did you mean 'Outcome'? (names are case-sensitive)"), m);
        assertFalse(m.contains("feature_39"), "a long header is not shown whole: " + m);
    }

    @Test
    void missingCellsAreDroppedOrFilledWithTheTrainingMean() {
        String text = "a,b,y\n1,10,0\nNA,20,1\n3,?,0\n5,30,1\n";
        assertTrue(error(text, TableChoices.defaults()).startsWith("t.csv: row 3, column 1 'a': missing value"));
        Dataset dropped = all(text, TableChoices.defaults().withMissing(TableChoices.Missing.DROP));
        assertArrayEquals(new float[] {1, 10, 5, 30}, dropped.features());
        Dataset filled = all(text, TableChoices.defaults().withMissing(TableChoices.Missing.MEAN));
        // a: mean of 1, 3, 5 = 3; b: mean of 10, 20, 30 = 20
        assertArrayEquals(new float[] {1, 10, 3, 20, 3, 20, 5, 30}, filled.features());
    }

    @Test
    void theMeansComeFromTheTrainingRowsAndTravelInTheMetadata() {
        StringBuilder sb = new StringBuilder("a,colour,y\n");
        for (int i = 0; i < 20; i++) {
            sb.append(i % 7 == 3 ? "" : Integer.toString(i)).append(',').append(i % 3 == 0 ? "red" : "\"blue, dark\"")
                    .append(',').append(i % 2).append('\n');
        }
        CsvTable t = table(sb.toString());
        TableSpec.Prepared p = TableSpec.prepare(t, TableChoices.defaults().withMissing(TableChoices.Missing.MEAN)
                .withOneHot("auto"), 0.25, 7);
        assertEquals(15, p.train().size());
        assertEquals(5, p.test().size());
        Map<String, String> meta = p.spec().metadata();
        assertEquals("classification", meta.get("data.task"));
        assertEquals("blue, dark,red", meta.get("data.one-hot.colour").replace("\"", ""));
        assertEquals(List.of("a", "colour=blue, dark", "colour=red"), TableSpec.splitList(meta.get("data.features")));
        float mean = Float.parseFloat(TableSpec.splitList(meta.get("data.fill")).get(0));
        // the mean of column a over the training rows that have it, computed here from the rows themselves
        double sum = 0;
        int n = 0;
        for (int i = 0; i < p.train().size(); i++) {
            float v = p.train().features()[i * 3];
            if (v != mean) {
                sum += v;
                n++;
            }
        }
        assertEquals(sum / n, mean, 1e-4);
        // the spec read back holds the held-out rows exactly
        TableSpec back = TableSpec.fromMetadata(meta);
        Dataset again = back.heldOut(t, 0.25, 7);
        assertArrayEquals(p.test().features(), again.features());
        assertArrayEquals(p.test().labels(), again.labels());
        assertNull(TableSpec.fromMetadata(Map.of("epoch", "3")));
    }

    @Test
    void anotherFileIsMatchedByHeaderNameAndMayLackTheLabel() {
        TableSpec spec = TableSpec.prepare(table("age,chol,target\n63,233,yes\n37,250,no\n41,204,no\n"),
                TableChoices.defaults(), 0, 1).spec();
        TableSpec.Encoded e = spec.apply(table("chol,note,age\n240,x,50\n"), false);
        assertFalse(e.labelled());
        assertArrayEquals(new float[] {50, 240}, e.data().features());
        assertTrue(e.notes().get(0).contains("column note not used"), e.notes().toString());
        String m = assertThrows(DataException.class, () -> spec.apply(table("chol,sex\n240,1\n"), false)).getMessage();
        assertTrue(m.contains("has no column 'age', which the model was trained on"), m);
        m = assertThrows(DataException.class, () -> spec.apply(table("Age,chol\n50,240\n"), false)).getMessage();
        assertEquals("t.csv: has no column 'age', which the model was trained on (its header: Age, chol);"
                + " did you mean 'Age'? (names are case-sensitive)", m);
        TableSpec.Encoded labelled = spec.apply(table("target,age,chol\nyes,50,240\n"), true);
        assertArrayEquals(new int[] {1}, labelled.data().labels(), "classes as trained: no, yes");
        // without a header: by position, with or without the label column
        assertArrayEquals(new float[] {50, 240}, spec.apply(table("50,240\n"), false).data().features());
        assertArrayEquals(new int[] {0}, spec.apply(table("50,240,no\n"), true).data().labels());
    }
}
