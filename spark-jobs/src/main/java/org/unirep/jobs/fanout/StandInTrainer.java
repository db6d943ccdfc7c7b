package org.unirep.jobs.fanout;

import java.io.IOException;
import java.io.OutputStream;
import java.io.Serializable;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;
import org.unirep.compression.EpochMetrics;
import org.unirep.io.HadoopFiles;
import org.unirep.io.Json;
import org.unirep.io.ModelStore;
import org.unirep.jobs.plan.GridPoint;
import org.unirep.jobs.results.ModelRef;
import org.unirep.jobs.results.ResultsLayout;
import org.unirep.jobs.results.RunRecord;
import org.unirep.jobs.results.RunRecords;
import org.unirep.training.Checkpoint;
import org.unirep.training.RunStatus;

/**
 * The sweep benchmark's trainer (`unirep bench-sweep`): in place of training, a point sleeps
 * {@code seconds} and saves a tiny model folder (a model.zip with the entries a model has, a
 * critic file, metadata naming the run), so that everything around training runs as in a sweep:
 * scheduler, Spark jobs, journal, batched commits, a universal point checking its encoder's model.
 * Its metrics are a deterministic function of the point, one test and one train row per epoch.
 */
public record StandInTrainer(double seconds) implements Serializable {

    RunRecord train(FanOutJob.Inputs in, FanOutJob.Task t) throws Exception {
        GridPoint p = t.point();
        long start = System.currentTimeMillis();
        in.faults().failIfInjected(p);
        if (p.universal()) {
            String why = t.encoder() == null ? "no encoder model" : t.encoder().check(in.files(), p.encoderRunId());
            if (why != null) throw new IllegalStateException("its encoder's model cannot be used: " + why);
        }
        Thread.sleep(Math.round(seconds * 1000));
        String dir = in.layout().model(in.sweepId(), p.runId());
        save(in.files(), dir, p.runId());
        List<EpochMetrics> metrics = new ArrayList<>();
        double x = (p.runId().hashCode() & 0xffff) / 65536.0;
        for (int e = 1; e <= p.epochs(); e++) {
            metrics.add(new EpochMetrics(e, EpochMetrics.TRAIN, 0.05 + 0.01 * x, 0.5, Double.NaN, Double.NaN, Double.NaN, 0.06));
            metrics.add(new EpochMetrics(e, EpochMetrics.TEST, 0.05 + 0.01 * x / e, 0.5 - p.lambda(), 0.9, Double.NaN));
        }
        return RunRecords.of(p, in.sweepId(), t.attempt(), RunStatus.OK, null, start, System.currentTimeMillis(), "stand-in",
                ModelRef.of(in.files(), dir), metrics);
    }

    /** A model folder that passes the model checks (complete, its zip whole, its metadata naming the run). */
    static void save(HadoopFiles files, String dir, String runId) throws IOException {
        files.writeAtomically(HadoopFiles.join(dir, ModelStore.MODEL_FILE), out -> zip(out, runId));
        files.writeAtomically(HadoopFiles.join(dir, Checkpoint.CRITIC_FILE), ("stand-in critic " + runId).getBytes(StandardCharsets.UTF_8));
        files.writeString(HadoopFiles.join(dir, ModelStore.METADATA_FILE), Json.render(Map.of("run_id", runId, "stand_in", true)));
    }

    private static void zip(OutputStream out, String runId) throws IOException {
        ZipOutputStream z = new ZipOutputStream(out);
        for (String name : new String[] {"configuration.json", "coefficients.bin"}) {
            z.putNextEntry(new ZipEntry(name));
            z.write((name + " of stand-in " + runId).getBytes(StandardCharsets.UTF_8));
            z.closeEntry();
        }
        z.finish();
    }
}
