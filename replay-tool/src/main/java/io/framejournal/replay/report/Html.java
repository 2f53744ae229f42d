package io.framejournal.replay.report;

/** HTML escaping: every string that comes from a region goes through here before it reaches the page. */
public final class Html {
    private Html() {}

    /**
     * Escapes text for an HTML element body or a quoted attribute value: {@code & < > " '} become entities, control
     * characters (other than tab and newline) become U+FFFD, so no string can open a tag, close an attribute or
     * smuggle an escape sequence.
     */
    public static String esc(String s) {
        if (s == null) {
            return "";
        }
        StringBuilder sb = new StringBuilder(s.length() + 16);
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            switch (c) {
                case '&':
                    sb.append("&amp;");
                    break;
                case '<':
                    sb.append("&lt;");
                    break;
                case '>':
                    sb.append("&gt;");
                    break;
                case '"':
                    sb.append("&quot;");
                    break;
                case '\'':
                    sb.append("&#39;");
                    break;
                default:
                    if ((c < 0x20 && c != '\t' && c != '\n') || c == 0x7f || (c >= 0x80 && c < 0xa0)) {
                        sb.append('\uFFFD');
                    } else {
                        sb.append(c);
                    }
            }
        }
        return sb.toString();
    }
}
