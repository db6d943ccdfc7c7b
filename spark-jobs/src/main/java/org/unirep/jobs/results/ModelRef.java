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
        String why = ResultsFileCheck.model(files, path, runId);
        if (why != null || sha256 == null) return why;
        try {
            String now = sha256(files, path);
            return now.equals(sha256) ? null : ModelStore.MODEL_FILE + " has SHA-256 " + now.substring(0, 12) + "..., its runs row says "
                    + sha256.substring(0, 12) + "...";
        } catch (IOException e) {
            return "unreadable " + ModelStore.MODEL_FILE + " (" + e.getMessage() + ")";
        }
    }
}
