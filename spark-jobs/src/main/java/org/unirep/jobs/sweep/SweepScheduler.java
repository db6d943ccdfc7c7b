package org.unirep.jobs.sweep;

import java.io.IOException;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletionService;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorCompletionService;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.function.IntSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.unirep.jobs.plan.GridPoint;
import org.unirep.jobs.results.RunRecord;
import org.unirep.jobs.results.SweepProgress;
import org.unirep.training.RunStatus;

/**
 * Puts a sweep's points on the cluster's task slots, from driver threads. A stage-1 encoder holds
 * {@code workers} slots while it trains, a fan-out point one. Encoders go first and train side by
 * side where the slots allow (an encoder wider than the cluster trains alone); fan-out points take
 * the slots left, and a universal point is queued the moment its encoder is ok, not when every
 * encoder is. A failed point is queued again, up to {@code retries} more times; the universal
 * points of an encoder that did not train get a failed row from {@code blocked} and never start.
 * The slot count is read again as points end and every 10 s, so executors that join late are used.
 *
 * <p>Short fan-out points go to a slot in chunks: once points have ended, a slot takes as many
 * queued points as fill about {@link #CHUNK_SECONDS} at their mean duration (never more than its
 * share of the queue), run one after another by one task ({@code fanOutChunk}). A point of minutes
 * goes alone, as before; a sweep of 0.1 s points pays a Spark job's latency once per ~20 points.
 */
final class SweepScheduler {
    private static final Logger log = LoggerFactory.getLogger(SweepScheduler.class);

    /**
     * Trains one attempt of a point and commits its row. {@code last}: the highest attempt number the
     * point may write in this submission; a runner whose tries fail in ways Spark retries (a task
     * that cannot set up, a lost executor) numbers each try and stops at it.
     */
    interface Runner {
        RunRecord run(GridPoint p, int attempt, int last) throws Exception;
    }

    /** A point with the attempt number it will write, and the last one it may ({@link Runner}). */
    record Item(GridPoint point, int attempt, int last) {
        Item(GridPoint point, int attempt) {
            this(point, attempt, attempt);
        }
    }

    /** Trains several fan-out points one after another (one Spark task) and commits their rows; a record per item, in order. */
    interface ChunkRunner {
        List<RunRecord> run(List<Item> items) throws Exception;
    }

    /** The wall time a chunk of short fan-out points aims at. */
    static final double CHUNK_SECONDS = 2.0;

    private final String sweepId;
    private final IntSupplier slots;
    private final int retries;
    private final Runner encoder, fanOut, blocked;
    private ChunkRunner fanOutChunk;
    private final Runnable onError;
    private final SweepProgress progress;
    private int maxEncodersAtOnce;

    /**
     * @param slots   task slots the sweep may fill now
     * @param blocked commits the failed row of a universal point whose encoder did not train
     * @param onError runs before a runner's exception stops the schedule (cancels the other points)
     */
    SweepScheduler(String sweepId, IntSupplier slots, int retries, Runner encoder, Runner fanOut, Runner blocked, Runnable onError,
                   SweepProgress progress) {
        this.sweepId = sweepId;
        this.slots = slots;
        this.retries = retries;
        this.encoder = encoder;
        this.fanOut = fanOut;
        this.blocked = blocked;
        this.onError = onError;
        this.progress = progress;
    }

    /** Trains chunks of short fan-out points with one call (by default: one point per call, with {@code fanOut}). */
    SweepScheduler withChunks(ChunkRunner chunks) {
        this.fanOutChunk = chunks;
        return this;
    }

    private record Queued(Item item, boolean isEncoder, int cost) {}

    private record Running(List<Queued> items, int cost) {}

    private record Ended(Running running, List<RunRecord> records) {}

    private double fanOutSeconds;
    private int fanOutEnded, lastChunk = 1;

    /** How many queued fan-out points the next slot takes: 1 until points have ended, then ~CHUNK_SECONDS of them. */
    int chunkSize(int queued, int slotsNow) {
        if (fanOutChunk == null || fanOutEnded == 0 || queued <= 1) return 1;
        double mean = Math.max(1e-3, fanOutSeconds / fanOutEnded);
        int byTime = (int) Math.floor(CHUNK_SECONDS / mean);
        int share = (int) Math.ceil(queued / (double) Math.max(1, slotsNow));
        return Math.max(1, Math.min(byTime, share));
    }

    /**
     * @param encoders   stage-1 points to train
     * @param points     fan-out points to train
     * @param okEncoders run ids of encoders that are already ok
     */
    void run(List<Item> encoders, List<Item> points, Set<String> okEncoders) throws IOException {
        Set<String> pending = new HashSet<>();
        for (Item e : encoders) pending.add(e.point().runId());
        Deque<Queued> encQ = new ArrayDeque<>(), fanQ = new ArrayDeque<>();
        for (Item e : encoders) encQ.add(new Queued(withRetries(e), true, Math.max(1, e.point().workers())));
        Map<String, List<Item>> waiting = new HashMap<>();
        List<Item> unreachable = new ArrayList<>();
        for (Item p : points) {
            if (!p.point().universal() || okEncoders.contains(p.point().encoderRunId())) fanQ.add(new Queued(withRetries(p), false, 1));
            else if (pending.contains(p.point().encoderRunId())) waiting.computeIfAbsent(p.point().encoderRunId(), k -> new ArrayList<>()).add(withRetries(p));
            else unreachable.add(p);
        }
        progress.queued(encoders.size() + points.size());
        for (Item p : unreachable) block(p);

        ExecutorService pool = Executors.newCachedThreadPool(r -> {
            Thread t = new Thread(r, "sweep-" + sweepId);
            t.setDaemon(true);
            return t;
        });
        CompletionService<Ended> done = new ExecutorCompletionService<>(pool);
        int running = 0, used = 0, encodersRunning = 0, known = -1;
        try {
            while (!encQ.isEmpty() || !fanQ.isEmpty() || running > 0) {
                int now = slots.getAsInt();
                if (now != known) log.info("sweep {}: {} task slot(s) to fill", sweepId, now);
                known = now;
                // Encoders first: a fan-out point does not take the slots an encoder waits for.
                while (true) {
                    Deque<Queued> q = !encQ.isEmpty() ? encQ : fanQ;
                    Queued first = q.peek();
                    if (first == null || (used > 0 && used + first.cost() > now)) break;
                    List<Queued> chunk = new ArrayList<>();
                    int size = first.isEncoder() ? 1 : chunkSize(q.size(), now);
                    if (!first.isEncoder() && size != lastChunk) {
                        log.info("sweep {}: fan-out points go {} to a task now (mean {} s a point)", sweepId, size,
                                String.format("%.3f", fanOutEnded == 0 ? 0 : fanOutSeconds / fanOutEnded));
                        lastChunk = size;
                    }
                    while (chunk.size() < size && !q.isEmpty()) chunk.add(q.poll());
                    Running next = new Running(chunk, first.cost());
                    running++;
                    used += next.cost();
                    if (first.isEncoder()) maxEncodersAtOnce = Math.max(maxEncodersAtOnce, ++encodersRunning);
                    for (int i = 0; i < chunk.size(); i++) progress.started(now);
                    done.submit(() -> new Ended(next, runChunk(next)));
                }
                Future<Ended> f;
                try {
                    f = done.poll(10, TimeUnit.SECONDS);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new IOException("sweep " + sweepId + ": interrupted while waiting for its points", e);
                }
                if (f == null) continue;
                Ended e = get(f);
                running--;
                used -= e.running().cost();
                for (int i = 0; i < e.records().size(); i++) {
                    Queued r = e.running().items().get(i);
                    RunRecord record = e.records().get(i);
                    if (r.isEncoder()) encodersRunning--;
                    else {
                        fanOutSeconds += record.seconds();
                        fanOutEnded++;
                    }
                    RunStatus status = record.status();
                    // The record's attempt, not the item's: Spark's retries of a task number their tries too.
                    if (status == RunStatus.FAILED && record.attempt() < r.item().last()) {
                        Item again = new Item(r.item().point(), record.attempt() + 1, r.item().last());
                        log.info("sweep {}: retrying {} (attempt {})", sweepId, again.point().label(), again.attempt());
                        progress.queued(1);
                        (r.isEncoder() ? encQ : fanQ).add(new Queued(again, r.isEncoder(), r.cost()));
                    } else if (r.isEncoder()) {
                        List<Item> mine = waiting.remove(r.item().point().runId());
                        if (mine == null) continue;
                        if (status == RunStatus.OK) for (Item p : mine) fanQ.add(new Queued(p, false, 1));
                        else for (Item p : mine) block(p);
                    }
                }
            }
        } catch (IOException | RuntimeException ex) {
            onError.run();
            throw ex;
        } finally {
            pool.shutdownNow();
        }
    }

    /** The item with its last attempt: {@code retries} after its first in this submission. */
    private Item withRetries(Item i) {
        return new Item(i.point(), i.attempt(), i.attempt() + retries);
    }

    /** Runs a chunk: an encoder or a single point with its runner, several fan-out points with the chunk runner. */
    private List<RunRecord> runChunk(Running r) throws Exception {
        Queued first = r.items().get(0);
        Item i = first.item();
        if (first.isEncoder()) return List.of(encoder.run(i.point(), i.attempt(), i.last()));
        if (r.items().size() == 1) return List.of(fanOut.run(i.point(), i.attempt(), i.last()));
        List<RunRecord> out = fanOutChunk.run(r.items().stream().map(Queued::item).toList());
        if (out.size() != r.items().size()) throw new IllegalStateException(out.size() + " records for a chunk of " + r.items().size());
        return out;
    }

    /** The most encoders that trained at the same time in the last {@link #run}. */
    int maxEncodersAtOnce() {
        return maxEncodersAtOnce;
    }

    private void block(Item p) throws IOException {
        try {
            blocked.run(p.point(), p.attempt(), p.attempt());
        } catch (IOException | RuntimeException e) {
            throw e;
        } catch (Exception e) {
            throw new IOException(e);
        }
    }

    private static Ended get(Future<Ended> f) throws IOException {
        try {
            return f.get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted", e);
        } catch (ExecutionException e) {
            Throwable cause = e.getCause();
            if (cause instanceof IOException io) throw io;
            if (cause instanceof RuntimeException re) throw re;
            throw new IllegalStateException(cause);
        }
    }
}
