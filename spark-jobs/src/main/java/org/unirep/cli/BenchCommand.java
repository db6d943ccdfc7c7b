package org.unirep.cli;

import java.util.List;
import java.util.concurrent.Callable;
import org.unirep.bench.CompressionBench;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

@Command(name = "bench", mixinStandardHelpOptions = true,
        description = "Print training and evaluation throughput (images/s) of the reference compression models.")
public class BenchCommand implements Callable<Integer> {
    @Option(names = "--threads", split = ",", description = "Thread counts to measure (default: 1 and all cores).")
    List<Integer> threads;

    @Option(names = "--steps", defaultValue = "30", description = "Timed training steps per setting (default: ${DEFAULT-VALUE}).")
    int steps;

    @Override
    public Integer call() {
        List<Integer> t = threads != null ? threads : List.of(1, Runtime.getRuntime().availableProcessors());
        CompressionBench.run(t, 5, steps, System.out);
        return 0;
    }
}
