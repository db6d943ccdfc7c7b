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
        TwinOutput twinOut = new TwinOutput();
        try (BufferedReader r = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8))) {
            for (String line; (line = r.readLine()) != null; ) {
                System.out.println(line);
                twinOut.accept(line, ours);
            }
        }
        int rc = p.waitFor();
        if (rc != 0) throw new IllegalStateException("the twin exited with " + rc + " (does " + python + " have torch? Debian: apt-get install python3-torch)");
        sideBySide(ours, twinOut).forEach(System.out::println);
        return 0;
    }

    /** What the twin printed: its images/s per figure and thread count, MFLOP per image, the best convolution's GFLOP/s. */
    static final class TwinOutput {
        final Map<String, Double> imagesPerSecond = new LinkedHashMap<>(), mflopPerImage = new LinkedHashMap<>();
        final Map<Integer, Double> bestConvolution = new LinkedHashMap<>();

        void accept(String line, List<CompressionBench.Figure> ours) {
            String[] f = line.trim().split("\\s+");
            if (line.startsWith("best convolution ") && f.length == 5) bestConvolution.put(Integer.parseInt(f[2]), Double.parseDouble(f[3]));
            if (line.startsWith("flops ") && line.endsWith(" MFLOP/image")) {
                String what = line.substring("flops ".length(), line.length() - " MFLOP/image".length()).trim().replaceAll("\\s+\\S+$", "");
                mflopPerImage.put(what, Double.parseDouble(f[f.length - 2]));
            }
            for (CompressionBench.Figure o : ours) {
                String[] v = line.startsWith(o.what()) ? line.substring(o.what().length()).trim().split("\\s+") : new String[0];
                if (v.length == 4) imagesPerSecond.put(o.what() + "@" + v[0], Double.parseDouble(v[2]));
            }
        }

        Double imagesPerSecond(CompressionBench.Figure o) {
            return imagesPerSecond.get(o.what() + "@" + o.threads());
        }
    }

    /**
     * The comparison: images/s and seconds per epoch of both tools with the ratio; then, where the
     * twin counted them, the same figures as work per second: convolution and matrix-product GFLOP/s
     * against the best any convolution reaches on this CPU (the critic's largest, batch 256).
     * "2x twin" is the rate twice the twin's speed needs.
     */
    static List<String> sideBySide(List<CompressionBench.Figure> ours, TwinOutput twin) {
        List<String> out = new ArrayList<>(List.of("", "side by side (same machine, same threads, one after the other):",
                String.format("%-30s %7s %12s %12s %12s %12s %8s", "what", "threads", "unirep img/s", "twin img/s", "unirep s/ep", "twin s/ep", "ratio")));
        List<String> missing = new ArrayList<>();
        for (CompressionBench.Figure o : ours) {
            Double tw = twin.imagesPerSecond(o);
            if (tw == null) {
                missing.add(o.what() + " @" + o.threads());
                continue;
            }
            double twinEpoch = o.epochSeconds() * o.imagesPerSecond() / tw;
            out.add(String.format("%-30s %7d %12.1f %12.1f %12.1f %12.1f %7.2fx", o.what(), o.threads(), o.imagesPerSecond(), tw,
                    o.epochSeconds(), twinEpoch, o.imagesPerSecond() / tw));
        }
        if (!missing.isEmpty()) throw new IllegalStateException("the twin printed no figure for " + missing);
        if (twin.mflopPerImage.isEmpty() || twin.bestConvolution.isEmpty()) return out; // an older twin
        out.addAll(List.of("", "work per second (convolutions and matrix products, MFLOP per image counted by the twin):",
                String.format("%-30s %7s %11s %12s %12s %12s %12s", "what", "threads", "MFLOP/image", "unirep GF/s", "twin GF/s",
                        "2x twin GF/s", "best conv")));
        for (CompressionBench.Figure o : ours) {
            Double mf = twin.mflopPerImage.get(o.what()), tw = twin.imagesPerSecond(o), best = twin.bestConvolution.get(o.threads());
            if (mf == null || best == null) continue;
            out.add(String.format("%-30s %7d %11.1f %12.1f %12.1f %12.1f %12.1f", o.what(), o.threads(), mf,
                    o.imagesPerSecond() * mf / 1e3, tw * mf / 1e3, 2 * tw * mf / 1e3, best));
        }
        return out;
    }
}
