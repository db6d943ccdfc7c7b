package org.unirep.jobs.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/**
 * The CPU time of this JVM's threads, native ones (JIT compilers, GC) included, grouped by name with
 * digits folded ("Executor task launch worker-#"): where a driver's CPU goes. Reads
 * {@code /proc/self/task} (Linux); elsewhere it is empty.
 */
final class ThreadCpu {
    private static final Path TASKS = Path.of("/proc/self/task");
    /** Clock ticks per second of /proc's utime and stime: 100 on every Linux we run on. */
    private static final double TICKS = 100;

    private ThreadCpu() {}

    /** Thread id -> (name, CPU seconds so far). */
    static Map<String, Map.Entry<String, Double>> now() {
        Map<String, Map.Entry<String, Double>> out = new HashMap<>();
        if (!Files.isDirectory(TASKS)) return out;
        try (Stream<Path> s = Files.list(TASKS)) {
            for (Path t : s.toList()) {
                try {
                    String stat = Files.readString(t.resolve("stat"));
                    int close = stat.lastIndexOf(')');
                    String name = stat.substring(stat.indexOf('(') + 1, close);
                    String[] f = stat.substring(close + 2).split(" ");
                    // After the name: state(0) ... utime(11) stime(12), in clock ticks.
                    out.put(t.getFileName().toString(), Map.entry(name, (Long.parseLong(f[11]) + Long.parseLong(f[12])) / TICKS));
                } catch (IOException | RuntimeException ended) {
                    // the thread ended while we listed
                }
            }
        } catch (IOException e) {
            return out;
        }
        return out;
    }

    /**
     * Snapshots every 2 s while it runs, so that threads which end before the last snapshot
     * (pools that shrink, a checkpoint's threads) still count: {@link #seen} holds each thread's latest.
     */
    static final class Sampler implements AutoCloseable {
        private final Map<String, Map.Entry<String, Double>> seen = new java.util.concurrent.ConcurrentHashMap<>();
        private final java.util.concurrent.ScheduledExecutorService timer = java.util.concurrent.Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "thread-cpu-sampler");
            t.setDaemon(true);
            return t;
        });

        private volatile long ownNanos;

        Sampler() {
            timer.scheduleAtFixedRate(() -> {
                seen.putAll(now());
                ownNanos = java.lang.management.ManagementFactory.getThreadMXBean().getCurrentThreadCpuTime();
            }, 0, 2, java.util.concurrent.TimeUnit.SECONDS);
        }

        /** The sampler's own CPU seconds (not the sweep's: the benchmark takes them off). */
        double ownSeconds() {
            return ownNanos / 1e9;
        }

        /** Each thread's latest snapshot, the final one included. */
        Map<String, Map.Entry<String, Double>> seen() {
            seen.putAll(now());
            return seen;
        }

        @Override
        public void close() {
            timer.shutdownNow();
        }
    }

    /** CPU seconds per thread group between two snapshots, largest first. */
    static Map<String, Double> between(Map<String, Map.Entry<String, Double>> before, Map<String, Map.Entry<String, Double>> after) {
        Map<String, Double> groups = new HashMap<>();
        after.forEach((tid, e) -> {
            Map.Entry<String, Double> b = before.get(tid);
            double cpu = e.getValue() - (b != null && b.getKey().equals(e.getKey()) ? b.getValue() : 0);
            if (cpu > 0) groups.merge(e.getKey().replaceAll("[0-9]+", "#"), cpu, Double::sum);
        });
        return groups.entrySet().stream().sorted(Map.Entry.<String, Double>comparingByValue().reversed())
                .collect(Collectors.toMap(Map.Entry::getKey, Map.Entry::getValue, (a, b) -> a, LinkedHashMap::new));
    }
}
