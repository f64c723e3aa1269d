package org.backprop.cli;

import java.io.IOException;
import java.util.Map;
import java.util.function.IntSupplier;
import org.jline.terminal.TerminalBuilder;

/** The terminal's width in columns, for output that must not wrap. */
final class Terminal {

    /** What a terminal that says nothing is taken to be. */
    static final int FALLBACK = 80;

    private Terminal() { }

    static int width() {
        return width(System.getenv(), Terminal::jlineWidth);
    }

    /** {@code COLUMNS} when it is set (shells export it for scripts that care), else what the terminal says, else 80. */
    static int width(Map<String, String> env, IntSupplier terminal) {
        String columns = env.get("COLUMNS");
        if (columns != null) {
            try {
                int c = Integer.parseInt(columns.trim());
                if (c >= 10 && c <= 10_000) {
                    return c;
                }
            } catch (NumberFormatException e) {
                // not a width: ask the terminal
            }
        }
        int w = terminal.getAsInt();
        return w >= 10 && w <= 10_000 ? w : FALLBACK;
    }

    /** Plain output lines (not the bar): under 100 characters, so that they read in any window. */
    static final int PLAIN = 99;

    /**
     * {@code line} in lines of at most {@code max} characters, broken after a ", " or a space
     * where possible, each continuation indented by two spaces.
     */
    static String wrap(String line, int max) {
        if (line.length() <= max) {
            return line;
        }
        StringBuilder out = new StringBuilder();
        String rest = line;
        String indent = "";
        while (indent.length() + rest.length() > max) {
            int room = max - indent.length();
            int cut = lastBreak(rest, room);
            if (cut <= room / 3) {
                cut = room;   // one long word (a path): cut it where it must be
            }
            out.append(indent).append(rest, 0, cut).append(System.lineSeparator());
            rest = rest.substring(cut).stripLeading();
            indent = "  ";
        }
        return out.append(indent).append(rest).toString();
    }

    /**
     * Where to end a line of at most {@code room} characters: after the last ", " outside
     * parentheses, else after any last ", ", else at the last space; -1 if none is far enough in.
     */
    private static int lastBreak(String s, int room) {
        int outside = -1;
        int any = -1;
        int depth = 0;
        for (int i = 0; i < Math.min(s.length() - 1, room); i++) {
            char c = s.charAt(i);
            depth += c == '(' ? 1 : c == ')' && depth > 0 ? -1 : 0;
            if (c == ',' && s.charAt(i + 1) == ' ') {
                any = i + 1;
                outside = depth == 0 ? i + 1 : outside;
            }
        }
        if (outside > room / 3) {
            return outside;
        }
        if (any > room / 3) {
            return any;
        }
        return s.lastIndexOf(' ', room);
    }

    private static int jlineWidth() {
        if (System.console() == null) {
            return 0;   // not a terminal: nothing to ask (and JLine would warn that it made a dumb one)
        }
        // nativeSignals(false): only the size is asked for; the Ctrl-C handler keeps SIGINT
        try (org.jline.terminal.Terminal t = TerminalBuilder.builder().system(true).dumb(true)
                .nativeSignals(false).build()) {
            return t.getWidth();
        } catch (IOException | RuntimeException e) {
            return 0;
        }
    }
}
