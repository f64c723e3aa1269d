package org.backprop.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class JsonTest {

    @Test
    void writtenDocumentParsesBackToTheSameValues() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("name", "quote \" backslash \\ newline \n tab \t µ ×");
        m.put("count", 3L);
        m.put("flag", true);
        m.put("missing", null);
        m.put("samples", List.of(0.5, 1.25e-7, 3.5));
        m.put("nested", List.of(Map.of("a", 1L), Map.of()));
        Object back = Json.parse(Json.write(m));
        assertEquals(m.toString(), back.toString());
    }

    @Test
    void nonFiniteNumbersAreWrittenAsNull() {
        assertEquals(List.of(), Json.array(Json.parse(Json.write(List.of()))));
        List<Object> back = Json.array(Json.parse(Json.write(List.of(Double.NaN, Double.POSITIVE_INFINITY, 1.5f,
                new double[] {Float.NaN, 2}))));
        assertEquals(java.util.Arrays.asList(null, null, 1.5, java.util.Arrays.asList(null, 2.0)), back);
    }

    @Test
    void pythonNanIsRead() {
        List<Object> l = Json.array(Json.parse("[NaN, -Infinity, 2.5e3]"));
        assertTrue(Double.isNaN((Double) l.get(0)));
        assertEquals(Double.NEGATIVE_INFINITY, l.get(1));
        assertEquals(2500.0, l.get(2));
    }

    @Test
    void badInputNamesTheOffset() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Json.parse("{\"a\": [1, 2}"));
        // Jackson's column points at or just past the stray '}' (offset 11), depending on its version
        assertTrue(e.getMessage().matches("bad JSON at line 1, column 1[23]: Unexpected close marker '}'.*"), e.getMessage());
        assertTrue(!e.getMessage().contains("\n"), e.getMessage());
    }
}
