package org.backprop.data;

/**
 * Text from a file on its way to a terminal: control characters are shown as escapes, so a
 * newline in a name cannot break the one-line error rule and an escape sequence in a label
 * cannot retitle or clear the user's terminal.
 */
public final class Text {

    private Text() { }

    /** {@code s} with every control character (C0, DEL, C1) and bidirectional override written as an escape. */
    public static String printable(String s) {
        if (s == null) {
            return "null";
        }
        StringBuilder b = null;
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            String escape = escape(c);
            if (escape != null && b == null) {
                b = new StringBuilder(s.length() + 16).append(s, 0, i);
            }
            if (b != null) {
                if (escape != null) {
                    b.append(escape);
                } else {
                    b.append(c);
                }
            }
        }
        return b == null ? s : b.toString();
    }

    private static String escape(char c) {
        switch (c) {
            case '\n': return "\\n";
            case '\r': return "\\r";
            case '\t': return "\\t";
            default:
                boolean bidi = (c >= '\u202A' && c <= '\u202E') || (c >= '\u2066' && c <= '\u2069');
                return Character.isISOControl(c) || bidi ? String.format("\\u%04x", (int) c) : null;
        }
    }
}
