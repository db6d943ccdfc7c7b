package org.unirep.io;

import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Kill-testing hook: with {@code -Dunirep.crash-at=SITE:N} the JVM halts (exit 137, no shutdown
 * hooks, no finally blocks: as {@code kill -9} would leave things) the N-th time it reaches
 * {@code SITE}. Without the property a call is a null check. The sites are the places where
 * a crash could leave results half-written; the kill test picks among them with a seeded RNG.
 */
public final class CrashPoint {
    /** After the sweep's lease is taken, before recovery. */
    public static final String LEASE_TAKEN = "lease.taken";
    /** After each file recovery removed or quarantined. */
    public static final String RECOVERY_STEP = "recovery.step";
    /** After each averaging round of a stage-1 encoder. */
    public static final String STAGE1_ROUND = "stage1.round";
    /** A batch of finished points is about to be committed (its records are in the pending journal). */
    public static final String COMMIT_STAGED = "commit.staged";
    /** A batch's metrics rows are committed, its runs rows not yet. */
    public static final String COMMIT_HALF = "commit.half";
    /** A training run's state after an epoch is saved (_resume/SWEEP/RUNID). */
    public static final String EPOCH_SAVED = "epoch.saved";
    /** A batch's runs rows are committed, its journal entries not yet removed. */
    public static final String COMMITTED = "commit.done";

    private static final String PROPERTY = "unirep.crash-at";
    private static final ConcurrentHashMap<String, AtomicInteger> ARRIVALS = new ConcurrentHashMap<>();
    private static final String ARMED = System.getProperty(PROPERTY);

    private CrashPoint() {}

    public static void reach(String site) {
        String a = ARMED;
        if (a == null) return;
        int colon = a.lastIndexOf(':');
        if (!a.substring(0, colon).equals(site)) return;
        int n = ARRIVALS.computeIfAbsent(site, k -> new AtomicInteger()).incrementAndGet();
        if (n == Integer.parseInt(a.substring(colon + 1))) {
            System.err.println("crash point " + a + " reached: halting");
            System.err.flush();
            Runtime.getRuntime().halt(137);
        }
    }
}
