package org.unirep.jobs.results;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.apache.hadoop.fs.Path;
import org.apache.parquet.example.data.Group;
import org.apache.parquet.example.data.simple.SimpleGroupFactory;
import org.apache.parquet.hadoop.ParquetWriter;
import org.apache.parquet.hadoop.example.ExampleParquetWriter;
import org.apache.parquet.schema.MessageType;
import org.apache.parquet.schema.MessageTypeParser;
import org.apache.spark.sql.Row;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import org.unirep.io.HadoopFiles;
import org.unirep.spark.LocalSpark;

/** A metrics file written before the training rows existed (no perception, no loss) is whole, and reads them as null. */
class ResultsLegacyTest {
    @RegisterExtension
    static final LocalSpark SPARK = new LocalSpark();

    static final MessageType BEFORE_LOSS_PARTS = MessageTypeParser.parseMessageType("""
            message metrics {
              required binary run_id (STRING); required int32 attempt; required int32 epoch; required binary split (STRING);
              optional double mse; optional double ce; optional double accuracy; optional double w1;
            }""");

    @Test
    void anOldMetricsFileIsWholeAndReadsTheNewColumnsAsNull(@TempDir java.nio.file.Path root) throws Exception {
        ResultsLayout layout = new ResultsLayout(root.toString());
        String file = layout.legacyFile(ResultsLayout.METRICS, "old", "0123456789abcdef", 1);
        HadoopFiles files = HadoopFiles.local();
        try (ParquetWriter<Group> w = ExampleParquetWriter.builder(new Path(file)).withType(BEFORE_LOSS_PARTS).withConf(files.conf()).build()) {
            w.write(new SimpleGroupFactory(BEFORE_LOSS_PARTS).newGroup().append("run_id", "0123456789abcdef").append("attempt", 1)
                    .append("epoch", 1).append("split", "test").append("mse", 0.05).append("ce", 1.5).append("accuracy", 0.6).append("w1", 5.0));
        }
        assertNull(ResultsFileCheck.metrics(files, file), "not quarantined: the columns it lacks were added later");

        List<Row> rows = SPARK.session().read().schema(ResultsWriter.sparkSchema(ResultsLayout.METRICS))
                .parquet(layout.table(ResultsLayout.METRICS)).collectAsList();
        assertEquals(1, rows.size());
        Row r = rows.get(0);
        assertEquals(0.05, r.<Double>getAs("mse"));
        assertEquals("old", r.getAs("sweep_id"));
        assertTrue(r.isNullAt(r.fieldIndex("perception")) && r.isNullAt(r.fieldIndex("loss")));
        assertTrue(ResultsFileCheck.metrics(files, file.replace("run-0123456789abcdef", "run-fedcba9876543210")) != null,
                "a missing file is still damage");
    }
}
