package org.unirep.jobs.report;

import static org.junit.jupiter.api.Assertions.*;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.apache.spark.sql.Row;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.unirep.compression.Mode;
import org.unirep.spark.LocalSpark;

/** The report on a fixed results fixture: curve and penalty values worked out by hand. */
class ReportJobTest {
    @Test
    void curvesAndPenaltiesOnAFixture(@TempDir Path dir) throws IOException {
        String results = ResultsFixture.write(dir), out = dir.resolve("report").toString();
        ReportJob.Result r = ReportJob.entryPoint(LocalSpark.get(), List.of(results), List.of(), out);

        assertEquals(9, r.curves().size(), "failed rows are left out; the stage-1 encoder is its own kind");
        CurvePoint e2e0 = r.curves().stream().filter(p -> p.mode().equals("rdc") && p.kind().equals("end_to_end") && p.lambda() == 0)
                .findFirst().orElseThrow();
        assertEquals(2, e2e0.seeds());
        assertEquals(0.045, e2e0.mse(), 1e-12);
        assertEquals(0.001, e2e0.mseStd(), 1e-12);
        assertEquals(1, r.curves().stream().filter(p -> p.kind().equals("shared_encoder")).count());

        assertEquals(3, r.penalties().size());
        Penalty u0 = r.penalties().get(0), u1 = r.penalties().get(1), p0 = r.penalties().get(2);
        assertEquals("rdc", u0.mode());
        assertEquals(0.0, u0.lambda());
        assertEquals(0.055, u0.e2eMseAtLevel(), 1e-12, "between (CE 0.1, MSE 0.060) and (0.3, 0.050) at CE 0.2");
        assertEquals(0.003, u0.penaltyAtLevel(), 1e-12);
        assertEquals(0.013, u0.penaltyAtLambda(), 1e-12, "against the end-to-end lambda = 0 model (0.045)");
        assertTrue(Double.isNaN(u1.penaltyAtLevel()), "CE 0.05 lies below the end-to-end curve's range");
        assertTrue(Double.isNaN(u1.penaltyAtLambda()), "no end-to-end model at lambda 0.001");
        assertEquals("rdp", p0.mode());
        assertEquals(0.04625, p0.e2eMseAtLevel(), 1e-12, "W1 0.45 between (0.1, 0.055) and (0.5, 0.045)");
        assertEquals(-0.00025, p0.penaltyAtLevel(), 1e-12);
        assertEquals(0.061, u0.encoderMse(), 1e-12, "the rdc shared encoder");
        assertEquals(0.001, u0.encoderGap(), 1e-12, "against the end-to-end model at lambda 0.015 (0.060)");
        assertEquals(0.001, u1.encoderGap(), 1e-12, "the same encoder");
        assertTrue(Double.isNaN(p0.encoderGap()), "the fixture has no rdp shared encoder");

        List<Row> table = LocalSpark.get().read().parquet(out + "/penalties").orderBy("mode", "lambda").collectAsList();
        assertEquals(3, table.size());
        assertEquals(0.003, table.get(0).<Double>getAs("penalty_at_level"), 1e-12);
        assertTrue(table.get(1).isNullAt(table.get(1).fieldIndex("penalty_at_level")));
        assertEquals(9, LocalSpark.get().read().parquet(out + "/curves").count());

        String html = Files.readString(Path.of(r.html()));
        assertTrue(html.contains("data:image/png;base64,") && html.contains("Penalties of universal decoders") && html.contains("0.00300"));
        // The summary: rdc's best and worst penalty at level (0.003; the other point is outside the curve), at lambda, the gap.
        assertTrue(html.contains("<h2>Summary</h2>"), html);
        assertTrue(html.contains("<tr><td>fx</td><td>mnist</td><td>rdc</td><td>4.755</td><td>2</td><td>0.00300</td><td>0.00300</td>"
                + "<td>0.01300</td><td>0.01300</td><td>0.00100</td></tr>"), html);
        try (Stream<Path> figs = Files.list(dir.resolve("report/figures"))) {
            List<Path> fs = figs.filter(p -> p.toString().endsWith(".png") || p.toString().endsWith(".svg")).toList();
            assertEquals(6, fs.size(), "rdc: trade-off + accuracy, rdp: trade-off; PNG and SVG each");
            for (Path f : fs) assertTrue(Files.size(f) > 1000, f + " is not empty");
        }
    }

    @Test
    void damagedRunsFilesAreLeftOutNotFatal(@TempDir Path dir) throws IOException {
        String results = ResultsFixture.write(dir), out = dir.resolve("report").toString();
        Path runs = Path.of(results, "runs", "sweep_id=fx");
        Path truncated = runs.resolve("run-" + ResultsFixture.run(Mode.RDP, false, 0.015).runId() + "-a1.parquet");
        Files.write(truncated, java.util.Arrays.copyOf(Files.readAllBytes(truncated), 100));
        Files.writeString(runs.resolve("run-0000000000000099-a1.parquet"), "not parquet");
        ReportJob.Result r = ReportJob.entryPoint(LocalSpark.get(), List.of(results), List.of(), out);
        assertEquals(8, r.curves().size());
        assertTrue(r.curves().stream().noneMatch(p -> p.mode().equals("rdp") && p.kind().equals("end_to_end") && p.lambda() == 0.015));
        assertTrue(Files.exists(truncated), "the report reads; it does not move files");
    }
}
