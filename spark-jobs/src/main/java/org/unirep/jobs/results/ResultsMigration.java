package org.unirep.jobs.results;

import java.io.IOException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.hadoop.fs.FileStatus;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.unirep.io.HadoopFiles;

/**
 * Moves a results root of the old layout (one Parquet file per attempt and table under
 * {@code TABLE/sweep_id=ID/}) to Delta tables, once, for all its sweeps: every attempt whose runs
 * and metrics files are whole is copied; one with a damaged or missing file is left out with a
 * warning (its point trains again); the old folders go to {@code _legacy/STAMP/}. Models stay where
 * they are (their runs rows name them). Safe to kill at any moment ({@link TableSwap}).
 */
public final class ResultsMigration {
    private static final Logger log = LoggerFactory.getLogger(ResultsMigration.class);

    private ResultsMigration() {}

    /** Migrates the root if it holds the old layout; returns the attempts copied (0 if there was nothing to do). */
    public static int migrate(SparkSession spark, HadoopFiles files, ResultsLayout layout) throws IOException {
        TableSwap swap = new TableSwap(files, layout);
        for (String t : List.of(ResultsLayout.RUNS, ResultsLayout.METRICS)) swap.finish(t);
        if (!ResultsTables.isLegacy(files, layout)) return 0;
        List<String> runs = new ArrayList<>(), metrics = new ArrayList<>();
        int skipped = 0;
        for (FileStatus part : files.list(layout.table(ResultsLayout.RUNS))) {
            String name = part.getPath().getName();
            if (!part.isDirectory() || !name.startsWith(ResultsLayout.PARTITION + "=")) continue;
            String sweepId = name.substring(name.indexOf('=') + 1);
            Map<String, String> r = LegacyResults.parquetFiles(files, part.getPath().toString());
            Map<String, String> m = LegacyResults.parquetFiles(files, layout.legacyPartition(ResultsLayout.METRICS, sweepId));
            for (Map.Entry<String, String> e : new HashMap<>(r).entrySet()) {
                String why = ResultsFileCheck.runs(files, e.getValue());
                if (why == null) {
                    String mf = m.get(e.getKey());
                    why = mf == null ? "its metrics file is missing" : ResultsFileCheck.metrics(files, mf);
                }
                if (why != null) {
                    log.warn("results: not migrating {} ({}); its point will be trained again", e.getValue(), why);
                    skipped++;
                    continue;
                }
                runs.add(e.getValue());
                metrics.add(m.get(e.getKey()));
            }
        }
        String aside = HadoopFiles.join(layout.root(), "_legacy/" + java.time.LocalDate.now() + "-" + ProcessHandle.current().pid());
        log.info("results: {} holds the old layout (one Parquet file per attempt): moving {} attempts to Delta tables{}; the old "
                + "files go to {}", layout.root(), runs.size(), skipped == 0 ? "" : " (" + skipped + " damaged left out)", aside);
        ResultsTables.create(spark, swap.staged());
        for (String table : List.of(ResultsLayout.RUNS, ResultsLayout.METRICS)) {
            List<String> paths = table.equals(ResultsLayout.RUNS) ? runs : metrics;
            if (paths.isEmpty()) continue;
            Dataset<Row> rows = spark.read().schema(ResultsWriter.sparkSchema(table)).option("basePath", layout.table(table))
                    .parquet(paths.toArray(String[]::new));
            rows.selectExpr(ResultsWriter.sparkSchema(table).fieldNames()).write().format(ResultsTables.FORMAT).mode("append")
                    .save(swap.staging(table));
        }
        swap.commit(List.of(ResultsLayout.METRICS, ResultsLayout.RUNS), aside);
        return runs.size();
    }
}
