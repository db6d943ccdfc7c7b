package org.unirep.jobs.sweep;

import static org.junit.jupiter.api.Assertions.*;

import java.io.IOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.unirep.compression.Mode;
import org.unirep.jobs.plan.GridPoint;
import org.unirep.jobs.plan.TestPoints;
import org.unirep.jobs.results.RunRecord;
import org.unirep.jobs.results.RunRecords;
import org.unirep.jobs.results.SweepProgress;
import org.unirep.training.RunStatus;

/** The scheduler with stand-in trainers: which points run together, and in what order. */
class SweepSchedulerTest {
    final GridPoint encA = TestPoints.encoder(Mode.RDC, 0.015, 1), encB = TestPoints.encoder(Mode.RDC, 0.015, 2);
    final GridPoint uniA = TestPoints.fanOut(Mode.RDC, 0, 0.015, encA.runId(), 1), uniB = TestPoints.fanOut(Mode.RDC, 0, 0.015, encB.runId(), 2);
    final GridPoint e2e = TestPoints.fanOut(Mode.RDC, 0.015, 0.015, null, 1);
    final List<String> events = Collections.synchronizedList(new ArrayList<>());

    static RunRecord record(GridPoint p, int attempt, RunStatus status) {
        long now = System.currentTimeMillis();
        return RunRecords.of(p, "test", attempt, status, status == RunStatus.OK ? null : "stand-in", now, now, "none", null, List.of());
    }

    String name(GridPoint p) {
        return p == encA ? "encA" : p == encB ? "encB" : p == uniA ? "uniA" : p == uniB ? "uniB" : "e2e";
    }

    SweepScheduler scheduler(int slots, int retries, SweepScheduler.Runner encoder, SweepScheduler.Runner fanOut) {
        return new SweepScheduler("test", () -> slots, retries, encoder, fanOut, (p, a, last) -> {
            events.add("blocked " + name(p) + " #" + a);
            return record(p, a, RunStatus.FAILED);
        }, () -> events.add("cancelled"), new SweepProgress("test", 5, 0));
    }

    static List<SweepScheduler.Item> items(GridPoint... ps) {
        return Arrays.stream(ps).map(p -> new SweepScheduler.Item(p, 1)).toList();
    }

    @Test
    void encodersTrainSideBySideAndAUniversalPointStartsAsSoonAsItsEncoderIsDone() throws Exception {
        CountDownLatch uniAStarted = new CountDownLatch(1), bothEncoders = new CountDownLatch(2);
        SweepScheduler s = scheduler(4, 0, (p, a, last) -> {
            events.add("start " + name(p));
            bothEncoders.countDown();
            assertTrue(bothEncoders.await(10, TimeUnit.SECONDS), "the other encoder did not start alongside");
            // encB ends only once encA's universal point runs: the fan-out does not wait for every encoder.
            if (p == encB) assertTrue(uniAStarted.await(10, TimeUnit.SECONDS), "encA's universal point did not start while encB trained");
            events.add("end " + name(p));
            return record(p, a, RunStatus.OK);
        }, (p, a, last) -> {
            events.add("start " + name(p));
            if (p == uniA) uniAStarted.countDown();
            return record(p, a, RunStatus.OK);
        });
        s.run(items(encA, encB), items(uniA, uniB, e2e), Set.of());

        assertEquals(2, s.maxEncodersAtOnce());
        assertTrue(events.indexOf("start uniA") < events.indexOf("end encB"), events.toString());
        assertTrue(events.indexOf("start uniB") > events.indexOf("end encB"), events.toString());
        assertEquals(7, events.size(), events.toString());
    }

    @Test
    void anEncoderAsWideAsTheClusterTrainsAloneAndFanOutPointsWaitForTheEncoders() throws Exception {
        SweepScheduler s = scheduler(2, 0, (p, a, last) -> {
            events.add("start " + name(p));
            Thread.sleep(50); // stand-in training time (not a wait): long enough for a wrongly started second encoder to overlap
            events.add("end " + name(p));
            return record(p, a, RunStatus.OK);
        }, (p, a, last) -> {
            events.add("run " + name(p));
            return record(p, a, RunStatus.OK);
        });
        s.run(items(encA, encB), items(e2e, uniA), Set.of());

        assertEquals(1, s.maxEncodersAtOnce());
        assertEquals(List.of("start encA", "end encA", "start encB", "end encB"), events.subList(0, 4));
        assertEquals(Set.of("run e2e", "run uniA"), Set.copyOf(events.subList(4, 6)));
    }

    @Test
    void failedPointsAreRetriedAndTheUniversalPointsOfAnEncoderThatNeverTrainedAreBlocked() throws Exception {
        List<Integer> e2eAttempts = Collections.synchronizedList(new ArrayList<>());
        SweepScheduler s = scheduler(4, 1, (p, a, last) -> {
            events.add("encoder " + name(p) + " #" + a);
            return record(p, a, RunStatus.FAILED);
        }, (p, a, last) -> {
            if (p == e2e) e2eAttempts.add(a);
            else events.add("ran " + name(p));
            return record(p, a, a == 1 ? RunStatus.FAILED : RunStatus.OK);
        });
        // encB is already ok from an earlier submission: its universal point runs at once.
        s.run(items(encA), List.of(new SweepScheduler.Item(uniA, 3), new SweepScheduler.Item(uniB, 1), new SweepScheduler.Item(e2e, 1)),
                Set.of(encB.runId()));

        assertEquals(List.of(1, 2), e2eAttempts, "a failed point gets one more attempt (retries = 1)");
        assertTrue(events.containsAll(List.of("encoder encA #1", "encoder encA #2", "blocked uniA #3", "ran uniB")), events.toString());
        assertFalse(events.contains("ran uniA"));
        assertTrue(events.indexOf("blocked uniA #3") > events.indexOf("encoder encA #2"), "blocked only once the encoder's attempts are spent");
    }

    /** Spark's retries of a task spend the point's attempts: a record at the point's last attempt is not retried again. */
    @Test
    void aPointWhoseTriesReachedItsLastAttemptIsNotRetried() throws Exception {
        List<String> calls = Collections.synchronizedList(new ArrayList<>());
        SweepScheduler s = scheduler(4, 3, (p, a, last) -> record(p, a, RunStatus.OK), (p, a, last) -> {
            calls.add(a + ".." + last);
            // The first job's task was retried by Spark twice: its record is attempt 3 of 1..4.
            return record(p, a == 1 ? 3 : a, RunStatus.FAILED);
        });
        s.run(List.of(), List.of(new SweepScheduler.Item(e2e, 1)), Set.of());
        assertEquals(List.of("1..4", "4..4"), calls, "one more job, for attempt 4: 4 tries in all (retries = 3)");
    }

    /** An invalid point (its configuration cannot train) is not retried. */
    @Test
    void anInvalidPointIsNotRetried() throws Exception {
        List<Integer> calls = Collections.synchronizedList(new ArrayList<>());
        SweepScheduler s = scheduler(4, 3, (p, a, last) -> record(p, a, RunStatus.OK), (p, a, last) -> {
            calls.add(a);
            return record(p, a, RunStatus.INVALID);
        });
        s.run(List.of(), List.of(new SweepScheduler.Item(e2e, 1)), Set.of());
        assertEquals(List.of(1), calls);
    }

    @Test
    void anExceptionCancelsTheOtherPointsAndStopsTheSchedule() {
        SweepScheduler s = scheduler(4, 0, (p, a, last) -> {
            throw new IOException("sweep test cancelled");
        }, (p, a, last) -> record(p, a, RunStatus.OK));
        IOException e = assertThrows(IOException.class, () -> s.run(items(encA), items(e2e), Set.of()));
        assertEquals("sweep test cancelled", e.getMessage());
        assertTrue(events.contains("cancelled"));
    }
}
