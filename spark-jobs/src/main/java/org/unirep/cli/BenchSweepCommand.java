package org.unirep.cli;

import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import org.apache.spark.sql.SparkSession;
import org.unirep.jobs.bench.SweepBench;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

@Command(name = "bench-sweep", mixinStandardHelpOptions = true,
        description = {"The sweep benchmark: N points whose training is a stand-in (a sleep of --seconds and a tiny model),",
                "run by the real scheduler, Spark jobs, tables and report. Prints one line per figure: wall time over the",
                "ideal N*d/S, CPU per point, transactions and data files, a no-op resubmission, the report, a top-10 query,",
                "peak heap; with --kills K, the same sweep in child JVMs killed at K seeded random moments, then finished,",
                "its rows checked (none lost, none duplicated). Goals and measured figures: docs/performance.md."})
public class BenchSweepCommand implements Callable<Integer> {
    @Mixin SparkOptions spark;

    @Option(names = "--points", defaultValue = "10000", description = "Points in the sweep (default: ${DEFAULT-VALUE}).")
    int points;

    @Option(names = "--seconds", defaultValue = "0.1", description = "Each point's stand-in training time d (default: ${DEFAULT-VALUE}).")
    double seconds;

    @Option(names = "--per-seed", defaultValue = "100", description = "Points per seed: one encoder and its fan-out (default: ${DEFAULT-VALUE}).")
    int perSeed;

    @Option(names = "--kills", defaultValue = "0", description = "Times the sweep's driver is killed in the kill figure (0: no kill figure).")
    int kills;

    @Option(names = "--seed", defaultValue = "1", description = "Seed of the kill moments (default: ${DEFAULT-VALUE}).")
    long seed;

    @Option(names = "--dir", paramLabel = "DIR", description = "Working folder (default: a new temporary one).")
    Path dir;

    @Option(names = "--child", hidden = true, paramLabel = "RESULTS", description = "Run the sweep once into RESULTS (the kill figure's child).")
    String child;

    @Override
    public Integer call() throws Exception {
        if (points < 2) throw new IllegalArgumentException("--points " + points + ": expected at least 2");
        if (seconds < 0) throw new IllegalArgumentException("--seconds " + seconds + ": expected >= 0");
        if (perSeed < 2) throw new IllegalArgumentException("--per-seed " + perSeed + ": expected at least 2 (an encoder and a point on it)");
        if (kills < 0) throw new IllegalArgumentException("--kills " + kills + ": expected >= 0");
        SparkSession session = spark.session("bench-sweep");
        if (child != null) {
            SweepBench.child(session, points, perSeed, seconds, child);
            return 0;
        }
        Path d = dir != null ? Files.createDirectories(dir) : Files.createTempDirectory("unirep-bench-sweep");
        System.out.printf("bench-sweep: %d points, d = %s s, master %s, folder %s%n", points, seconds, session.sparkContext().master(), d);
        SweepBench.Options o = new SweepBench.Options(points, seconds, d.toString(), kills, seed, perSeed);
        SweepBench.Figures f = SweepBench.run(session, o, System.out);
        if (kills > 0) SweepBench.killed(session, o, childCommand(session.sparkContext().master()), f.wall(), System.out);
        return 0;
    }

    /** This JVM's command line (java, its flags, classpath) running the hidden child mode. */
    private List<String> childCommand(String master) {
        List<String> cmd = new ArrayList<>();
        cmd.add(ProcessHandle.current().info().command().orElse("java"));
        cmd.addAll(ManagementFactory.getRuntimeMXBean().getInputArguments());
        cmd.addAll(List.of("-cp", System.getProperty("java.class.path"), Main.class.getName(), "bench-sweep", "--master", master,
                "--points", String.valueOf(points), "--per-seed", String.valueOf(perSeed), "--seconds", String.valueOf(seconds), "--child"));
        return cmd;
    }
}
