package org.unirep.cli;

import java.io.BufferedReader;
import java.io.File;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import org.unirep.bench.CompressionBench;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

@Command(name = "bench", mixinStandardHelpOptions = true,
        description = {"Throughput of the reference training loop (RDC and RDP training, evaluation): images/s and seconds per epoch.",
                "With --twin, then runs bench/pytorch_twin.py (the reference code's loop in PyTorch) with the same threads and",
                "batches, and prints both side by side with the ratio (twin time / unirep time: above 1 = unirep is faster)."})
public class BenchCommand implements Callable<Integer> {
    @Option(names = "--threads", split = ",", description = "Thread counts to measure (default: 1 and all cores).")
    List<Integer> threads;

    @Option(names = "--batches", defaultValue = "40", description = "Timed minibatches per training figure (default: ${DEFAULT-VALUE}).")
    int batches;

    @Option(names = "--warmup", defaultValue = "4", description = "Untimed minibatches first (default: ${DEFAULT-VALUE}).")
    int warmup;

    @Option(names = "--twin", description = "Also run the PyTorch twin and print the comparison.")
    boolean twin;

    @Option(names = "--python", defaultValue = "/usr/bin/python3", description = "Python with torch for --twin (default: ${DEFAULT-VALUE}).")
    String python;

    @Option(names = "--twin-script", defaultValue = "bench/pytorch_twin.py", description = "The twin (default: ${DEFAULT-VALUE}).")
    File twinScript;

    @Override
    public Integer call() throws Exception {
        List<Integer> t = threads != null ? threads : List.of(1, Runtime.getRuntime().availableProcessors());
        System.out.println("unirep (DL4J/ND4J):");
        List<CompressionBench.Figure> ours = CompressionBench.run(t, warmup, batches, System.out);
        if (!twin) return 0;
        if (!twinScript.isFile()) throw new IllegalArgumentException("--twin-script " + twinScript + " not found (run from the repository root)");
        List<String> cmd = List.of(python, twinScript.getPath(), "--threads", String.join(",", t.stream().map(String::valueOf).toList()),
                "--batches", String.valueOf(batches), "--warmup", String.valueOf(warmup));
        System.out.println("\nPyTorch twin: " + String.join(" ", cmd));
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        Map<String, Double> theirs = new LinkedHashMap<>();
        try (BufferedReader r = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8))) {
            for (String line; (line = r.readLine()) != null; ) {
                System.out.println(line);
                for (CompressionBench.Figure o : ours) {
                    if (line.startsWith(o.what()) && line.substring(o.what().length()).trim().split("\\s+").length == 4) {
                        String[] v = line.substring(o.what().length()).trim().split("\\s+");
                        theirs.put(o.what() + "@" + v[0], Double.parseDouble(v[2]));
                    }
                }
            }
        }
        int rc = p.waitFor();
        if (rc != 0) throw new IllegalStateException("the twin exited with " + rc + " (does " + python + " have torch? Debian: apt-get install python3-torch)");
        System.out.println("\nside by side (same machine, same threads, one after the other):");
        System.out.println(String.format("%-30s %7s %12s %12s %12s %12s %8s", "what", "threads", "unirep img/s", "twin img/s",
                "unirep s/ep", "twin s/ep", "ratio"));
        List<String> missing = new ArrayList<>();
        for (CompressionBench.Figure o : ours) {
            Double tw = theirs.get(o.what() + "@" + o.threads());
            if (tw == null) {
                missing.add(o.what() + " @" + o.threads());
                continue;
            }
            double twinEpoch = o.epochSeconds() * o.imagesPerSecond() / tw;
            System.out.println(String.format("%-30s %7d %12.1f %12.1f %12.1f %12.1f %7.2fx", o.what(), o.threads(), o.imagesPerSecond(), tw,
                    o.epochSeconds(), twinEpoch, o.imagesPerSecond() / tw));
        }
        if (!missing.isEmpty()) throw new IllegalStateException("the twin printed no figure for " + missing);
        return 0;
    }
}
