package org.unirep.jobs.report;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import org.apache.spark.sql.SparkSession;

/**
 * The views over the results tables ({@code notebooks/sql/*.sql}, packed into the jar): the one
 * definition of the curves and penalties, run by the report job and by the notebooks alike. Each
 * file holds statements separated by ';' at a line end; {@code --} lines are comments.
 */
public final class SqlViews {
    /** {@code curves} from {@code runs}: one row per (sweep, dataset, rate, mode, kind, lambda), means and spreads over seeds. */
    public static final String CURVES = "curves.sql";
    /** {@code penalties} from {@code curves}: each universal point against the end-to-end curve. */
    public static final String PENALTIES = "penalties.sql";
    /** {@code latest} from {@code runs}: the newest attempt of every point. */
    public static final String LATEST = "latest.sql";

    private SqlViews() {}

    /** The text of one SQL file. */
    public static String text(String name) {
        String resource = "/org/unirep/sql/" + name;
        try (InputStream in = SqlViews.class.getResourceAsStream(resource)) {
            if (in == null) throw new IllegalArgumentException(name + ": no such SQL file (expected one of notebooks/sql/*.sql, packed at "
                    + resource + ")");
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(resource + ": cannot read the SQL file (" + e.getMessage() + ")", e);
        }
    }

    /** Runs the statements of one SQL file in {@code spark} (they create temp views); returns how many ran. */
    public static int create(SparkSession spark, String name) {
        int statements = 0;
        for (String statement : text(name).split(";\\s*(\\n|$)")) {
            String sql = statement.lines().filter(l -> !l.strip().startsWith("--")).reduce("", (a, b) -> a + b + "\n");
            if (sql.isBlank()) continue;
            spark.sql(sql);
            statements++;
        }
        if (statements == 0) throw new IllegalArgumentException(name + ": no SQL statement in it");
        return statements;
    }
}
