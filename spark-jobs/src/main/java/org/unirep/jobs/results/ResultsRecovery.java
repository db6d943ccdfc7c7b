package org.unirep.jobs.results;

import java.io.IOException;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.Path;
import org.apache.parquet.example.data.Group;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.unirep.io.CrashPoint;
import org.unirep.io.HadoopFiles;
import org.unirep.training.RunStatus;

/**
 * Before a submission (under its lease): removes what a killed one left half-committed (staging
 * files, metrics files whose runs row never landed), and moves damaged results aside (see
 * {@link ResultsFileCheck}): a damaged runs or metrics file, or the damaged model of an ok run,
 * goes with the rest of its run's attempt to {@code _quarantine/SWEEP_ID/STAMP/} with a warning
 * and a {@code _why.txt}; its point then counts as not done and is trained again.
 */
public final class ResultsRecovery {
    private static final Logger log = LoggerFactory.getLogger(ResultsRecovery.class);

    private ResultsRecovery() {}

    public record Outcome(int removed, int quarantined) {}

    public static Outcome recover(HadoopFiles files, ResultsLayout layout, String sweepId) throws IOException {
        int removed = 0;
        String staging = layout.staging(sweepId);
        if (files.exists(staging)) {
            removed += files.list(staging).length;
            files.delete(staging);
            CrashPoint.reach(CrashPoint.RECOVERY_STEP);
        }
        String runsDir = layout.partition(ResultsLayout.RUNS, sweepId), metricsDir = layout.partition(ResultsLayout.METRICS, sweepId);
        Map<String, String> runs = parquetFiles(files, runsDir), metrics = parquetFiles(files, metricsDir);
        Quarantine q = new Quarantine(files, layout, sweepId);

        for (Map.Entry<String, String> m : metrics.entrySet()) {
            if (!runs.containsKey(m.getKey())) { // a commit killed between its two renames
                files.delete(m.getValue());
                removed++;
                CrashPoint.reach(CrashPoint.RECOVERY_STEP);
            }
        }
        // Checked in parallel (a model's check reads it whole: I/O and CRC), moved one by one.
        List<String> names = new ArrayList<>(runs.keySet());
        names.sort(null);
        List<Callable<String[]>> checks = new ArrayList<>();
        for (String name : names) checks.add(() -> damage(files, layout, metricsDir, name, runs.get(name), metrics.get(name)));
        ExecutorService pool = Executors.newFixedThreadPool(Math.max(1, Math.min(8, checks.size())));
        try {
            for (Future<String[]> f : pool.invokeAll(checks)) {
                String[] d = f.get(); // {name, why, model folder to move or null}, or null if intact
                if (d != null) q.move(d[0], runs.get(d[0]), metrics.get(d[0]), d[2], d[1]);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted while checking the results of sweep " + sweepId, e);
        } catch (ExecutionException e) {
            throw new IOException("checking the results of sweep " + sweepId + ": " + e.getCause(), e.getCause());
        } finally {
            pool.shutdownNow();
        }
        q.writeReasons();
        if (removed > 0) log.info("results: removed {} file(s) a previous submission of sweep {} left uncommitted", removed, sweepId);
        return new Outcome(removed, q.count);
    }

    /** {name, why, model folder} if the run's attempt is damaged, else null. */
    private static String[] damage(HadoopFiles files, ResultsLayout layout, String metricsDir, String name, String runsFile,
                                   String metricsFile) throws IOException {
        String why = ResultsFileCheck.runs(files, runsFile);
        if (why == null) {
            why = metricsFile == null ? "its metrics file " + HadoopFiles.join(metricsDir, name) + " is missing"
                    : prefixed("its metrics file: ", ResultsFileCheck.metrics(files, metricsFile));
        }
        if (why != null) return new String[] {name, why, null};
        Group row = ResultsReader.firstRow(files, runsFile);
        if (!RunStatus.OK.id().equals(row.getString("status", 0))) return null;
        String runId = row.getString("run_id", 0), modelDir = layout.model(runId);
        why = ResultsFileCheck.model(files, modelDir, runId);
        return why == null ? null : new String[] {name, "its model " + modelDir + ": " + why, modelDir};
    }

    private static String prefixed(String prefix, String why) {
        return why == null ? null : prefix + why;
    }

    /** *.parquet files of a folder by name (hidden and other files ignored, as Parquet readers do). */
    static Map<String, String> parquetFiles(HadoopFiles files, String dir) throws IOException {
        Map<String, String> out = new HashMap<>();
        if (!files.exists(dir)) return out;
        for (FileStatus s : files.list(dir)) {
            String n = s.getPath().getName();
            if (s.isFile() && n.endsWith(".parquet") && !n.startsWith(".") && !n.startsWith("_")) out.put(n, s.getPath().toString());
        }
        return out;
    }

    /** Moves damaged results aside, keeping the table layout inside the quarantine folder. */
    private static final class Quarantine {
        final HadoopFiles files;
        final String dir;
        final List<String> reasons = new ArrayList<>();
        int count;

        Quarantine(HadoopFiles files, ResultsLayout layout, String sweepId) {
            this.files = files;
            String stamp = ZonedDateTime.now(ZoneOffset.UTC).format(DateTimeFormatter.ofPattern("yyyyMMdd'T'HHmmss'Z'"));
            this.dir = HadoopFiles.join(layout.root(), "_quarantine/" + sweepId + "/" + stamp + "-" + ProcessHandle.current().pid());
        }

        void move(String name, String runsFile, String metricsFile, String modelDir, String why) throws IOException {
            log.warn("results: {} is damaged ({}); moved to {} and its point will be trained again", runsFile, why, dir);
            files.rename(runsFile, HadoopFiles.join(dir, ResultsLayout.RUNS + "/" + name));
            if (metricsFile != null) files.rename(metricsFile, HadoopFiles.join(dir, ResultsLayout.METRICS + "/" + name));
            if (modelDir != null) files.rename(modelDir, HadoopFiles.join(dir, "models/" + new Path(modelDir).getName()));
            reasons.add(name + ": " + why);
            count++;
            CrashPoint.reach(CrashPoint.RECOVERY_STEP);
        }

        void writeReasons() throws IOException {
            if (!reasons.isEmpty()) files.writeString(HadoopFiles.join(dir, "_why.txt"), String.join("\n", reasons) + "\n");
        }
    }
}
