package org.backprop.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
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
        return parse(text, TableChoices.defaults());
    }

    private static Dataset parse(String text, TableChoices choices) {
        return CsvReader.parse(text, "t.csv", CsvTable.Header.AUTO, null, choices);
    }

    private static String error(String text, TableChoices choices) {
        return assertThrows(DataException.class, () -> parse(text, choices)).getMessage();
    }

    private static String error(String text) {
        return error(text, TableChoices.defaults());
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
        Dataset d = parse("target,age,chol\n1,63,233\n0,37,250\n", TableChoices.defaults().withLabel("target"));
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
        Dataset d = parse("1,8\n3,10\n5,8\n6,9\n");
        assertEquals(List.of("8", "9", "10"), d.classNames());
        assertArrayEquals(new int[] {0, 2, 0, 1}, d.labels());
    }

    @Test
    void aStrayIntegerLabelIsAnErrorNamingItsRowNotAMillionClasses() {
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < 2000; i++) {
            sb.append(i).append(',').append(i == 1234 ? 999999 : i % 2).append('\n');
        }
        String m = error(sb.toString());
        assertTrue(m.contains("row 1235: label 999999 leaves a gap: the integer labels run 0..1 and then 999999"
                + " (2..999998 never occur)"), m);
    }

    @Test
    void quotedSeparatorsAndExcelsSepLineAreRead() {
        Dataset d = parse("sep=;\n\"name; with semicolon\";x;label\n\"1.5\";2;a\n3;\"4\";\"b;c\"\n-1;0;a\n");
        assertEquals(List.of("a", "b;c"), d.classNames());
        assertEquals(3, d.size());
        assertEquals(2, d.featureCount());
        String m = error("a,b,label\n\"1,2,0\n");
        assertTrue(m.contains("row 2: a quoted cell opened in this row is never closed"), m);
    }

    @Test
    void utf16IsNamedNotARaggedRow(@TempDir Path dir) throws IOException {
        Path f = dir.resolve("excel.csv");
        byte[] text = "a,b,label\n1,2,0\n3,4,1\n".getBytes(java.nio.charset.StandardCharsets.UTF_16LE);
        byte[] bom = {(byte) 0xFF, (byte) 0xFE};
        Files.write(f, bom);
        Files.write(f, text, java.nio.file.StandardOpenOption.APPEND);
        String m = assertThrows(DataException.class, () -> CsvReader.read(f)).getMessage();
        assertTrue(m.contains("the file is UTF-16 (byte-order mark FF FE); save it as UTF-8"), m);
        Files.write(f, text);
        m = assertThrows(DataException.class, () -> CsvReader.read(f)).getMessage();
        assertTrue(m.contains("UTF-16 without a byte-order mark"), m);
    }

    @Test
    void aRaggedRowSaysWhichSeparatorWouldFit() {
        String m = error("a,b,label\n1,2,0\n3;4;1\n");
        assertTrue(m.contains("row 3 has 1 cells, expected 3") && m.contains("is the separator ';'"), m);
    }

    @Test
    void controlCharactersFromTheFileAreEscapedInMessages() {
        // an escape sequence that would clear the terminal, in a test file's label
        String m = error("1,ok\n2,x\u001b[2J\u0007\n", TableChoices.defaults().withClassNames(List.of("ok", "no")));
        assertFalse(m.contains("\u001b") || m.contains("\u0007"), m);
        assertTrue(m.contains("label 'x\\u001b[2J' is not among the classes"), m);
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
        Dataset d = parse("1,yes\n2,yes\n", TableChoices.defaults().withClassNames(List.of("no", "yes")));
        assertEquals(2, d.classes());
        assertArrayEquals(new int[] {1, 1}, d.labels());
        assertTrue(error("1,maybe\n2,yes\n", TableChoices.defaults().withClassNames(List.of("no", "yes")))
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
    @ValueSource(strings = {"NaN", "nan", "NA", "?", ""})
    void missingCellsAreErrorsNamingRowAndColumnByDefault(String value) {
        String m = error("x,y,label\n1,2,0\n" + value + ",4,1\n");
        assertTrue(m.startsWith("t.csv: row 3, column 1 'x': missing value"), m);
    }

    @ParameterizedTest
    @ValueSource(strings = {"Infinity", "-inf", "1e39"})
    void nonFiniteValuesAreErrors(String value) {
        String m = error("1,2,0\n" + value + ",4,1\n");
        assertTrue(m.contains("row 2, column 1") && (m.contains("not a finite") || m.contains("overflows")), m);
    }

    @Test
    void missingLabelColumnNameIsAnError() {
        String m = error("a,b,c\n1,2,0\n3,4,1\n", TableChoices.defaults().withLabel("target"));
        assertEquals("t.csv: label=target: no column 'target' in the header (a, b, c)", m);
    }

    @Test
    void labelNameWithoutHeaderIsAnError() {
        String m = error("1,2,0\n3,4,1\n", TableChoices.defaults().withLabel("target"));
        assertTrue(m.contains("no header"), m);
    }

    @Test
    void singleClassIsAnError() {
        assertTrue(error("1,2,1\n3,4,1\n").contains("at least 2 classes"));
    }

    @Test
    void labelsOutsideDeclaredClassesAreErrors() {
        String m = error("1,2,0\n3,4,3\n", TableChoices.defaults().withClasses(3));
        assertTrue(m.contains("row 2: label '3' is not among the classes [0, 1, 2]"), m);
        assertTrue(error("1,2,0\n3,4,x\n", TableChoices.defaults().withClasses(3)).contains("'x'"));
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
        assertEquals(2, CsvReader.parse("1,2,0\n3,4,1\n5,6,0\n", "t", CsvTable.Header.PRESENT, null,
                TableChoices.defaults()).size());
        String m = assertThrows(DataException.class, () -> CsvReader.parse("a,b,y\n1,2,0\n", "t",
                CsvTable.Header.ABSENT, null, TableChoices.defaults())).getMessage();
        assertTrue(m.contains("'a' is not a number"), m);
    }
}
