package org.unirep.jobs.report;

import static org.junit.jupiter.api.Assertions.*;

import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.apache.spark.sql.Row;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import org.unirep.compression.Mode;
import org.unirep.spark.LocalSpark;

/** The report on a fixed results fixture: curve and penalty values worked out by hand. */
class ReportJobTest {
    @RegisterExtension
    static final LocalSpark SPARK = new LocalSpark();

    @Test
    void curvesAndPenaltiesOnAFixture(@TempDir Path dir) throws IOException {
        String results = ResultsFixture.write(dir), out = dir.resolve("report").toString();
        ReportJob.Result r = ReportJob.entryPoint(SPARK.session(), List.of(results), List.of(), out);

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

        List<Row> table = SPARK.session().read().parquet(out + "/penalties").orderBy("mode", "lambda").collectAsList();
        assertEquals(3, table.size());
        assertEquals(0.003, table.get(0).<Double>getAs("penalty_at_level"), 1e-12);
        assertTrue(table.get(1).isNullAt(table.get(1).fieldIndex("penalty_at_level")));
        assertEquals(9, SPARK.session().read().parquet(out + "/curves").count());

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
        String results = ResultsFixture.write(dir, true), out = dir.resolve("report").toString();
        Path runs = Path.of(results, "runs", "sweep_id=fx");
        String victim = ResultsFixture.run(Mode.RDP, false, 0.015).runId();
        Path truncated;
        try (Stream<Path> s = Files.list(runs)) {
            truncated = s.filter(f -> f.toString().endsWith(".parquet") && SPARK.session().read().parquet(f.toString())
                    .where(org.apache.spark.sql.functions.col("run_id").equalTo(victim)).count() == 1).findFirst().orElseThrow();
        }
        Files.write(truncated, Arrays.copyOf(Files.readAllBytes(truncated), 100));
        Files.writeString(runs.resolve("run-0000000000000099-a1.parquet"), "not parquet");
        ReportJob.Result r = ReportJob.entryPoint(SPARK.session(), List.of(results), List.of(), out);
        assertEquals(8, r.curves().size());
        assertTrue(r.curves().stream().noneMatch(p -> p.mode().equals("rdp") && p.kind().equals("end_to_end") && p.lambda() == 0.015));
        assertTrue(Files.exists(truncated), "the report reads; it does not move files");
    }

    /** A browser on PATH that can render the report headless, or null. */
    static String chromium() {
        for (String dir : System.getenv().getOrDefault("PATH", "").split(File.pathSeparator)) {
            for (String name : List.of("chromium", "chromium-browser", "google-chrome")) {
                if (Files.isExecutable(Path.of(dir, name))) return Path.of(dir, name).toString();
            }
        }
        return null;
    }

    /**
     * The page as a person sees it: rendered by headless Chromium (Debian's chromium; .ci/run installs
     * it), every figure loaded with a non-zero size. A script added to a copy of the page lists each
     * image's state once the page has loaded; --dump-dom prints the DOM after that.
     */
    @Tag("slow") // starts a browser process
    @Test
    void theReportRendersInAHeadlessBrowserWithEveryFigureLoaded(@TempDir Path dir) throws Exception {
        String browser = chromium();
        Assumptions.assumeTrue(browser != null, "no chromium on PATH (apt-get install chromium); .ci/run installs it");
        String results = ResultsFixture.write(dir), out = dir.resolve("report").toString();
        ReportJob.Result r = ReportJob.entryPoint(SPARK.session(), List.of(results), List.of(), out);
        Path page = dir.resolve("check.html");
        Files.writeString(page, Files.readString(Path.of(r.html())).replace("</body>", "<script>window.addEventListener('load', () => {"
                + "const s = [...document.images].map(i => i.complete + ':' + i.naturalWidth + 'x' + i.naturalHeight);"
                + "document.body.insertAdjacentHTML('beforeend', '<pre id=imgcheck>' + s.join(',') + '</pre>')})</script></body>"));
        Process p = new ProcessBuilder(browser, "--headless", "--no-sandbox", "--disable-gpu", "--dump-dom", page.toUri().toString())
                .redirectError(ProcessBuilder.Redirect.DISCARD).start();
        String dom = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(p.waitFor(120, TimeUnit.SECONDS), "chromium did not finish");
        Matcher m = Pattern.compile("<pre id=\"imgcheck\">([^<]*)</pre>").matcher(dom);
        assertTrue(m.find(), "the page's load script ran:\n" + dom.substring(0, Math.min(dom.length(), 2000)));
        List<String> images = List.of(m.group(1).split(","));
        assertEquals(3, images.size(), "rdc: trade-off + accuracy, rdp: trade-off");
        for (String image : images) assertEquals("true:760x480", image, "every figure loaded at its size");
    }
}
