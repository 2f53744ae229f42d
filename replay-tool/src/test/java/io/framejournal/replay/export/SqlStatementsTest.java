package io.framejournal.replay.export;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.List;
import org.duckdb.DuckDBConnection;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * {@link SqlStatements#split} cuts a text where DuckDB's parser ends its statements: each case is checked against
 * DuckDB's own count ({@code json_serialize_sql} parses the whole text with DuckDB's parser and lists its statements),
 * and every piece must be one statement to DuckDB.
 */
class SqlStatementsTest {
    @TempDir
    static Path spill;

    static DuckDBConnection db;

    @BeforeAll
    static void openDuckDb() {
        db = DuckDb.open(spill);
    }

    @AfterAll
    static void closeDuckDb() throws SQLException {
        db.close();
    }

    /** How many statements DuckDB's parser finds in a text of SELECT statements. */
    static int duckDbCount(String sql) throws SQLException {
        try (PreparedStatement s = db.prepareStatement(
                "SELECT json_serialize_sql(?::VARCHAR)->>'$.error', json_array_length(json_serialize_sql(?::VARCHAR),"
                        + " '$.statements')")) {
            s.setString(1, sql);
            s.setString(2, sql);
            try (ResultSet rs = s.executeQuery()) {
                rs.next();
                assertThat(rs.getString(1)).as("DuckDB parses %s", sql).isEqualTo("false");
                return rs.getInt(2);
            }
        }
    }

    @ParameterizedTest
    @ValueSource(
            strings = {
                "SELECT 1; SELECT 2",
                "SELECT 'x;y' AS v",
                "SELECT 'it''s; fine' AS v; SELECT 2",
                "SELECT 'a\\'; SELECT 2", // a backslash escapes nothing in a plain literal
                "SELECT E'a\\';b' AS v", // ... and does in an E'' literal
                "SELECT e'\\'' AS v; SELECT 42",
                "SELECT $$a;b$$ AS v; SELECT $t$x;y$t$ AS w",
                "SELECT $t$ $u$;$u$ ; $t$ AS v",
                "SELECT 1 AS a$b; SELECT 2",
                "SELECT 1 AS \"a;b\"; SELECT 2 AS \"c\"\";d\"",
                "SELECT 1 /* a /* nested; */ still; a comment */ AS v",
                "SELECT 1 -- a comment; to the end of the line\n AS v; SELECT 2",
                "SELECT 1--2; SELECT 3\n",
                "SELECT 1 AS é; SELECT 'ü;'",
                "SELECT [1, 2] AS l, {'a': ';'} AS s; FROM (VALUES (1)) t(x)",
                "SELECT 1;;",
                "  SELECT 1 ;\n-- nothing after this\n",
            })
    void cutsWhereDuckDbsParserCuts(String sql) throws SQLException {
        List<String> pieces = SqlStatements.split(sql);
        assertThat(pieces).hasSize(duckDbCount(sql));
        for (String piece : pieces) {
            assertThat(duckDbCount(piece)).as(piece).isEqualTo(1);
        }
    }

    @Test
    void eachStatementIsKeptWithoutItsSemicolonAndEmptyOnesAreLeftOut() {
        assertThat(SqlStatements.split(" SELECT 'a;' ;; /* none */ ; SELECT 2 -- end\n; "))
                .containsExactly("SELECT 'a;'", "SELECT 2 -- end");
    }

    @Test
    void aTextWithNoStatementIsLeftWholeForDuckDbToRefuse() {
        assertThat(SqlStatements.split("-- nothing")).containsExactly("-- nothing");
        assertThat(SqlStatements.split(" ; ")).containsExactly(" ; ");
    }

    @Test
    void anUnclosedLiteralOrCommentRunsToTheEnd() {
        assertThat(SqlStatements.split("SELECT 'a; SELECT 2")).containsExactly("SELECT 'a; SELECT 2");
        assertThat(SqlStatements.split("SELECT 1 /* a; SELECT 2")).containsExactly("SELECT 1 /* a; SELECT 2");
        assertThat(SqlStatements.split("SELECT $x$ a; SELECT 2")).containsExactly("SELECT $x$ a; SELECT 2");
    }
}
