package io.framejournal.replay.export;

import java.util.ArrayList;
import java.util.List;

/**
 * A SQL text cut into its statements where DuckDB's own scanner (PostgreSQL's, in DuckDB's libpg_query) ends them:
 * at a semicolon outside every string literal ({@code '…'}, {@code E'…'} with its backslash escapes, {@code $$…$$} and
 * {@code $tag$…$tag$}), quoted identifier ({@code "…"}) and comment ({@code -- …} to the end of the line,
 * {@code /* … *}{@code /}, nested). DuckDB's JDBC driver has no call that does this (the C API's
 * {@code duckdb_extract_statements} is not exposed) and runs every statement of a text but shows only the last one's
 * result; this scanner follows the rules of DuckDB's scanner that decide where a semicolon can stand, and nothing
 * else: each statement it returns is parsed by DuckDB itself, so a statement it cut wrongly fails with DuckDB's error
 * rather than running as something else.
 */
public final class SqlStatements {
    private SqlStatements() {}

    /**
     * The statements of {@code sql} in order, each without its semicolon; those with nothing but blanks and comments
     * are left out. A text with no statement at all is returned whole, for DuckDB to say what is wrong with it.
     */
    public static List<String> split(String sql) {
        List<String> statements = new ArrayList<>();
        Scanner s = new Scanner(sql);
        int start = 0;
        boolean content = false;
        while (s.pos < sql.length()) {
            char c = sql.charAt(s.pos);
            if (c == ';') {
                add(statements, sql.substring(start, s.pos), content);
                s.pos++;
                start = s.pos;
                content = false;
            } else if (s.skipBlankOrComment()) {
                continue;
            } else {
                s.skipToken();
                content = true;
            }
        }
        add(statements, sql.substring(start), content);
        return statements.isEmpty() ? List.of(sql) : List.copyOf(statements);
    }

    private static void add(List<String> statements, String statement, boolean content) {
        if (content) {
            statements.add(statement.strip());
        }
    }

    /** A position in the text and how to step over one blank, comment or token from it. */
    private static final class Scanner {
        private final String sql;
        int pos;

        Scanner(String sql) {
            this.sql = sql;
        }

        private char at(int i) {
            return i < sql.length() ? sql.charAt(i) : '\0';
        }

        /** Steps over a blank or a comment at {@code pos}; false when there is neither. */
        boolean skipBlankOrComment() {
            char c = at(pos);
            if (Character.isWhitespace(c)) {
                pos++;
            } else if (c == '-' && at(pos + 1) == '-') {
                skipLineComment();
            } else if (c == '/' && at(pos + 1) == '*') {
                skipBlockComment();
            } else {
                return false;
            }
            return true;
        }

        /** Steps over one token: a literal, a quoted identifier, a word, a number, a parameter or one character. */
        void skipToken() {
            char c = at(pos);
            if (c == '\'') {
                skipQuoted('\'', false);
            } else if (c == '"') {
                skipQuoted('"', false);
            } else if (c == '$') {
                skipDollar();
            } else if (identifierStart(c)) {
                skipWord();
            } else if (c >= '0' && c <= '9') {
                skipNumber();
            } else {
                pos++;
            }
        }

        private void skipLineComment() {
            while (pos < sql.length() && sql.charAt(pos) != '\n' && sql.charAt(pos) != '\r') {
                pos++;
            }
        }

        /** {@code /* … *}{@code /}, nested as DuckDB nests them; one left open runs to the end. */
        private void skipBlockComment() {
            int depth = 0;
            while (pos < sql.length()) {
                if (at(pos) == '/' && at(pos + 1) == '*') {
                    depth++;
                    pos += 2;
                } else if (at(pos) == '*' && at(pos + 1) == '/') {
                    depth--;
                    pos += 2;
                    if (depth == 0) {
                        return;
                    }
                } else {
                    pos++;
                }
            }
        }

        /**
         * A literal or identifier from its opening {@code quote} to its closing one (a doubled quote inside is, for
         * where statements end, a literal closed and another opened at once). With {@code backslashEscapes} (an
         * {@code E'…'} literal) a backslash escapes the character after it. One left open runs to the end.
         */
        private void skipQuoted(char quote, boolean backslashEscapes) {
            pos++;
            while (pos < sql.length()) {
                char c = sql.charAt(pos);
                if (backslashEscapes && c == '\\') {
                    pos += 2;
                } else if (c == quote) {
                    pos++;
                    return;
                } else {
                    pos++;
                }
            }
            pos = sql.length();
        }

        /**
         * A word: a keyword or identifier, which may hold {@code $} after its first character ({@code a$b}); a lone
         * {@code E} or {@code e} right before a quote opens an escape string literal ({@code E'it\'s'}).
         */
        private void skipWord() {
            int start = pos;
            while (pos < sql.length() && identifierPart(sql.charAt(pos))) {
                pos++;
            }
            if (pos - start == 1 && (sql.charAt(start) == 'E' || sql.charAt(start) == 'e') && at(pos) == '\'') {
                skipQuoted('\'', true);
            }
        }

        /** Digits, a fraction and an exponent: a letter after them starts a word ({@code 1e'x'} is 1, then E'x'). */
        private void skipNumber() {
            skipDigits();
            if (at(pos) == '.') {
                pos++;
                skipDigits();
            }
            if ((at(pos) == 'e' || at(pos) == 'E')
                    && (isDigit(at(pos + 1)) || ((at(pos + 1) == '+' || at(pos + 1) == '-') && isDigit(at(pos + 2))))) {
                pos += 2;
                skipDigits();
            }
        }

        private void skipDigits() {
            while (isDigit(at(pos)) || at(pos) == '_') {
                pos++;
            }
        }

        /**
         * {@code $tag$…$tag$} (the tag may be empty) to its closing tag; {@code $1} (a parameter) and any other
         * {@code $} are one token.
         */
        private void skipDollar() {
            int end = pos + 1;
            if (identifierStart(at(end))) {
                while (end < sql.length() && identifierPart(sql.charAt(end)) && sql.charAt(end) != '$') {
                    end++;
                }
            }
            if (at(end) != '$') {
                pos++;
                while (isDigit(at(pos))) {
                    pos++;
                }
                return;
            }
            String tag = sql.substring(pos, end + 1);
            int close = sql.indexOf(tag, end + 1);
            pos = close < 0 ? sql.length() : close + tag.length();
        }

        private static boolean isDigit(char c) {
            return c >= '0' && c <= '9';
        }

        private static boolean identifierStart(char c) {
            return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_' || c >= 0x80;
        }

        private static boolean identifierPart(char c) {
            return identifierStart(c) || isDigit(c) || c == '$';
        }
    }
}
