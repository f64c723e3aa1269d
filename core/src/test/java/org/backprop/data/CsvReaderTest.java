package org.backprop.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class CsvReaderTest {

    private static Dataset parse(String text) {
        return CsvReader.parse(text, "t.csv", CsvReader.Options.defaults());
    }

    private static String error(String text, CsvReader.Options options) {
        return assertThrows(DataException.class, () -> CsvReader.parse(text, "t.csv", options)).getMessage();
    }

    private static String error(String text) {
        return error(text, CsvReader.Options.defaults());
    }

    @Test
    void readsHeaderlessIntegerLabels() {
        Dataset d = parse("1,2,0\n3,4,1\n5,6,2\n");
        assertEquals(3, d.size());
        assertEquals(2, d.featureCount());
        assertEquals(3, d.classes());
        assertArrayEquals(new float[] {1, 2, 3, 4, 5, 6}, d.features());
        assertArrayEquals(new int[] {0, 1, 2}, d.labels());
    }

    @Test
    void detectsHeaderAndFindsNamedLabelColumn() {
        Dataset d = CsvReader.parse("target,age,chol\n1,63,233\n0,37,250\n", "t.csv",
                CsvReader.Options.defaults().withLabel("target"));
        assertArrayEquals(new float[] {63, 233, 37, 250}, d.features());
        assertArrayEquals(new int[] {1, 0}, d.labels());
    }

    @Test
    void mapsStringLabelsInSortedOrder() {
        Dataset d = parse("a,b,species\n1,2,virginica\n3,4,setosa\n5,6,versicolor\n7,8,setosa\n");
        assertEquals(List.of("setosa", "versicolor", "virginica"), d.classNames());
        assertArrayEquals(new int[] {2, 0, 1, 0}, d.labels());
    }

    @Test
    void mapsNumbersNotStartingAtZeroInNumericOrder() {
        Dataset d = parse("1,2\n3,10\n5,2\n6,9\n");
        assertEquals(List.of("2", "9", "10"), d.classNames());
        assertArrayEquals(new int[] {0, 2, 0, 1}, d.labels());
    }

    @Test
    void integralLabelSpellingsAreOneClass() {
        Dataset d = parse("1,0\n2,1.0\n3,1\n");
        assertEquals(2, d.classes());
        assertArrayEquals(new int[] {0, 1, 1}, d.labels());
    }

    @ParameterizedTest
    @ValueSource(strings = {";", "\t"})
    void detectsSemicolonAndTab(String sep) {
        Dataset d = parse(String.join(sep, "x", "y", "label") + "\n" + String.join(sep, "1.5", "2", "0")
                + "\n" + String.join(sep, "-3e2", "4", "1") + "\n");
        assertArrayEquals(new float[] {1.5f, 2, -300, 4}, d.features());
    }

    @Test
    void toleratesCrlfBlankLinesQuotesAndBom() {
        Dataset d = parse("\uFEFF\"a\",\"b\",\"y\"\r\n\"1\",2,no\r\n\r\n3,4,yes\r\n");
        assertEquals(2, d.size());
        assertEquals(List.of("no", "yes"), d.classNames());
    }

    @Test
    void declaredClassNamesMapATestFileLikeItsTrainingSet() {
        Dataset d = CsvReader.parse("1,yes\n2,yes\n", "t.csv", CsvReader.Options.defaults()
                .withClassNames(List.of("no", "yes")));
        assertEquals(2, d.classes());
        assertArrayEquals(new int[] {1, 1}, d.labels());
        assertTrue(error("1,maybe\n2,yes\n", CsvReader.Options.defaults().withClassNames(List.of("no", "yes")))
                .contains("'maybe' is not among the classes"));
    }

    @Test
    void emptyFileIsAnError() {
        assertTrue(error("").contains("empty file"));
        assertTrue(error("\n \n").contains("empty file"));
    }

    @Test
    void headerOnlyIsAnError() {
        assertTrue(error("age,chol,target\n").contains("no data rows"), error("age,chol,target\n"));
    }

    @Test
    void raggedRowNamesTheRow() {
        String m = error("1,2,0\n3,4,1\n5,0\n");
        assertTrue(m.contains("row 3 has 2 cells, expected 3"), m);
    }

    @Test
    void nonNumericCellNamesRowAndColumn() {
        String m = error("age,chol,y\n63,233,0\n37,abc,1\n");
        assertTrue(m.startsWith("t.csv: row 3, column 2 'chol': 'abc' is not a number"), m);
    }

    @ParameterizedTest
    @ValueSource(strings = {"NaN", "nan", "Infinity", "-inf", "1e39"})
    void nonFiniteValuesAreErrors(String value) {
        String m = error("1,2,0\n" + value + ",4,1\n");
        assertTrue(m.contains("row 2, column 1") && (m.contains("not a finite") || m.contains("overflows")), m);
    }

    @Test
    void missingLabelColumnNameIsAnError() {
        String m = error("a,b,c\n1,2,0\n3,4,1\n", CsvReader.Options.defaults().withLabel("target"));
        assertTrue(m.contains("label column 'target' not found"), m);
    }

    @Test
    void labelNameWithoutHeaderIsAnError() {
        String m = error("1,2,0\n3,4,1\n", CsvReader.Options.defaults().withLabel("target"));
        assertTrue(m.contains("no header"), m);
    }

    @Test
    void singleClassIsAnError() {
        assertTrue(error("1,2,1\n3,4,1\n").contains("at least 2 classes"));
    }

    @Test
    void labelsOutsideDeclaredClassesAreErrors() {
        String m = error("1,2,0\n3,4,3\n", CsvReader.Options.defaults().withClasses(3));
        assertTrue(m.contains("row 2: label '3' is outside the declared classes 0..2"), m);
        assertTrue(error("1,2,0\n3,4,x\n", CsvReader.Options.defaults().withClasses(3)).contains("'x'"));
    }

    @Test
    void singleColumnIsAnError() {
        assertTrue(error("1\n2\n").contains("at least one feature column"));
    }

    @Test
    void readsFromFileAndNamesMissingFile(@TempDir Path dir) throws IOException {
        Path p = dir.resolve("heart.csv");
        Files.writeString(p, "age,sex,target\n63,1,1\n37,1,0\n");
        assertEquals(2, CsvReader.read(p).size());
        String m = assertThrows(DataException.class, () -> CsvReader.read(dir.resolve("no.csv"))).getMessage();
        assertTrue(m.endsWith("file not found"), m);
    }

    @Test
    void forcedHeaderSettingsOverrideDetection() {
        assertEquals(2, CsvReader.parse("1,2,0\n3,4,1\n5,6,0\n", "t", CsvReader.Options.defaults()
                .withHeader(CsvReader.Header.PRESENT)).size());
        String m = error("a,b,y\n1,2,0\n", CsvReader.Options.defaults().withHeader(CsvReader.Header.ABSENT));
        assertTrue(m.contains("'a' is not a number"), m);
    }
}
