package org.unirep.jobs.results;

import java.io.IOException;
import java.io.InputStream;
import java.io.Serializable;
import org.unirep.io.HadoopFiles;
import org.unirep.io.ModelStore;
import org.unirep.io.Sha256;

/**
 * A saved model as its runs row names it: the folder, and the SHA-256 of its model.zip (null in
 * rows written before the column existed). Whoever uses a model checks it first ({@link #check}).
 */
public record ModelRef(String path, String sha256) implements Serializable {

    /** The model saved in {@code dir}, hashed as it is now. */
    public static ModelRef of(HadoopFiles files, String dir) throws IOException {
        return new ModelRef(files.qualify(dir), sha256(files, dir));
    }

    static String sha256(HadoopFiles files, String dir) throws IOException {
        try (InputStream in = files.open(HadoopFiles.join(dir, ModelStore.MODEL_FILE))) {
            return Sha256.hex(in);
        }
    }

    /** Why this model cannot be used (missing, incomplete, not the bytes its row recorded), or null if it can. */
    public String check(HadoopFiles files, String runId) {
        if (sha256 != null && stamp(files).equals(VERIFIED.get(this))) return null; // whole when this JVM last looked, unchanged since
        String why = ResultsFileCheck.model(files, path, runId);
        return why != null ? why : checkBytes(files);
    }

    /** The model.zip's size and modification time ("" if unreadable). */
    private String stamp(HadoopFiles files) {
        try {
            org.apache.hadoop.fs.FileStatus st = files.status(HadoopFiles.join(path, ModelStore.MODEL_FILE));
            return st.getLen() + "@" + st.getModificationTime();
        } catch (IOException e) {
            return "";
        }
    }

    /** Models this JVM hashed and found whole, with the size and time of the file it hashed: the universal points of one encoder hash it once. */
    private static final java.util.concurrent.ConcurrentHashMap<ModelRef, String> VERIFIED = new java.util.concurrent.ConcurrentHashMap<>();

    /** Why the model.zip is not the bytes its row recorded (or unreadable), or null if it is (or no SHA-256 was recorded). */
    public String checkBytes(HadoopFiles files) {
        if (sha256 == null) return null;
        try {
            String stamp = stamp(files);
            if (!stamp.isEmpty() && stamp.equals(VERIFIED.get(this))) return null;
            String now = sha256(files, path);
            if (!now.equals(sha256)) {
                return ModelStore.MODEL_FILE + " has SHA-256 " + now.substring(0, 12) + "..., its runs row says " + sha256.substring(0, 12) + "...";
            }
            VERIFIED.put(this, stamp);
            return null;
        } catch (IOException e) {
            return "unreadable " + ModelStore.MODEL_FILE + " (" + e.getMessage() + ")";
        }
    }
}
