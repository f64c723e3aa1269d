package org.backprop.data;

import java.io.FilterReader;
import java.io.IOException;
import java.io.Reader;

/** Counts characters since the last line break outside quotes, so one endless row is refused while reading. */
final class RowLimit extends FilterReader {
    private final String source;
    private long run;
    private long cells = 1;
    char delimiter = '\uFFFF';
    private int line = 1;
    private boolean quoted;

    RowLimit(Reader in, String source) {
        super(in);
        this.source = source;
    }

    @Override
    public int read() throws IOException {
        int c = super.read();
        if (c >= 0) {
            count((char) c);
        }
        return c;
    }

    @Override
    public int read(char[] buf, int off, int len) throws IOException {
        int n = super.read(buf, off, len);
        for (int i = 0; i < n; i++) {
            count(buf[off + i]);
        }
        return n;
    }

    private void count(char c) {
        if (c == '"') {
            quoted = !quoted;
        }
        if (!quoted && (c == '\n' || c == '\r')) {
            if (c == '\n') {
                line++;
            }
            run = 0;
            cells = 1;
            return;
        }
        if (!quoted && c == delimiter && ++cells > CsvTable.MAX_ROW_CELLS) {
            throw new DataException(source + ": row " + line + " has more than " + CsvTable.MAX_ROW_CELLS
                    + " cells: not a table of features this reader accepts");
        }
        if (++run > CsvTable.MAX_ROW_CHARS) {
            throw new DataException(source + ": row " + line + " is longer than " + CsvTable.MAX_ROW_CHARS
                    + " characters: not a table of features this reader accepts (is it CSV at all?)");
        }
    }
}
