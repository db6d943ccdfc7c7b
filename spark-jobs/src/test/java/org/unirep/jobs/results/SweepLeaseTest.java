package org.unirep.jobs.results;

import static org.junit.jupiter.api.Assertions.*;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.unirep.io.HadoopFiles;
import org.unirep.io.Json;

class SweepLeaseTest {
    final HadoopFiles files = HadoopFiles.local();

    SweepLease take(Path root, Duration ttl, boolean await, Runnable onLost) throws Exception {
        return SweepLease.acquire(files, new ResultsLayout(root.toString()), "s", ttl, await, onLost);
    }

    /** A lease file as another submission would have written it. */
    static Path foreignLease(Path root, String host, long pid, Duration ttl, Duration renewedAgo) throws Exception {
        Path f = Path.of(SweepLease.path(new ResultsLayout(root.toString()), "s"));
        Files.createDirectories(f.getParent());
        Files.writeString(f, Json.render(new SweepLease.Holder("other", host, pid, "", "2026-12-01T10:00:00Z", ttl.toMillis()).toMap()));
        Files.setLastModifiedTime(f, FileTime.from(Instant.now().minus(renewedAgo)));
        return f;
    }

    @Test
    void aSecondSubmissionStopsNamingTheHolderAndGetsTheLeaseOnceReleased(@TempDir Path root) throws Exception {
        SweepLease first = take(root, Duration.ofSeconds(1), false, () -> {});
        Thread.sleep(1600); // past the ttl: only the renewals keep it live
        SweepLease.HeldException e = assertThrows(SweepLease.HeldException.class, () -> take(root, Duration.ofMinutes(2), false, () -> {}));
        String m = e.getMessage();
        assertTrue(m.contains("host " + RunRecords.host()) && m.contains("pid " + ProcessHandle.current().pid()) && m.contains("started 20")
                && m.contains("--wait") && m.contains("_leases/s.json"), m);
        assertFalse(first.lost());
        first.close();
        assertFalse(Files.exists(Path.of(SweepLease.path(new ResultsLayout(root.toString()), "s"))), "released on close");
        take(root, Duration.ofMinutes(2), false, () -> {}).close();
    }

    @Test
    void aWaitingSubmissionStartsWhenTheHolderEnds(@TempDir Path root) throws Exception {
        SweepLease first = take(root, Duration.ofSeconds(2), false, () -> {});
        CompletableFuture<SweepLease> second = CompletableFuture.supplyAsync(() -> {
            try {
                return take(root, Duration.ofSeconds(2), true, () -> {});
            } catch (Exception x) {
                throw new IllegalStateException(x);
            }
        });
        Thread.sleep(1500);
        assertFalse(second.isDone(), "waits while the holder runs");
        first.close();
        second.get(10, TimeUnit.SECONDS).close();
    }

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

    @Test
    void aLeaseOfAnotherHostIsHeldUntilItsTtlPassesWithoutRenewal(@TempDir Path root) throws Exception {
        foreignLease(root, "elsewhere", 1, Duration.ofMinutes(2), Duration.ofSeconds(30));
        SweepLease.HeldException e = assertThrows(SweepLease.HeldException.class, () -> take(root, Duration.ofMinutes(2), false, () -> {}));
        assertTrue(e.getMessage().contains("host elsewhere, pid 1"), e.getMessage());
        foreignLease(root, "elsewhere", 1, Duration.ofMinutes(2), Duration.ofMinutes(3));
        take(root, Duration.ofMinutes(2), false, () -> {}).close();
    }

    @Test
    void aHolderWhoseLeaseWasTakenOverIsToldAndStops(@TempDir Path root) throws Exception {
        AtomicInteger lost = new AtomicInteger();
        SweepLease l = take(root, Duration.ofMillis(800), false, lost::incrementAndGet);
        foreignLease(root, "elsewhere", 1, Duration.ofMinutes(2), Duration.ZERO);
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
        while (!l.lost() && System.nanoTime() < deadline) Thread.sleep(50);
        assertTrue(l.lost());
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
