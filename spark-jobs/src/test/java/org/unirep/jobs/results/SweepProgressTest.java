package org.unirep.jobs.results;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

/** The time left in the sweep's progress line, on the quickstart's schedule: 4 points of ~250 s on 2 slots. */
class SweepProgressTest {
    @Test
    void timeLeftCountsThePointInFlightAndTheSlots() {
        // the first point ends while the second (started with it) runs: 2 to start, 1 half done, on 2 slots
        assertEquals(Math.round((2 * 251 + 251 / 2.0) / 2), SweepProgress.left(3, 1, 251, 2)); // 5m14s; the pace so far said 12m51s
        assertEquals(254, SweepProgress.left(2, 0, 254, 2), "two to run, side by side");
        assertEquals(125, SweepProgress.left(1, 1, 250, 2), "the last one, half done, on one slot");
        assertEquals(500, SweepProgress.left(2, 0, 250, 1), "one slot: one after the other");
        assertEquals(0, SweepProgress.left(0, 0, 250, 2));
    }
}
