package org.unirep.notebook;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import io.github.spencerpark.jupyter.kernel.display.DisplayData;
import io.github.spencerpark.jupyter.kernel.display.mime.MIMEType;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Assertions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import org.unirep.jobs.report.ResultsFixture;
import org.unirep.spark.LocalSpark;

/**
 * Every notebook in notebooks/, cell by cell through the kernel (no Jupyter needed), on the report's
 * hand-worked fixture, whose penalties lie inside the end-to-end curves (the smoke sweep's do not).
 * CI also executes them through Jupyter on the smoke sweep's results (notebooks/execute).
 */
class NotebooksTest {
    @RegisterExtension
    static final LocalSpark SPARK = new LocalSpark();

    static final Path NOTEBOOKS = Path.of("").toAbsolutePath().getParent().resolve("notebooks");
    static final List<DisplayData> shown = new ArrayList<>();

    @BeforeAll
    static void setUp(@TempDir Path dir) throws Exception {
        JavaKernelTest.attachAgent(dir);
        SPARK.session();
        System.setProperty("unirep.results", ResultsFixture.write(dir));
        System.setProperty("unirep.home", NOTEBOOKS.getParent().toString());
        Notebook.displayWith(shown::add);
    }

    /** Runs a notebook's code cells in a fresh kernel; returns the kernel for further questions. */
    static JavaKernel execute(String name) throws Exception {
        JsonObject nb = new JsonParser().parse(Files.readString(NOTEBOOKS.resolve(name))).getAsJsonObject();  // gson 2.8 (the kernel library's)
        assertEquals("unirep-java", nb.getAsJsonObject("metadata").getAsJsonObject("kernelspec").get("name").getAsString());
        JavaKernel kernel = new JavaKernel();
        int cell = 0;
        for (JsonElement c : nb.getAsJsonArray("cells")) {
            cell++;
            JsonObject o = c.getAsJsonObject();
            if (!o.get("cell_type").getAsString().equals("code")) continue;
            assertTrue(o.getAsJsonArray("outputs").size() == 0, name + " cell " + cell + ": notebooks are kept without outputs");
            StringBuilder src = new StringBuilder();
            JsonElement s = o.get("source");
            if (s.isJsonArray()) s.getAsJsonArray().forEach(l -> src.append(l.getAsString()));
            else src.append(s.getAsString());
            try {
                kernel.eval(src.toString());
            } catch (Exception e) {
                fail(name + " cell " + cell + " failed:\n" + String.join("\n", kernel.formatError(e)));
            }
        }
        return kernel;
    }

    static long images() {
        return shown.stream().filter(d -> d.hasDataForType(MIMEType.IMAGE_PNG)).count();
    }

    @Test
    void everyNotebookIsTested() throws Exception {
        try (Stream<Path> files = Files.list(NOTEBOOKS)) {
            assertEquals(List.of("01-results-tables.ipynb", "02-paper-figures.ipynb", "03-queries.ipynb"),
                    files.map(p -> p.getFileName().toString()).filter(f -> f.endsWith(".ipynb")).sorted().toList());
        }
    }

    @Test
    void aRootWithoutTablesIsNamed(@TempDir Path empty) {
        IllegalArgumentException e = Assertions.assertThrows(IllegalArgumentException.class,
                () -> Notebook.openResults(empty.toString()));
        assertEquals(empty.resolve("runs") + " not found: " + empty + " holds no sweep results (set UNIREP_RESULTS to a sweep's "
                + "results root before starting the kernel, or run bin/quickstart)", e.getMessage());
    }

    @Test
    void resultsTables() throws Exception {
        shown.clear();
        JavaKernel k = execute("01-results-tables.ipynb");
        assertEquals("10", text(k.eval("spark.sql(\"SELECT count(*) FROM latest WHERE status = 'ok'\").first().getLong(0)")));
        assertEquals("1", text(k.eval("spark.sql(\"SELECT count(*) FROM latest WHERE status = 'failed'\").first().getLong(0)")));
        assertEquals(1, images(), "the learning-curve chart");
        k.close();
    }

    @Test
    void paperFigures() throws Exception {
        shown.clear();
        JavaKernel k = execute("02-paper-figures.ipynb");
        assertEquals("9", text(k.eval("spark.table(\"curves\").count()")));
        // the report's figures: a trade-off chart per mode (rdc, rdp), an accuracy chart for rdc
        assertEquals(2 + 1, images());
        k.close();
    }

    @Test
    void queries() throws Exception {
        shown.clear();
        JavaKernel k = execute("03-queries.ipynb");
        // The hand-worked penalties of ReportJobTest, now from the notebook's SQL.
        assertEquals("0.003", rounded(k, "SELECT penalty_at_level FROM penalties WHERE mode = 'rdc' AND lambda = 0"));
        assertEquals("0.013", rounded(k, "SELECT penalty_at_lambda FROM penalties WHERE mode = 'rdc' AND lambda = 0"));
        assertEquals("-2.5E-4", rounded(k, "SELECT penalty_at_level FROM penalties WHERE mode = 'rdp'"));
        assertEquals("null", rounded(k, "SELECT penalty_at_level FROM penalties WHERE mode = 'rdc' AND lambda = 0.001"));
        // All fixture runs have accuracy 0.9: every floor up to 0.9 picks the lowest-MSE model of each kind.
        assertEquals("0.045", rounded(k, "SELECT mse FROM best WHERE floor = 0.9 AND kind = 'end_to_end'"));
        assertEquals("0.0", rounded(k, "SELECT best_lambda FROM best WHERE floor = 0.9 AND kind = 'universal'"));
        assertEquals("0", text(k.eval("spark.sql(\"SELECT count(*) FROM best WHERE floor = 0.95\").first().getLong(0)")));
        assertEquals(1, images(), "the penalty-by-rate chart");
        k.close();
    }

    static String rounded(JavaKernel k, String sql) throws Exception {
        return text(k.eval("var r = spark.sql(\"" + sql.replace("\"", "\\\"")
                + "\").first();\nr.isNullAt(0) ? \"null\" : String.valueOf(Math.round(r.getDouble(0) * 1e9) / 1e9)")).replace("\"", "");
    }

    static String text(DisplayData d) {
        return d == null ? null : (String) d.getData(MIMEType.TEXT_PLAIN);
    }
}
