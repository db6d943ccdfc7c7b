package org.unirep.cli;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import org.unirep.jobs.sweep.SweepConfig;
import org.unirep.jobs.sweep.SweepJob;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

@Command(name = "sweep", mixinStandardHelpOptions = true,
        description = {"The main job: shared encoders (one task each, or parameter averaging over several), then the fan-out",
                "of universal decoders and end-to-end baselines over the (rate, lambda) grid; rows land in the runs and metrics Delta tables.",
                "Re-running the same config resumes: finished points are skipped, failed ones retried.",
                "Exit status: 0 all points ok, 3 some points failed, diverged or invalid (see the runs table), 1 error."})
public class SweepCommand implements Callable<Integer> {
    @Mixin SparkOptions spark;

    @Parameters(index = "0", paramLabel = "CONFIG", description = "Sweep config (HOCON; any Hadoop path), e.g. conf/smoke.conf.")
    String config;

    @Option(names = {"-s", "--set"}, paramLabel = "KEY=VALUE",
            description = "Override a config key, e.g. --set sweep.epochs=2 (repeatable).")
    List<String> overrides = new ArrayList<>();

    @Option(names = "--dry-run", description = "Validate the config and print the grid, without training.")
    boolean dryRun;

    @Option(names = "--wait", description = {"If another submission of this sweep holds its lease, wait for it to end",
            "(default: stop at once, naming the holder)."})
    boolean await;

    @Override
    public Integer call() throws Exception {
        if (await) overrides.add("sweep.lease.wait = true");
        SweepConfig c = SweepConfig.load(SparkOptions.driverFiles(), config, overrides);
        if (dryRun) {
            System.out.printf("sweep %s: %d rates x %s x %d seeds, %d epochs; results at %s%n", c.id(), c.rates().size(), c.modes(),
                    c.seeds().size(), c.epochs(), c.results());
            c.grids().forEach((m, g) -> System.out.printf("  %s: encoder lambda %s, universal %s, end-to-end %s%n", m.id(),
                    g.encoderLambda(), g.universal(), g.endToEnd()));
            return 0;
        }
        SweepJob.Result r = SweepJob.entryPoint(spark.session("sweep " + c.id()), c);
        System.out.printf("sweep %s: %d of %d points ok, %d failed, %d diverged, %d invalid (%d already done before), %.0f s; tables "
                + "under %s%n", c.id(), r.ok(), r.total(), r.failed(), r.diverged(), r.invalid(), r.skipped(), r.seconds(), c.results());
        return r.ok() == r.total() ? 0 : 3;
    }
}
