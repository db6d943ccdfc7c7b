package org.unirep.cli;

import static org.junit.jupiter.api.Assertions.*;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

class MainTest {

    record Run(int code, String out, String err) {}

    static Run run(String... args) {
        CommandLine cl = Main.commandLine();
        StringWriter out = new StringWriter(), err = new StringWriter();
        cl.setOut(new PrintWriter(out));
        cl.setErr(new PrintWriter(err));
        int code = cl.execute(args);
        return new Run(code, out.toString(), err.toString());
    }

    @Test
    void everyCommandHasHelp() {
        Set<String> commands = Main.commandLine().getSubcommands().keySet();
        assertTrue(commands.size() >= 8 && commands.containsAll(List.of("fetch", "ingest", "train-classifier", "sweep", "report",
                "fidelity", "bench")), commands.toString());
        for (String cmd : commands) {
            if (cmd.equals("help")) continue;
            Run r = run(cmd, "--help");
            assertEquals(0, r.code(), cmd);
            assertTrue(r.out().contains("Usage: unirep " + cmd), r.out());
        }
        assertTrue(run("--help").out().contains("train-classifier"));
    }

    @Test
    void errorsAreOneLineAndNonZero() {
        Run r = run("ingest", "--source", "/nonexistent", "--output", "/tmp/x", "--dataset", "cifar");
        assertEquals(1, r.code());
        assertEquals("ingest: error: unknown dataset 'cifar', expected one of mnist, fashion-mnist", r.err().strip());

        r = run("fetch", "--dest", "/tmp/unirep-none", "--from", "/nonexistent-dir");
        assertEquals(1, r.code());
        assertTrue(r.err().startsWith("fetch: error: ") && r.err().contains("/nonexistent-dir") && r.err().strip().lines().count() == 1, r.err());

        r = run("sweep", "/nonexistent.conf");
        assertEquals(1, r.code());
        assertEquals("sweep: error: /nonexistent.conf: sweep config not found", r.err().strip());

        r = run("encoder-scaling", "--modes", "rdc,rdp");
        assertEquals(1, r.code());
        assertEquals("encoder-scaling: error: --modes includes rdc, which needs --classifier DIR (from `unirep train-classifier`)",
                r.err().strip());

        r = run("train-classifier", "--ingest", "x");
        assertEquals(2, r.code(), "a missing required option is a usage error");
        assertTrue(r.err().contains("Missing required option: '--model=DIR'"), r.err());
    }
}
