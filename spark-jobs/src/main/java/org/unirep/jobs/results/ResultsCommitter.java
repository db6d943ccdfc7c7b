package org.unirep.jobs.results;

import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Batches the driver's commits: finished attempts are queued ({@link #add}) and committed together
 * by one background thread every {@code every} or as soon as {@code maxBatch} are queued, whichever
 * comes first, then removed from the pending journal. A commit that fails is retried with the next
 * batch (the records stay in the journal); {@link #close} commits what is left and reports a failure
 * that persists.
 */
public final class ResultsCommitter implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(ResultsCommitter.class);

    /** At most this long between a point's end and its commit: 5 s, or the JVM property {@code unirep.commit-every} (seconds; 0: at once). */
    public static final Duration EVERY = Duration.ofSeconds(Long.getLong("unirep.commit-every", 5));
    public static final int MAX_BATCH = 500;

    private final ResultsWriter writer;
    private final PendingRecords pending;
    private final java.util.function.BooleanSupplier mayCommit;
    private final long everyNanos;
    private final int maxBatch;
    private final List<RunRecord> queue = new ArrayList<>();
    private final Thread thread;
    private final List<Long> queuedAt = new ArrayList<>(); // when each queued record arrived
    private boolean closing;
    private int commits, committedRows;
    private Exception lastFailure;

    /** {@code mayCommit}: false once this submission lost its lease (the records then stay in the journal for the new holder). */
    public ResultsCommitter(ResultsWriter writer, PendingRecords pending, Duration every, int maxBatch,
                            java.util.function.BooleanSupplier mayCommit) {
        this.writer = writer;
        this.pending = pending;
        this.mayCommit = mayCommit;
        this.everyNanos = every.toNanos();
        this.maxBatch = maxBatch;
        this.thread = new Thread(this::loop, "results-committer");
        thread.setDaemon(true);
        thread.start();
    }

    /** Queues a finished attempt (whose record is already in the journal, where it has one). */
    public synchronized void add(RunRecord r) {
        queue.add(r);
        queuedAt.add(System.nanoTime());
        notifyAll();
    }

    private void loop() {
        while (true) {
            List<RunRecord> batch;
            synchronized (this) {
                try {
                    while (!closing && queue.isEmpty()) wait();
                } catch (InterruptedException e) {
                    return;
                }
                // The batch's clock starts with its oldest point, which may have arrived during the previous commit.
                long deadline = queuedAt.get(0) + everyNanos;
                while (!closing && queue.size() < maxBatch) {
                    long left = deadline - System.nanoTime();
                    if (left <= 0) break;
                    try {
                        wait(Math.max(1, left / 1_000_000));
                    } catch (InterruptedException e) {
                        return;
                    }
                }
                if (closing && queue.isEmpty()) return;
                if (queue.isEmpty()) continue;
                batch = new ArrayList<>(queue.subList(0, Math.min(maxBatch, queue.size())));
            }
            boolean ok = commit(batch);
            synchronized (this) {
                if (ok) {
                    queue.subList(0, batch.size()).clear();
                    queuedAt.subList(0, batch.size()).clear();
                }
                if (closing && (!ok || queue.isEmpty())) { // close() gives up after one failed final try
                    notifyAll();
                    return;
                }
                notifyAll();
                if (!ok) {
                    try {
                        wait(1000); // a failing commit is retried at most once a second
                    } catch (InterruptedException e) {
                        return;
                    }
                }
            }
        }
    }

    private boolean commit(List<RunRecord> batch) {
        if (!mayCommit.getAsBoolean()) {
            synchronized (this) {
                lastFailure = new IllegalStateException("this submission lost its lease");
            }
            return false;
        }
        try {
            long t0 = System.nanoTime();
            writer.commit(batch);
            pending.delete(batch);
            synchronized (this) {
                commits++;
                committedRows += batch.size();
                lastFailure = null;
            }
            log.info("results: committed {} finished point(s) in {} ms ({} so far)", batch.size(), (System.nanoTime() - t0) / 1_000_000,
                    committedRows);
            return true;
        } catch (Exception e) {
            log.warn("results: committing {} finished points failed ({}); they stay in the journal and are tried again", batch.size(),
                    e.toString());
            synchronized (this) {
                lastFailure = e;
            }
            return false;
        }
    }

    /** Transactions so far (each commits a batch to both tables). */
    public synchronized int commits() { return commits; }

    public synchronized int committedRows() { return committedRows; }

    /** Commits what is queued; throws if that fails (the records stay in the journal for the next submission). */
    @Override
    public void close() throws IOException {
        synchronized (this) {
            closing = true;
            notifyAll();
        }
        try {
            thread.join();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted while committing results", e);
        }
        synchronized (this) {
            if (!queue.isEmpty()) {
                throw new IOException(queue.size() + " finished points could not be committed (" + lastFailure
                        + "); they are in the journal and the next submission commits them", lastFailure);
            }
        }
    }
}
