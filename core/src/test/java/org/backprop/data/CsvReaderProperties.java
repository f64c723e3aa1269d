package org.backprop.data;

import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

/** Any text either parses into a consistent dataset or fails with DataException. */
class CsvReaderProperties {

    @Property(tries = 500)
    void anyTextParsesOrFailsWithOurException(@ForAll("csvish") String text) {
        try {
            Dataset d = CsvReader.parse(text, "p.csv", CsvTable.Header.AUTO, null, TableChoices.defaults());
            // a classification has at least 2 classes; a continuous label reads as a regression target per row
            boolean labels = d.isRegression() ? d.values().length == d.size() : d.classes() >= 2;
            if (d.size() * d.featureCount() != d.features().length || !labels) {
                throw new AssertionError("inconsistent dataset " + d);
            }
        } catch (DataException expected) {
            // our type: fine
        }
    }

    @Property(tries = 300)
    void validTablesRoundTrip(@ForAll("tables") int[][] table) {
        StringBuilder s = new StringBuilder("f0,f1,label\n");
        for (int[] row : table) {
            s.append(row[0]).append(',').append(row[1]).append(',').append(row[2]).append('\n');
        }
        // a declared class count accepts any labels inside it, even a single class
        Dataset d = CsvReader.parse(s.toString(), "p.csv", CsvTable.Header.AUTO, null,
                TableChoices.defaults().withClasses(3));
        for (int i = 0; i < table.length; i++) {
            if (d.features()[2 * i] != table[i][0] || d.features()[2 * i + 1] != table[i][1]
                    || d.labels()[i] != table[i][2]) {
                throw new AssertionError("row " + i + " differs");
            }
        }
    }

    @Provide
    Arbitrary<String> csvish() {
        return Arbitraries.strings().withChars("0123456789,.;\t\n\r-+eEaN\"x ").ofMaxLength(80);
    }

    @Provide
    Arbitrary<int[][]> tables() {
        Arbitrary<int[]> row = Arbitraries.integers().between(-1000, 1000).array(int[].class).ofSize(3)
                .map(r -> new int[] {r[0], r[1], Math.floorMod(r[2], 3)});
        return row.array(int[][].class).ofMinSize(1).ofMaxSize(20);
    }
}
