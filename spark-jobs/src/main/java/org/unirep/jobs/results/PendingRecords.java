package org.unirep.jobs.results;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.ObjectInputStream;
import java.io.ObjectOutputStream;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import org.apache.hadoop.fs.FileStatus;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.unirep.io.HadoopFiles;

/**
 * The journal between a finished point and its commit: the task that trained a point writes its
 * record here ({@code _pending/SWEEP/RUNID-aN.record}) before it returns, and the driver removes
 * it once the batch holding it is committed. A driver killed in between loses no trained model:
 * the next submission commits what it finds here instead of training those points again. Only
 * uncommitted attempts live here, so reading it is one listing of a small folder.
 */
public final class PendingRecords {
    private static final Logger log = LoggerFactory.getLogger(PendingRecords.class);
    static final String SUFFIX = ".record";

    private final HadoopFiles files;
    private final ResultsLayout layout;

    public PendingRecords(HadoopFiles files, ResultsLayout layout) {
        this.files = files;
        this.layout = layout;
    }

    /** Writes the record (atomically: a reader sees all of it or nothing). */
    public void write(RunRecord r) throws IOException {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (ObjectOutputStream out = new ObjectOutputStream(bytes)) {
            out.writeObject(r);
        }
        files.writeAtomically(path(r), bytes.toByteArray());
    }

    /** The record of one attempt, or null if it has none here. */
    public RunRecord read(String sweepId, String runId, int attempt) throws IOException {
        String path = layout.pending(sweepId, runId, attempt);
        return files.exists(path) ? read(path) : null;
    }

    /** Every readable record of the sweep; one that cannot be read is removed with a warning (its point trains again). */
    public List<RunRecord> all(String sweepId) throws IOException {
        List<RunRecord> out = new ArrayList<>();
        String dir = layout.pendingDir(sweepId);
        if (!files.exists(dir)) return out;
        for (FileStatus s : files.list(dir)) {
            String name = s.getPath().getName();
            if (!s.isFile() || !name.endsWith(SUFFIX)) continue;
            try {
                out.add(read(s.getPath().toString()));
            } catch (IOException | RuntimeException e) {
                log.warn("results: {} is not a readable record ({}); removed, and its point will be trained again", s.getPath(),
                        e.getMessage());
                files.delete(s.getPath().toString());
            }
        }
        return out;
    }

    public void delete(Collection<RunRecord> committed) throws IOException {
        for (RunRecord r : committed) files.delete(path(r));
    }

    private String path(RunRecord r) {
        return layout.pending(r.sweepId(), r.runId(), r.attempt());
    }

    private RunRecord read(String path) throws IOException {
        try (InputStream in = files.open(path); ObjectInputStream o = new ObjectInputStream(in)) {
            return (RunRecord) o.readObject();
        } catch (ClassNotFoundException | ClassCastException e) {
            throw new IOException(path + ": not a run record (" + e.getMessage() + ")", e);
        }
    }
}
