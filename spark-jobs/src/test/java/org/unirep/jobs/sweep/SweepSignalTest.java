package org.unirep.jobs.sweep;

import static org.junit.jupiter.api.Assertions.*;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import org.unirep.jobs.results.ResultsLayout;
import org.unirep.jobs.results.ResultsTables;
import org.unirep.spark.LocalSpark;
import org.unirep.spark.StandaloneCluster;
import org.unirep.testing.Await;

/**
 * A sweep stopped by SIGTERM (as {@code yarn application -kill} or a preempted driver pod stops it;
 * Ctrl-C's SIGINT takes the same path) says so in one line, with the points done and that the same
 * command resumes, and nothing about the stopped SparkContext; the same command then finishes it
 * with every point once. The sweep is the benchmark's (stand-in training) in a child JVM.
 */
@Tag("slow")
class SweepSignalTest {
    @RegisterExtension
    static final LocalSpark SPARK = new LocalSpark();

    static final int POINTS = 300;

    @TempDir Path dir;

    Process start(String results, Path log) throws Exception {
        List<String> cmd = new ArrayList<>(StandaloneCluster.javaCommand("-Xmx1g"));
        cmd.addAll(List.of("org.unirep.cli.Main", "bench-sweep", "--master", "local[2]", "--points", String.valueOf(POINTS), "--per-seed",
                "30", "--seconds", "0.05", "--child", results));
        return new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(log.toFile()).start();
    }

    @Test
    void aSweepStoppedBySigtermSaysSoInOneLineAndTheSameCommandResumes() throws Exception {
        String results = dir.resolve("results").toString();
        Path log = dir.resolve("stopped.log");
        Process p = start(results, log);
        Await.until(() -> "20 points done\n" + SweepJobTest.tail(log), Duration.ofMinutes(3),
                () -> Files.readString(log).contains("20/" + POINTS + " points ok") || !p.isAlive());
        assertTrue(p.isAlive(), "still running when stopped\n" + SweepJobTest.tail(log));
        p.destroy(); // SIGTERM
        assertTrue(p.waitFor(2, TimeUnit.MINUTES), "stopped within 2 minutes");
        assertEquals(143, p.exitValue(), "the status of a process ended by SIGTERM");
        String out = Files.readString(log);
        List<String> stopped = out.lines().filter(l -> l.contains("stopped by a signal")).toList();
        assertEquals(1, stopped.size(), out);
        assertTrue(stopped.get(0).matches("sweep bench: stopped by a signal with \\d+ of " + POINTS + " points done \\(\\d+ ended in this "
                + "submission, after \\d+m\\d\\ds\\); run the same command again to resume"), stopped.get(0));
        assertFalse(out.contains("stopped SparkContext"), out);
        assertFalse(out.contains(": error:"), out);

        Process again = start(results, dir.resolve("resumed.log"));
        assertTrue(again.waitFor(5, TimeUnit.MINUTES));
        assertEquals(0, again.exitValue(), SweepJobTest.tail(dir.resolve("resumed.log")));
        assertTrue(java.util.regex.Pattern.compile("fan-out\\), [1-9][0-9]* already done").matcher(Files.readString(dir.resolve("resumed.log")))
                .find(), "it resumed: " + SweepJobTest.tail(dir.resolve("resumed.log")));
        assertFalse(Files.readString(dir.resolve("resumed.log")).contains("stopped by a signal"), "a sweep that ends says nothing at exit");
        Dataset<Row> runs = ResultsTables.read(SPARK.session(), new ResultsLayout(results), ResultsLayout.RUNS, "bench");
        assertEquals(POINTS, runs.where("status = 'ok'").select("run_id").distinct().count(), "every point ok");
        assertEquals(runs.count(), runs.select("run_id", "attempt").distinct().count(), "none twice");
    }
}
