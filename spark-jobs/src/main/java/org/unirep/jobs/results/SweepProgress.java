package org.unirep.jobs.results;

import java.time.Duration;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.unirep.training.RunStatus;

/** The driver's progress line for both stages of a sweep: points done / total, failures, and the time left at the pace so far. */
public final class SweepProgress {
    private static final Logger log = LoggerFactory.getLogger(SweepProgress.class);

    private final String sweepId;
    private final int total;
    private final long started = System.nanoTime();
    private int done, failed, trainedHere, toTrain, startedHere, slots = 1;
    private double secondsHere; // summed durations of the points that ended here

    public SweepProgress(String sweepId, int total, int alreadyDone) {
        this.sweepId = sweepId;
        this.total = total;
        this.done = alreadyDone;
    }

    /** Points queued for training in this submission (retries included). */
    public synchronized void queued(int n) { toTrain += n; }

    /** A point started training; {@code slots}: the task slots the sweep fills now. */
    public synchronized void started(int slots) {
        startedHere++;
        this.slots = Math.max(1, slots);
    }

    /** A point ended in this submission (any status). */
    public synchronized void ended(RunRecord r, String label) {
        trainedHere++;
        secondsHere += r.seconds();
        int remainingHere = Math.max(0, toTrain - trainedHere);
        if (r.status() == RunStatus.OK) done++;
        else failed++;
        double elapsed = (System.nanoTime() - started) / 1e9;
        long left = left(remainingHere, Math.max(0, startedHere - trainedHere), secondsHere / trainedHere, slots);
        log.info("sweep {}: {}/{} points ok, {} not ok | {} -> {} in {} s | elapsed {}, ~{} left", sweepId, done, total, failed,
                label, r.status(), String.format("%.0f", r.seconds()), fmt(Math.round(elapsed)), fmt(left));
    }

    /** The line of a sweep stopped by a signal (points that ended here and are not committed yet are in the journal: done). */
    public synchronized String stoppedLine() {
        return String.format("sweep %s: stopped by a signal with %d of %d points done (%d ended in this submission, after %s); "
                + "run the same command again to resume", sweepId, done, total, trainedHere, fmt(Math.round((System.nanoTime() - started) / 1e9)));
    }

    /**
     * Time left: the points not started take the mean duration so far, those in flight half of it,
     * spread over the slots the remaining points can use (extrapolating finished points alone counts
     * a point that ends next to another as if the rest ran one at a time).
     */
    static long left(int remaining, int inFlight, double meanSeconds, int slots) {
        double work = Math.max(0, remaining - inFlight) * meanSeconds + Math.min(inFlight, remaining) * meanSeconds / 2;
        return Math.round(work / Math.max(1, Math.min(slots, remaining)));
    }

    static String fmt(long seconds) {
        Duration d = Duration.ofSeconds(seconds);
        return d.toHours() > 0 ? String.format("%dh%02dm", d.toHours(), d.toMinutesPart())
                : String.format("%dm%02ds", d.toMinutes(), d.toSecondsPart());
    }
}
