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
 */
final class SweepScheduler {
    private static final Logger log = LoggerFactory.getLogger(SweepScheduler.class);

    /** Trains one attempt of a point and commits its row. */
    interface Runner {
        RunRecord run(GridPoint p, int attempt) throws Exception;
    }

    /** A point with the attempt number it will write. */
    record Item(GridPoint point, int attempt) {}

    private final String sweepId;
    private final IntSupplier slots;
    private final int retries;
    private final Runner encoder, fanOut, blocked;
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

    private record Running(Item item, boolean isEncoder, int cost, int tries) {}

    private record Ended(Running running, RunRecord record) {}

    /**
     * @param encoders   stage-1 points to train
     * @param points     fan-out points to train
     * @param okEncoders run ids of encoders that are already ok
     */
    void run(List<Item> encoders, List<Item> points, Set<String> okEncoders) throws IOException {
        Set<String> pending = new HashSet<>();
        for (Item e : encoders) pending.add(e.point().runId());
        Deque<Running> encQ = new ArrayDeque<>(), fanQ = new ArrayDeque<>();
        for (Item e : encoders) encQ.add(new Running(e, true, Math.max(1, e.point().workers()), 1));
        Map<String, List<Item>> waiting = new HashMap<>();
        List<Item> unreachable = new ArrayList<>();
        for (Item p : points) {
            if (!p.point().universal() || okEncoders.contains(p.point().encoderRunId())) fanQ.add(new Running(p, false, 1, 1));
            else if (pending.contains(p.point().encoderRunId())) waiting.computeIfAbsent(p.point().encoderRunId(), k -> new ArrayList<>()).add(p);
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
                    Deque<Running> q = !encQ.isEmpty() ? encQ : fanQ;
                    Running next = q.peek();
                    if (next == null || (used > 0 && used + next.cost() > now)) break;
                    q.poll();
                    running++;
                    used += next.cost();
                    if (next.isEncoder()) maxEncodersAtOnce = Math.max(maxEncodersAtOnce, ++encodersRunning);
                    progress.started(now);
                    Runner runner = next.isEncoder() ? encoder : fanOut;
                    done.submit(() -> new Ended(next, runner.run(next.item().point(), next.item().attempt())));
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
                Running r = e.running();
                if (r.isEncoder()) encodersRunning--;
                RunStatus status = e.record().status();
                if (status == RunStatus.FAILED && r.tries() <= retries) {
                    Item again = new Item(r.item().point(), r.item().attempt() + 1);
                    log.info("sweep {}: retrying {} (attempt {})", sweepId, again.point().label(), again.attempt());
                    progress.queued(1);
                    (r.isEncoder() ? encQ : fanQ).add(new Running(again, r.isEncoder(), r.cost(), r.tries() + 1));
                } else if (r.isEncoder()) {
                    List<Item> mine = waiting.remove(r.item().point().runId());
                    if (mine == null) continue;
                    if (status == RunStatus.OK) for (Item p : mine) fanQ.add(new Running(p, false, 1, 1));
                    else for (Item p : mine) block(p);
                }
            }
        } catch (IOException | RuntimeException ex) {
            onError.run();
            throw ex;
        } finally {
            pool.shutdownNow();
        }
    }

    /** The most encoders that trained at the same time in the last {@link #run}. */
    int maxEncodersAtOnce() {
        return maxEncodersAtOnce;
    }

    private void block(Item p) throws IOException {
        try {
            blocked.run(p.point(), p.attempt());
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
