package org.unirep.jobs.results;

import static org.junit.jupiter.api.Assertions.*;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.unirep.io.HadoopFiles;
import org.unirep.io.Json;
import org.unirep.testing.Await;

/**
 * The sweep lease. The tests of its timing (renewals keeping a short-ttl lease live, a waiting
 * submission, a taken-over holder noticing) wait on what they need to see (a renewal after the
 * first write would have expired, the waiter asleep in its poll loop) with a deadline, not for a
 * fixed time; with the one that starts a process they are tagged slow ({@code -Pfast} leaves them out).
 */
class SweepLeaseTest {
    final HadoopFiles files = HadoopFiles.local();

    SweepLease take(Path root, Duration ttl, boolean await, Runnable onLost) throws Exception {
        return SweepLease.acquire(files, new ResultsLayout(root.toString()), "s", ttl, await, onLost);
    }

    static Path leaseFile(Path root) {
        return Path.of(SweepLease.path(new ResultsLayout(root.toString()), "s"));
    }

    static long renewedAt(Path lease) throws IOException {
        return Files.getLastModifiedTime(lease).toMillis();
    }

    /** Waits until the holder has renewed {@code lease} after {@code after} (ms): renewals, not the first write, keep it live then. */
    static void awaitRenewalAfter(Path lease, long after) throws Exception {
        Await.until("a renewal of " + lease + " after " + Instant.ofEpochMilli(after), Duration.ofSeconds(60),
                () -> Files.exists(lease) && renewedAt(lease) > after);
    }

    /** A lease file as another submission would have written it. */
    static Path foreignLease(Path root, String host, long pid, Duration ttl, Duration renewedAgo) throws Exception {
        return foreignLease(root, host, pid, ttl, renewedAgo, "", "");
    }

    static Path foreignLease(Path root, String host, long pid, Duration ttl, Duration renewedAgo, String application, String attempt)
            throws Exception {
        Path f = Path.of(SweepLease.path(new ResultsLayout(root.toString()), "s"));
        Files.createDirectories(f.getParent());
        Files.writeString(f, Json.render(new SweepLease.Holder("other", host, pid, "", "2026-12-01T10:00:00Z", ttl.toMillis(), application,
                attempt).toMap()));
        Files.setLastModifiedTime(f, FileTime.from(Instant.now().minus(renewedAgo)));
        return f;
    }

    @Tag("slow")
    @Test
    void aSecondSubmissionStopsNamingTheHolderAndGetsTheLeaseOnceReleased(@TempDir Path root) throws Exception {
        Duration ttl = Duration.ofSeconds(1);
        SweepLease first = take(root, ttl, false, () -> {});
        // Past the ttl of the first write: only the renewals keep it live.
        awaitRenewalAfter(leaseFile(root), renewedAt(leaseFile(root)) + ttl.toMillis());
        SweepLease.HeldException e = assertThrows(SweepLease.HeldException.class, () -> take(root, Duration.ofMinutes(2), false, () -> {}));
        String m = e.getMessage();
        assertTrue(m.contains("host " + RunRecords.host()) && m.contains("pid " + ProcessHandle.current().pid()) && m.contains("started 20")
                && m.contains("--wait") && m.contains("_leases/s.json"), m);
        assertFalse(first.lost());
        first.close();
        assertFalse(Files.exists(Path.of(SweepLease.path(new ResultsLayout(root.toString()), "s"))), "released on close");
        take(root, Duration.ofMinutes(2), false, () -> {}).close();
    }

    @Tag("slow")
    @Test
    void aWaitingSubmissionStartsWhenTheHolderEnds(@TempDir Path root) throws Exception {
        Duration ttl = Duration.ofSeconds(2);
        SweepLease first = take(root, ttl, false, () -> {});
        long written = renewedAt(leaseFile(root));
        AtomicReference<Object> second = new AtomicReference<>();
        Thread waiter = new Thread(() -> {
            try {
                second.set(take(root, ttl, true, () -> {}));
            } catch (Exception x) {
                second.set(x);
            }
        }, "second-submission");
        waiter.start();
        // The first write has expired and the second submission is asleep in its poll loop: it saw the lease live (renewed).
        awaitRenewalAfter(leaseFile(root), written + ttl.toMillis());
        Await.until(() -> "the second submission to wait (it is " + waiter.getState() + ")", Duration.ofSeconds(60),
                () -> waiter.getState() == Thread.State.TIMED_WAITING || !waiter.isAlive());
        assertNull(second.get(), "waits while the holder runs");
        first.close();
        waiter.join(TimeUnit.SECONDS.toMillis(60));
        assertInstanceOf(SweepLease.class, second.get(), "the waiting submission took the lease once released");
        ((SweepLease) second.get()).close();
    }

    @Tag("slow")
    @Test
    void aLeaseOfAProcessOfThisHostThatIsGoneIsTakenOverAtOnce(@TempDir Path root) throws Exception {
        Process p = new ProcessBuilder("true").start();
        p.waitFor();
        foreignLease(root, RunRecords.host(), p.pid(), Duration.ofHours(1), Duration.ZERO);
        try (SweepLease l = take(root, Duration.ofMinutes(2), false, () -> {})) {
            assertEquals(ProcessHandle.current().pid(),
                    SweepLease.read(files, SweepLease.path(new ResultsLayout(root.toString()), "s")).pid());
        }
    }

    /** A YARN application master's retry: the same application id, a new attempt id; its earlier attempt's driver is gone. */
    @Test
    void aLeaseOfAnEarlierAttemptOfThisApplicationIsTakenOverAtOnceAndAnotherApplicationsIsNot(@TempDir Path root) throws Exception {
        ResultsLayout layout = new ResultsLayout(root.toString());
        foreignLease(root, "elsewhere", 1, Duration.ofHours(1), Duration.ZERO, "application_1_0007", "1");
        SweepLease.HeldException e = assertThrows(SweepLease.HeldException.class, () -> SweepLease.acquire(files, layout, "s",
                "application_1_0008", "1", Duration.ofMinutes(2), false, () -> {}));
        assertTrue(e.getMessage().contains("application application_1_0007 attempt 1"), e.getMessage());
        assertThrows(SweepLease.HeldException.class, () -> SweepLease.acquire(files, layout, "s", "application_1_0007", "1",
                Duration.ofMinutes(2), false, () -> {}), "the same attempt is a second submission, not a retry");
        try (SweepLease l = SweepLease.acquire(files, layout, "s", "application_1_0007", "2", Duration.ofMinutes(2), false, () -> {})) {
            SweepLease.Holder h = SweepLease.read(files, SweepLease.path(layout, "s"));
            assertEquals("2", h.attempt(), "attempt 2 holds it, without waiting out the hour of attempt 1's ttl");
            assertEquals(ProcessHandle.current().pid(), h.pid());
        }
    }

    @Test
    void aLeaseOfAnotherHostIsHeldUntilItsTtlPassesWithoutRenewal(@TempDir Path root) throws Exception {
        foreignLease(root, "elsewhere", 1, Duration.ofMinutes(2), Duration.ofSeconds(30));
        SweepLease.HeldException e = assertThrows(SweepLease.HeldException.class, () -> take(root, Duration.ofMinutes(2), false, () -> {}));
        assertTrue(e.getMessage().contains("host elsewhere, pid 1"), e.getMessage());
        foreignLease(root, "elsewhere", 1, Duration.ofMinutes(2), Duration.ofMinutes(3));
        take(root, Duration.ofMinutes(2), false, () -> {}).close();
    }

    @Tag("slow")
    @Test
    void aHolderWhoseLeaseWasTakenOverIsToldAndStops(@TempDir Path root) throws Exception {
        AtomicInteger lost = new AtomicInteger();
        SweepLease l = take(root, Duration.ofMillis(800), false, lost::incrementAndGet);
        foreignLease(root, "elsewhere", 1, Duration.ofMinutes(2), Duration.ZERO);
        Await.until("the holder to notice its lease was taken over", Duration.ofSeconds(60), l::lost);
        assertEquals(1, lost.get());
        l.close();
        assertEquals("elsewhere", SweepLease.read(files, SweepLease.path(new ResultsLayout(root.toString()), "s")).host(),
                "closing a lost lease leaves the new holder's file alone");
    }

    @Test
    void anUnwritableResultsRootIsReportedBeforeAnything(@TempDir Path dir) throws Exception {
        Path file = Files.writeString(dir.resolve("a-file"), "x");
        ResultsLayout layout = new ResultsLayout(file.resolve("results").toString());
        IOException e = assertThrows(IOException.class, () -> ResultsRootCheck.writable(files, layout));
        assertTrue(e.getMessage().contains("results root " + layout.root() + " is not writable"), e.getMessage());
    }

    @Test
    void aResultsRootWithoutRoomForThePointsIsReported() {
        assertNull(ResultsRootCheck.spaceProblem("r", 10 * ResultsRootCheck.BYTES_PER_POINT, 10));
        String p = ResultsRootCheck.spaceProblem("hdfs://nn/r", 3 * ResultsRootCheck.BYTES_PER_POINT, 4);
        assertTrue(p.contains("hdfs://nn/r has 96 MB free") && p.contains("4 point(s) to train need about 128 MB"), p);
    }
}
