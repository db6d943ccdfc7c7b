package org.unirep.jobs.results;

import java.io.InputStream;
import java.io.OutputStream;
import java.util.HashSet;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.zip.ZipEntry;
import java.util.zip.ZipInputStream;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.Path;
import org.apache.parquet.example.data.Group;
import org.apache.parquet.hadoop.ParquetFileReader;
import org.apache.parquet.hadoop.ParquetReader;
import org.apache.parquet.hadoop.example.GroupReadSupport;
import org.apache.parquet.hadoop.util.HadoopInputFile;
import org.apache.parquet.schema.MessageType;
import org.apache.parquet.schema.Type;
import org.unirep.io.HadoopFiles;
import org.unirep.io.ModelStore;
import org.unirep.training.Checkpoint;

/**
 * The one definition of a damaged result: each check returns why a file (or a model folder) cannot
 * be used, or null if it can. Recovery quarantines what fails; the report skips it.
 */
public final class ResultsFileCheck {
    private ResultsFileCheck() {}

    /** A runs file: Parquet with the runs columns and exactly one row, for the run and attempt its name says. */
    public static String runs(HadoopFiles files, String path) {
        return parquet(files, path, ResultsWriter.RUNS_SCHEMA, true);
    }

    /** A metrics file: Parquet with the metrics columns, every row of the run and attempt its name says. */
    public static String metrics(HadoopFiles files, String path) {
        return parquet(files, path, ResultsWriter.METRICS_SCHEMA, false);
    }

    private static String parquet(HadoopFiles files, String path, MessageType expected, boolean oneRow) {
        Path p = new Path(path);
        String name = p.getName();
        Matcher m = Pattern.compile("run-(.+)-a([0-9]+)\\.parquet").matcher(name);
        if (!m.matches()) return "not named run-RUNID-aN.parquet";
        String runId = m.group(1);
        int attempt = Integer.parseInt(m.group(2));
        try {
            FileStatus s = files.status(path);
            if (s.getLen() == 0) return "empty file";
            MessageType schema;
            try (ParquetFileReader r = ParquetFileReader.open(HadoopInputFile.fromPath(p, files.conf()))) {
                schema = r.getFooter().getFileMetaData().getSchema();
            }
            for (Type want : expected.getFields()) {
                if (!schema.containsField(want.getName())) {
                    if (ResultsWriter.ADDED_LATER.contains(want.getName())) continue;
                    return "wrong schema: no column " + want.getName();
                }
                Type got = schema.getType(want.getName());
                if (!got.isPrimitive() || got.asPrimitiveType().getPrimitiveTypeName() != want.asPrimitiveType().getPrimitiveTypeName()) {
                    return "wrong schema: column " + want.getName() + " is " + got + ", expected " + want;
                }
            }
            int rows = 0;
            try (ParquetReader<Group> r = ParquetReader.builder(new GroupReadSupport(), p).withConf(files.conf()).build()) {
                for (Group g = r.read(); g != null; g = r.read()) {
                    rows++;
                    if (!runId.equals(g.getString("run_id", 0)) || attempt != g.getInteger("attempt", 0)) {
                        return "holds a row of run " + g.getString("run_id", 0) + " attempt " + g.getInteger("attempt", 0)
                                + ", not of the run its name says";
                    }
                }
            }
            if (oneRow && rows != 1) return rows + " rows, expected 1";
            return null;
        } catch (Exception e) {
            return "not a readable Parquet file (" + e.getClass().getSimpleName() + ": " + e.getMessage() + ")";
        }
    }

    /** A saved model folder: complete, its zip intact (every entry's CRC), its metadata naming this run. */
    public static String model(HadoopFiles files, String dir, String runId) {
        try {
            if (!Checkpoint.isComplete(files, dir)) return "incomplete model folder (model.zip, critic.sd and metadata.json expected)";
            if (files.status(HadoopFiles.join(dir, Checkpoint.CRITIC_FILE)).getLen() == 0) return "empty " + Checkpoint.CRITIC_FILE;
            Set<String> entries = new HashSet<>();
            try (InputStream in = files.open(HadoopFiles.join(dir, ModelStore.MODEL_FILE)); ZipInputStream zip = new ZipInputStream(in)) {
                for (ZipEntry e = zip.getNextEntry(); e != null; e = zip.getNextEntry()) {
                    zip.transferTo(OutputStream.nullOutputStream()); // a CRC mismatch throws here
                    entries.add(e.getName());
                }
            }
            for (String want : new String[] {"configuration.json", "coefficients.bin"}) {
                if (!entries.contains(want)) return ModelStore.MODEL_FILE + " has no " + want;
            }
            String saidRun = new ModelStore(files).metadata(dir).getString("run_id");
            if (!runId.equals(saidRun)) return ModelStore.METADATA_FILE + " names run " + saidRun;
            return null;
        } catch (Exception e) {
            return "unreadable model (" + e.getClass().getSimpleName() + ": " + e.getMessage() + ")";
        }
    }
}
