package org.unirep.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.unirep.jobs.sweep.SweepKeys;

/** docs/cli.md and docs/sweep-config.md against the code they are generated from: regenerate with `bin/unirep docs --out docs`. */
class GeneratedDocsTest {
    static Path docs() {
        for (Path p = Path.of("").toAbsolutePath(); p != null; p = p.getParent()) {
            if (Files.isDirectory(p.resolve("docs")) && Files.isDirectory(p.resolve("spark-jobs"))) return p.resolve("docs");
        }
        throw new IllegalStateException("docs/ not found above " + Path.of("").toAbsolutePath());
    }

    @Test
    void generatedPagesAreUpToDate() throws IOException {
        for (Map.Entry<String, String> e : DocsCommand.pages().entrySet()) {
            Path p = docs().resolve(e.getKey());
            assertTrue(Files.isRegularFile(p), p + " missing: run `bin/unirep docs --out docs`");
            assertEquals(e.getValue(), Files.readString(p), p + " is out of date: run `bin/unirep docs --out docs` and commit it");
        }
    }

    @Test
    void everySweepKeyIsDocumentedWithItsDefault() {
        String page = SweepKeys.markdown();
        for (SweepKeys.Key<?> k : SweepKeys.all()) {
            assertTrue(page.contains("| `" + k.path() + "` |"), k.path());
            assertTrue(k.doc.length() > 10, k.path() + ": a real doc string");
        }
        assertTrue(page.contains("| `sweep.epochs` | int | `30` | an integer >= 1 |"), page);
        assertTrue(page.contains("| `sweep.rates` | list of [int, int] | `[[3,3]]` |"), page);
        assertTrue(page.contains("| `sweep.id` | string | (required) |"), page);
    }
}
