package org.unirep.cli;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import org.unirep.jobs.report.HtmlReport;
import org.unirep.jobs.report.ReportJob;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

@Command(name = "report", mixinStandardHelpOptions = true,
        description = {"Curves and penalties from the runs tables of one or more results roots: curves/ and penalties/",
                "(Parquet) and report.html with its figures (PNG inlined, SVG beside)."})
public class ReportCommand implements Callable<Integer> {
    @Mixin SparkOptions spark;

    @Option(names = "--results", required = true, split = ",", paramLabel = "DIR", description = "Results root(s) of sweeps.")
    List<String> results;

    @Option(names = "--sweep", split = ",", paramLabel = "ID", description = "Only these sweep ids (default: all).")
    List<String> sweeps = new ArrayList<>();

    @Option(names = "--out", required = true, paramLabel = "DIR", description = "Output directory (any Hadoop path).")
    String out;

    @Option(names = "--images", paramLabel = "DIR", description = {"IDX files of the runs' dataset (as unirep fetch writes them):",
            "the page then shows each model's reconstructions of the first test digits."})
    String images;

    @Option(names = "--max-reconstructions", paramLabel = "N", description = {
            "With --images: the most models drawn per panel (sweep, dataset, mode),",
            "spread evenly over each curve's lambdas (default: ${DEFAULT-VALUE})."})
    int maxReconstructions = HtmlReport.MAX_RECONSTRUCTIONS;

    @Override
    public Integer call() throws Exception {
        // Checked before Spark starts, not once the tables are written.
        if (maxReconstructions < 1) {
            throw new IllegalArgumentException("--max-reconstructions " + maxReconstructions + ": expected at least 1");
        }
        ReportJob.Result r = ReportJob.entryPoint(spark.session("report"), results, sweeps, out, images, maxReconstructions);
        System.out.printf("report: %d curve points, %d universal penalties; %s%n", r.curves().size(), r.penalties().size(), r.html());
        return 0;
    }
}
