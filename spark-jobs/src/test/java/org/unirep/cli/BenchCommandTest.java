package org.unirep.cli;

import static org.junit.jupiter.api.Assertions.*;

import java.util.List;
import org.junit.jupiter.api.Test;
import org.unirep.bench.CompressionBench.Figure;

class BenchCommandTest {

    /** The twin's output as bench/pytorch_twin.py prints it (2026-12-04 run, trimmed). */
    private static final List<String> TWIN = List.of(
            "PyTorch 1.13.0a0",
            "what                           threads  batch   images/s    s/epoch",
            "train rdc (critic+generator)         2     64      262.6      228.5",
            "evaluation rdc                       2    500      582.5       17.2",
            "train rdp (critic+generator)         2     64      246.1      243.8",
            "best convolution       2      228.2 GFLOP/s",
            "flops train rdc (critic+generator)        395.8 MFLOP/image",
            "flops evaluation rdc                      149.5 MFLOP/image",
            "flops train rdp (critic+generator)        442.1 MFLOP/image");

    private static final List<Figure> OURS = List.of(new Figure("train rdc (critic+generator)", 2, 64, 302.0),
            new Figure("evaluation rdc", 2, 500, 746.9), new Figure("train rdp (critic+generator)", 2, 64, 276.1));

    private static BenchCommand.TwinOutput twin(List<String> lines) {
        BenchCommand.TwinOutput t = new BenchCommand.TwinOutput();
        lines.forEach(l -> t.accept(l, OURS));
        return t;
    }

    @Test
    void printsTheRatiosAndTheWorkPerSecond() {
        List<String> out = BenchCommand.sideBySide(OURS, twin(TWIN));
        String rdp = out.stream().filter(l -> l.startsWith("train rdp") && l.endsWith("x")).findFirst().orElseThrow();
        assertTrue(rdp.matches("train rdp \\(critic\\+generator\\)\\s+2\\s+276\\.1\\s+246\\.1\\s+217\\.3\\s+243\\.8\\s+1\\.12x"), rdp);
        // 276.1 img/s x 442.1 MFLOP = 122.1 GFLOP/s; the twin's 108.8; twice the twin's 217.6; the best convolution 228.2
        String work = out.stream().filter(l -> l.startsWith("train rdp") && !l.endsWith("x")).findFirst().orElseThrow();
        assertTrue(work.matches("train rdp \\(critic\\+generator\\)\\s+2\\s+442\\.1\\s+122\\.1\\s+108\\.8\\s+217\\.6\\s+228\\.2"), work);
        assertEquals(2 * 3 + 6, out.size(), String.join("\n", out)); // two titled tables of three rows, each after a blank line
    }

    @Test
    void anOlderTwinGivesTheRatiosAlone() {
        List<String> out = BenchCommand.sideBySide(OURS, twin(TWIN.subList(0, 5)));
        assertEquals(3 + 3, out.size(), String.join("\n", out));
    }

    @Test
    void aFigureTheTwinDidNotPrintIsAnError() {
        IllegalStateException e = assertThrows(IllegalStateException.class, () -> BenchCommand.sideBySide(OURS, twin(TWIN.subList(0, 3))));
        assertEquals("the twin printed no figure for [evaluation rdc @2, train rdp (critic+generator) @2]", e.getMessage());
    }
}
