package org.unirep.jobs.bench;

import java.io.File;
import java.io.IOException;
import java.io.PrintStream;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryPoolMXBean;
import java.lang.management.MemoryType;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import java.util.stream.Stream;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.unirep.jobs.fanout.StandInTrainer;
import org.unirep.jobs.report.ReportJob;
import org.unirep.jobs.results.ResultsLayout;
import org.unirep.jobs.results.ResultsTables;
import org.unirep.jobs.sweep.SweepConfig;
import org.unirep.jobs.sweep.SweepJob;
import org.unirep.jobs.sweep.SweepPlan;
import org.unirep.spark.TaskSlots;

/**
 * The sweep benchmark: a sweep of N points whose training is a stand-in ({@link StandInTrainer}:
 * a sleep of d seconds and a tiny model), run by the real scheduler, Spark jobs, journal, tables
 * and report on this Spark master. Prints one line per figure: wall time over the ideal N·d/S
 * (S task slots), CPU per point, commits and data files, a no-op resubmission, the report, a top-10
 * query, peak heap; with kills, the same sweep run in child JVMs killed (SIGKILL) at seeded random
 * moments, then finished, with its rows checked: none lost, none duplicated.
 */
public final class SweepBench {
    private SweepBench() {}

    public record Options(int points, double seconds, String dir, int kills, long seed, int perSeed) {}

    /** The figures, as printed. */
    public record Figures(int points, int slots, double wall, double ideal, double driverCpuMsPerPoint, long commits, long filesWritten,
                          long runsFiles, long metricsFiles, double resubmit, double report, double top10, long peakHeapMb) {}

    /** A sweep config of {@code points} points (rounded up to whole seeds of {@code perSeed}): one encoder per seed, the rest half universal, half end to end. */
    public static String config(String id, String results, int points, int perSeed) {
        int per = Math.max(2, Math.min(points, perSeed));
        int seeds = (points + per - 1) / per, universal = (per - 1) / 2, endToEnd = per - 1 - universal;
        // The end-to-end grid leaves out the encoder's lambda, so no point is skipped as the encoder itself.
        String u = IntStream.range(0, universal).mapToObj(i -> String.valueOf(i / 1000.0)).collect(Collectors.joining(", "));
        String e = IntStream.range(0, endToEnd).mapToObj(i -> String.valueOf(1 + i / 1000.0)).collect(Collectors.joining(", "));
        String s = IntStream.rangeClosed(1, seeds).mapToObj(String::valueOf).collect(Collectors.joining(", "));
        return """
                sweep {
                  id = %s
                  ingest = "none (stand-in trainer)"
                  classifier = null
                  results = "%s"
                  rates = [[3, 3]]
                  modes = [rdp]
                  seeds = [%s]
                  epochs = 1
                  encoder { workers = 1 }
                  rdp { encoder-lambda = 0.5, universal-lambdas = [%s], end-to-end-lambdas = [%s] }
                  retries = 0
                }
                """.formatted(id, results, s, u, e);
    }

    public static Figures run(SparkSession spark, Options o, PrintStream out) throws Exception {
        String results = Path.of(o.dir(), "results").toAbsolutePath().toString();
        SweepConfig c = SweepConfig.parse(config("bench", results, o.points(), o.perSeed()), List.of(), "bench-sweep");
        StandInTrainer standIn = new StandInTrainer(o.seconds());
        int slots = TaskSlots.now(org.apache.spark.api.java.JavaSparkContext.fromSparkContext(spark.sparkContext()));
        var os = (com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean();
        List<MemoryPoolMXBean> heap = ManagementFactory.getMemoryPoolMXBeans().stream().filter(p -> p.getType() == MemoryType.HEAP).toList();
        heap.forEach(MemoryPoolMXBean::resetPeakUsage);

        TaskCpu tasks = new TaskCpu();
        spark.sparkContext().addSparkListener(tasks);
        var threads0 = ThreadCpu.now();
        ThreadCpu.Sampler sampler = new ThreadCpu.Sampler();
        long cpu0 = os.getProcessCpuTime(), t0 = System.nanoTime();
        SweepJob.Result r = SweepJob.entryPoint(spark, c, standIn);
        double wall = (System.nanoTime() - t0) / 1e9, cpu = (os.getProcessCpuTime() - cpu0) / 1e6;
        var byThread = ThreadCpu.between(threads0, sampler.seen());
        sampler.close();
        cpu -= sampler.ownSeconds() * 1000; // the sampler is the benchmark's, not the sweep's
        byThread.remove("thread-cpu-samp");
        spark.sparkContext().listenerBus().waitUntilEmpty();
        spark.sparkContext().removeSparkListener(tasks);
        double taskCpu = tasks.nanos.sum() / 1e6;
        if (r.ok() != r.total()) throw new IllegalStateException("bench sweep: " + r.ok() + " of " + r.total() + " points ok");
        int n = r.total();
        double ideal = n * o.seconds() / slots;
        out.printf("sweep: %d points, d = %.3f s, %d task slots: wall %.1f s, ideal N*d/S %.1f s, ratio %.3f%n", n, o.seconds(), slots, wall,
                ideal, ideal > 0 ? wall / ideal : Double.NaN);
        out.printf("cpu: driver %.2f ms per point (the process's CPU less its Spark tasks'); %.2f ms per point in all (tasks: stand-in, "
                + "commits' writes)%n", (cpu - taskCpu) / n, cpu / n);
        if (!byThread.isEmpty()) {
            double listed = byThread.values().stream().mapToDouble(Double::doubleValue).sum() * 1000;
            out.printf("cpu by thread (ms per point, tasks' threads included; names cut at 15 characters): %s; unaccounted %.2f%n",
                    byThread.entrySet().stream().limit(12).map(e -> String.format("%s %.2f", e.getKey(), e.getValue() * 1000 / n))
                            .collect(Collectors.joining(", ")), (cpu - listed) / n);
        }

        ResultsLayout layout = new ResultsLayout(results);
        long commits = logVersions(layout, ResultsLayout.RUNS) + logVersions(layout, ResultsLayout.METRICS);
        long written = parquetOnDisk(layout, ResultsLayout.RUNS) + parquetOnDisk(layout, ResultsLayout.METRICS);
        long runsFiles = ResultsTables.dataFiles(spark, layout, ResultsLayout.RUNS, null).length;
        long metricsFiles = ResultsTables.dataFiles(spark, layout, ResultsLayout.METRICS, null).length;
        out.printf("tables: %d transactions (both tables, compaction included), %d data files written; now %d runs and %d metrics data "
                + "files (%d and %d rows)%n", commits, written, runsFiles, metricsFiles,
                ResultsTables.read(spark, layout, ResultsLayout.RUNS).count(), ResultsTables.read(spark, layout, ResultsLayout.METRICS).count());

        t0 = System.nanoTime();
        SweepJob.Result again = SweepJob.entryPoint(spark, c, standIn);
        double resubmit = (System.nanoTime() - t0) / 1e9;
        if (again.skipped() != n) throw new IllegalStateException("the resubmission trained " + (n - again.skipped()) + " points again");
        out.printf("resubmit: %.2f s for a no-op resubmission of the finished sweep (Spark session up)%n", resubmit);

        t0 = System.nanoTime();
        ReportJob.entryPoint(spark, List.of(results), List.of(), Path.of(o.dir(), "report").toString());
        double report = (System.nanoTime() - t0) / 1e9;
        out.printf("report: %.1f s%n", report);

        t0 = System.nanoTime();
        List<Row> top = ResultsTables.read(spark, layout, ResultsLayout.RUNS).where("status = 'ok'").orderBy("mse").limit(10)
                .select("run_id", "mse").collectAsList();
        double top10 = (System.nanoTime() - t0) / 1e9;
        out.printf("query: %.2f s for the top 10 runs by MSE (%d rows)%n", top10, top.size());

        long peak = heap.stream().mapToLong(p -> p.getPeakUsage().getUsed()).sum() / (1 << 20);
        out.printf("heap: %d MB peak (heap pools, summed)%n", peak);
        return new Figures(n, slots, wall, ideal, (cpu - taskCpu) / n, commits, written, runsFiles, metricsFiles, resubmit, report, top10, peak);
    }

    /**
     * The sweep run in child JVMs, each killed with SIGKILL at a seeded random moment ({@code kills}
     * times), then one left to finish; returns the rows' check. {@code childCommand}: the command
     * that runs the sweep in a child (the CLI's hidden child mode), given the results root.
     */
    public static void killed(SparkSession spark, Options o, List<String> childCommand, double uninterrupted, PrintStream out)
            throws Exception {
        String results = Path.of(o.dir(), "killed").toAbsolutePath().toString();
        Random rng = new Random(o.seed());
        long t0 = System.nanoTime();
        List<String> trace = new ArrayList<>();
        for (int k = 0; k <= o.kills(); k++) {
            List<String> cmd = new ArrayList<>(childCommand);
            cmd.add(results);
            Process p = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(Path.of(o.dir(), "child-" + k + ".log").toFile()).start();
            if (k < o.kills()) {
                double at = 10 + rng.nextDouble() * Math.max(1, uninterrupted * 0.6);
                if (p.waitFor(Math.round(at * 1000), TimeUnit.MILLISECONDS)) {
                    trace.add("child " + k + " ended before its kill at " + String.format("%.0f", at) + " s (exit " + p.exitValue() + ")");
                    continue;
                }
                p.destroyForcibly().waitFor(); // SIGKILL: no shutdown hook, as a lost driver
                trace.add("killed at " + String.format("%.0f", at) + " s");
            } else {
                if (p.waitFor(2, TimeUnit.HOURS) && p.exitValue() != 0) {
                    throw new IllegalStateException("the final child exited with " + p.exitValue() + "; log " + Path.of(o.dir(), "child-" + k + ".log"));
                }
                trace.add("finished");
            }
        }
        double wall = (System.nanoTime() - t0) / 1e9;
        ResultsLayout layout = new ResultsLayout(results);
        var runs = ResultsTables.read(spark, layout, ResultsLayout.RUNS);
        long rows = runs.count(), keys = runs.select("run_id", "attempt").distinct().count(),
                points = runs.where("status = 'ok'").select("run_id").distinct().count();
        var metrics = ResultsTables.read(spark, layout, ResultsLayout.METRICS);
        long metricRows = metrics.count(), metricKeys = metrics.select("run_id", "attempt", "epoch", "split").distinct().count();
        int expected = SweepPlan.of(SweepConfig.parse(config("bench", results, o.points(), o.perSeed()), List.of(), "bench-sweep"),
                "stand-in", "none", 1).total();
        out.printf("kills: %s; %.1f s in all, %.2f x the uninterrupted run; %d of %d points ok, %d runs rows (%d duplicated), "
                + "%d metrics rows (%d duplicated)%n", trace, wall, wall / uninterrupted, points, expected, rows, rows - keys, metricRows,
                metricRows - metricKeys);
        if (points != expected || rows != keys || metricRows != metricKeys) throw new IllegalStateException("rows lost or duplicated");
    }

    /** The CPU time of every Spark task, as its metrics count it (deserialisation and run). */
    static final class TaskCpu extends org.apache.spark.scheduler.SparkListener {
        final java.util.concurrent.atomic.LongAdder nanos = new java.util.concurrent.atomic.LongAdder();

        @Override
        public void onTaskEnd(org.apache.spark.scheduler.SparkListenerTaskEnd end) {
            if (end.taskMetrics() != null) nanos.add(end.taskMetrics().executorCpuTime() + end.taskMetrics().executorDeserializeCpuTime());
        }
    }

    private static long logVersions(ResultsLayout layout, String table) throws IOException {
        try (Stream<Path> s = Files.list(Path.of(new File(layout.deltaLog(table)).getPath()))) {
            return s.filter(p -> p.getFileName().toString().matches("[0-9]{20}\\.json")).count();
        }
    }

    private static long parquetOnDisk(ResultsLayout layout, String table) throws IOException {
        try (Stream<Path> s = Files.walk(Path.of(layout.table(table)))) {
            return s.filter(p -> p.getFileName().toString().endsWith(".parquet") && !p.toString().contains("_delta_log")).count();
        }
    }

    /** The child mode: runs the bench sweep once into {@code results} (what the kill figure kills). */
    public static SweepJob.Result child(SparkSession spark, int points, int perSeed, double seconds, String results) throws IOException {
        SweepConfig c = SweepConfig.parse(config("bench", results, points, perSeed), List.of(), "bench-sweep");
        return SweepJob.entryPoint(spark, c, new StandInTrainer(seconds));
    }
}
