package org.unirep.jobs.results;

import io.delta.kernel.Operation;
import io.delta.kernel.Table;
import io.delta.kernel.Transaction;
import io.delta.kernel.TransactionCommitResult;
import io.delta.kernel.data.Row;
import io.delta.kernel.defaults.engine.DefaultEngine;
import io.delta.kernel.engine.Engine;
import io.delta.kernel.exceptions.CheckpointAlreadyExistsException;
import io.delta.kernel.expressions.Literal;
import io.delta.kernel.utils.CloseableIterable;
import io.delta.kernel.utils.CloseableIterator;
import io.delta.kernel.utils.DataFileStatistics;
import io.delta.kernel.utils.DataFileStatus;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.apache.hadoop.conf.Configuration;
import org.apache.spark.sql.SparkSession;

/**
 * Adds data files to a Delta table in one transaction, through Delta Kernel: the protocol's own
 * commit (put-if-absent of the next log entry, blind appends rebased over concurrent ones, a
 * checkpoint every {@code delta.checkpointInterval} versions), all in this thread. delta-spark's
 * commit builds the new version's snapshot with a Spark job after every commit; measured with
 * `unirep bench-sweep`, that job was half of the committer's CPU.
 */
final class TableCommit {
    /** Who wrote a version, in its commitInfo. */
    static final String ENGINE_INFO = "unirep";

    private static Configuration engineConf;
    private static Engine engine;

    private TableCommit() {}

    /**
     * The engine for the session's Hadoop configuration, made once per configuration. A log store
     * chosen for Spark ({@code spark.delta.logStore.<scheme>.impl}, e.g. DynamoDB's for concurrent
     * writers on S3) is the Kernel's too.
     */
    static synchronized Engine engine(SparkSession spark) {
        Configuration conf = spark.sparkContext().hadoopConfiguration();
        if (conf != engineConf) {
            Configuration c = new Configuration(conf);
            for (scala.Tuple2<String, String> kv : spark.sparkContext().getConf().getAll()) {
                if (kv._1().startsWith("spark.delta.logStore.") && kv._1().endsWith(".impl")) {
                    c.set("io.delta.kernel.logStore." + kv._1().substring("spark.delta.logStore.".length()), kv._2());
                }
            }
            engine = DefaultEngine.create(c);
            engineConf = conf;
        }
        return engine;
    }

    /**
     * One transaction adding the files (absolute paths under {@code root}), grouped by the value of
     * the table's one partition column. Returns the version written.
     */
    static long append(Engine engine, String root, String partitionColumn, Map<String, List<DataFileStatus>> filesByPartition)
            throws IOException {
        Table table = Table.forPath(engine, root);
        Transaction txn = table.createTransactionBuilder(engine, ENGINE_INFO, Operation.WRITE).build(engine);
        Row state = txn.getTransactionState(engine);
        List<Row> actions = new ArrayList<>();
        for (Map.Entry<String, List<DataFileStatus>> e : filesByPartition.entrySet()) {
            var context = Transaction.getWriteContext(engine, state, Map.of(partitionColumn, Literal.ofString(e.getKey())));
            try (CloseableIterator<Row> adds = Transaction.generateAppendActions(engine, state, iterator(e.getValue().iterator()), context)) {
                adds.forEachRemaining(actions::add);
            }
        }
        TransactionCommitResult result = txn.commit(engine, CloseableIterable.inMemoryIterable(iterator(actions.iterator())));
        if (result.isReadyForCheckpoint()) {
            try {
                table.checkpoint(engine, result.getVersion());
            } catch (CheckpointAlreadyExistsException e) {
                // Another writer checkpointed this version first: the same state, nothing lost.
            }
        }
        return result.getVersion();
    }

    /** A data file to add, with its row count (Delta answers {@code count(*)} from it; other statistics come with compaction). */
    static DataFileStatus dataFile(org.apache.hadoop.fs.FileStatus st, long records) {
        return new DataFileStatus(st.getPath().toString(), st.getLen(), st.getModificationTime(), Optional.of(new RecordCount(records)));
    }

    /** Kernel 3.2.1 writes every file's statistics as "{}"; this writes the count. */
    private static final class RecordCount extends DataFileStatistics {
        RecordCount(long records) {
            super(records, Map.of(), Map.of(), Map.of());
        }

        @Override public String serializeAsJson() {
            return "{\"numRecords\":" + getNumRecords() + "}";
        }
    }

    private static <T> CloseableIterator<T> iterator(Iterator<T> it) {
        return new CloseableIterator<>() {
            @Override public boolean hasNext() { return it.hasNext(); }
            @Override public T next() { return it.next(); }
            @Override public void close() {}
        };
    }
}
