package org.unirep.jobs.plan;

import static org.junit.jupiter.api.Assertions.*;

import java.util.List;
import org.junit.jupiter.api.Test;
import org.unirep.compression.Mode;

/** Run ids name stored results: a change to them orphans every result already written. */
class GridPointTest {
    static GridPoint point(String encoderRunId, double lambda) {
        return TestPoints.fanOut(Mode.RDC, lambda, 0.015, encoderRunId, 1);
    }

    @Test
    void runIdsOfKnownPointsArePinned() {
        // Golden values: if this fails, stored results would no longer be found; keep the identity
        // (its keys, order and rendering) or ship a migration of the results roots. Changed on purpose with
        // TrainingRun.LOOP_VERSION reference-alternating-2 (PyTorch's BatchNorm statistics, faithful universal decoders).
        assertEquals("e3b532e4e58cbbb0", point(null, 0.015).runId());
        assertEquals("0549d860c5ad2bb2", point("1111222233334444", 0.001).runId());
        assertEquals("2311ff9329e33fa8", TestPoints.encoder(Mode.RDC, 0.015, 1).runId(), "stage 1 reshuffling per epoch");
        // encoder.workers = 1, every shipped config's default (the encoder is also the end-to-end point at its lambda).
        assertEquals("263a0b7a692c8ddb", TestPoints.encoder(Mode.RDC, 0.015, 1, 1).runId(), "a one-worker encoder");
    }

    @Test
    void everySettingOfTheIdentityChangesTheRunId() {
        GridPoint p = point(null, 0.015);
        assertNotEquals(p.runId(), point(null, 0.0150001).runId());
        assertNotEquals(p.runId(), point("1111222233334444", 0.015).runId());
        assertEquals(p.runId(), point(null, 0.015).runId(), "deterministic");
        assertEquals(16, p.runId().length());
    }

    @Test
    void faultInjectionNamesPointsByKindModeAndLambda() {
        GridPoint universal = point("1111222233334444", 0.001), e2e = point(null, 0.015);
        GridPoint encoder = TestPoints.encoder(Mode.RDC, 0.015, 1);
        FaultInjection f = new FaultInjection(List.of("universal:rdc:0.001", "encoder:rdc:0.015"));
        IllegalStateException e = assertThrows(IllegalStateException.class, () -> f.failIfInjected(universal));
        assertTrue(e.getMessage().contains("universal:rdc:0.001"), e.getMessage());
        assertThrows(IllegalStateException.class, () -> f.failIfInjected(encoder));
        f.failIfInjected(e2e); // end_to_end rdc 0.015 is not named: stage 1's encoder key is "encoder"
        FaultInjection.NONE.failIfInjected(universal);
    }
}
