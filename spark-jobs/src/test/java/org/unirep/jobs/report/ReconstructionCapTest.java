package org.unirep.jobs.report;

import static org.junit.jupiter.api.Assertions.*;

import java.awt.image.BufferedImage;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.unirep.cli.Main;
import org.unirep.data.DatasetName;
import org.unirep.data.LabeledImages;
import org.unirep.data.Split;
import org.unirep.io.HadoopFiles;

/** The cap on a panel's reconstructions: which models Reconstructions.pick keeps, and the report's grid and caption. */
class ReconstructionCapTest {
    static CurvePoint point(double rate, String kind, double lambda) {
        return new CurvePoint("s", "mnist", rate, "rdc", kind, lambda, 0.015, 1, 0.05 + lambda, 0, 0.3 - lambda, 0, 0.9, 0, Double.NaN, 0,
                null);
    }

    /** {@code n} points of one curve (4.75 bits, end-to-end), lambda 0, 0.001, ... */
    static List<CurvePoint> curve(int n) {
        return curve(4.75, CurvePoint.END_TO_END, n);
    }

    static List<CurvePoint> curve(double rate, String kind, int n) {
        List<CurvePoint> ps = new ArrayList<>();
        for (int i = 0; i < n; i++) ps.add(point(rate, kind, i * 0.001));
        return ps;
    }

    /** A panel as the report sorts it, 37 models: 2 bits (end-to-end 10, universal 10, the shared encoder), 4.75 bits (10, 6). */
    static List<CurvePoint> panel() {
        List<CurvePoint> ps = new ArrayList<>(curve(2.0, CurvePoint.END_TO_END, 10));
        ps.addAll(curve(2.0, CurvePoint.UNIVERSAL, 10));
        ps.addAll(curve(2.0, CurvePoint.SHARED_ENCODER, 1));
        ps.addAll(curve(4.75, CurvePoint.END_TO_END, 10));
        ps.addAll(curve(4.75, CurvePoint.UNIVERSAL, 6));
        return ps;
    }

    /** The positions in {@code all} of the picked points. */
    static List<Integer> at(List<CurvePoint> all, List<CurvePoint> picked) {
        return picked.stream().map(all::indexOf).toList();
    }

    @Test
    void aCapOfAtLeastTheSizeKeepsEveryModelInOrder() {
        List<CurvePoint> ps = panel();
        assertEquals(ps, Reconstructions.pick(ps, 37));
        assertEquals(ps, Reconstructions.pick(ps, 1000));
        assertEquals(List.of(), Reconstructions.pick(List.of(), 1));
    }

    @Test
    void oneCurveIsSpreadEvenlyWithItsEnds() {
        List<CurvePoint> ps = curve(37);
        assertEquals(List.of(0), at(ps, Reconstructions.pick(ps, 1)), "too few for both ends: the first");
        assertEquals(List.of(0, 36), at(ps, Reconstructions.pick(ps, 2)), "the lowest and highest lambda");
        assertEquals(List.of(0, 9, 18, 27, 36), at(ps, Reconstructions.pick(ps, 5)));
        assertEquals(List.of(0, 4, 8, 12, 16, 20, 24, 28, 32, 36), at(ps, Reconstructions.pick(ps, 10)));
    }

    @Test
    void severalRatesAndKindsEachKeepTheirEndsThenShareTheRest() {
        List<CurvePoint> ps = panel();
        // The curves start at 0, 10, 20 (the encoder alone), 21, 31.
        assertEquals(List.of(0, 9, 10, 19, 20, 21, 30, 31, 36), at(ps, Reconstructions.pick(ps, 9)), "9 ends: just those");
        // 3 more for 28 inner points (8, 8, 0, 8, 4): 0.86 each to the three curves of 10, largest remainder, the first ones first
        assertEquals(List.of(0, 5, 9, 10, 15, 19, 20, 21, 26, 30, 31, 36), at(ps, Reconstructions.pick(ps, 12)));
        assertEquals(List.of(0, 9, 18, 27, 36), at(ps, Reconstructions.pick(ps, 5)), "too few for every curve's ends: evenly over all");
        assertEquals(List.of(0), at(ps, Reconstructions.pick(ps, 1)));
    }

    @Test
    void everyCapGivesThatManyInOrderWithTheEndsWhereTheyFit() {
        List<CurvePoint> ps = panel();
        List<Integer> ends = List.of(0, 9, 10, 19, 20, 21, 30, 31, 36);
        for (int max = 1; max <= 40; max++) {
            List<Integer> idx = at(ps, Reconstructions.pick(ps, max));
            assertEquals(Math.min(max, ps.size()), idx.size(), "cap " + max);
            for (int i = 1; i < idx.size(); i++) assertTrue(idx.get(i - 1) < idx.get(i), "in order, none twice: cap " + max + " " + idx);
            if (max >= ends.size()) assertTrue(idx.containsAll(ends), "cap " + max + " keeps every curve's ends: " + idx);
            assertEquals(idx, at(ps, Reconstructions.pick(ps, max)), "deterministic");
            int big = count(idx, 0, 10), small = count(idx, 31, 37);
            if (max >= ends.size()) assertTrue(big >= small, "a curve of 10 gets no fewer than one of 6: cap " + max + " " + idx);
        }
    }

    static int count(List<Integer> idx, int from, int to) {
        return (int) idx.stream().filter(i -> i >= from && i < to).count();
    }

    @Test
    void aCapBelowOneIsRejectedByName() {
        for (int max : new int[] {0, -3}) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Reconstructions.pick(panel(), max));
            assertTrue(e.getMessage().contains("at least 1") && e.getMessage().contains(String.valueOf(max)), e.getMessage());
        }
    }

    /** The CLI rejects a cap below 1 before it starts Spark or reads anything. */
    @Test
    void theCommandLineRejectsACapBelowOne(@TempDir Path dir) {
        StringWriter err = new StringWriter();
        var cl = Main.commandLine();
        cl.setErr(new PrintWriter(err));
        int rc = cl.execute("report", "--results", dir.resolve("none").toString(), "--out", dir.resolve("out").toString(),
                "--max-reconstructions", "0");
        assertEquals(1, rc, err.toString());
        assertTrue(err.toString().contains("--max-reconstructions 0: expected at least 1"), err.toString());
        assertFalse(Files.exists(dir.resolve("out")));
    }

    /** The report draws the cap's rows (models without a saved one get a grey row) and says so in the caption. */
    @Test
    void theReportDrawsAtMostTheCapAndSaysHowMany(@TempDir Path dir) throws IOException {
        int n = Reconstructions.DIGITS;
        LabeledImages test = new LabeledImages(Split.TEST, DatasetName.ROWS, DatasetName.COLS, new byte[n * DatasetName.PIXELS], new byte[n]);
        String html = Files.readString(Path.of(HtmlReport.write(HadoopFiles.local(), dir.toString(), panel(), List.of(), test, 5)));
        assertTrue(html.contains("<figcaption>Reconstructions of the first test digits: s / mnist / rdc. 5 of 37 models shown ("), html);
        int cell = DatasetName.ROWS * Reconstructions.SCALE + Reconstructions.GAP;
        try (var figs = Files.list(dir.resolve("figures"))) {
            Path grid = figs.filter(p -> p.getFileName().toString().startsWith("recon")).findFirst().orElseThrow();
            BufferedImage img = ImageIO.read(grid.toFile());
            assertEquals((5 + 1) * cell + Reconstructions.GAP, img.getHeight(), "the originals and 5 models");
        }
        String all = Files.readString(Path.of(HtmlReport.write(HadoopFiles.local(), dir.toString(), panel(), List.of(), test, 100)));
        assertTrue(all.contains("37 of 37 models shown.</figcaption>"), all);
    }
}
