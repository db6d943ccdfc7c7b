package org.unirep.jobs.plan;

import java.io.Serializable;
import java.util.List;

/**
 * A test hook, kept out of the points themselves: the sweep's {@code fault-injection.fail-points},
 * "kind:mode:lambda[:how]" ("encoder" as the kind for stage 1), make those points fail on purpose,
 * each way a point can fail: {@code error} (the default: an exception while training, retried),
 * {@code invalid} (a configuration that cannot train, not retried), {@code setup} (the task cannot
 * set up, as with a GPU or backend that does not load: Spark retries the task elsewhere).
 */
public record FaultInjection(List<String> failPoints) implements Serializable {
    public static final FaultInjection NONE = new FaultInjection(List.of());

    /** Throws if one of the fail points names {@code p} with a training failure (error or invalid). */
    public void failIfInjected(GridPoint p) {
        for (String f : failPoints) {
            if (!matches(p, f)) continue;
            String how = how(f);
            if (how.equals("invalid")) throw new IllegalArgumentException("fault injected at " + f + " (sweep.fault-injection.fail-points)");
            if (how.equals("error")) throw new IllegalStateException("fault injected at " + f + " (sweep.fault-injection.fail-points)");
        }
    }

    /** Throws if one of the fail points names {@code p} with a setup failure. */
    public void failSetupIfInjected(GridPoint p) {
        for (String f : failPoints) {
            if (matches(p, f) && how(f).equals("setup")) throw new IllegalStateException("fault injected at " + f
                    + " (sweep.fault-injection.fail-points)");
        }
    }

    private static String how(String failPoint) {
        String[] f = failPoint.split(":");
        return f.length == 4 ? f[3] : "error";
    }

    static boolean matches(GridPoint p, String failPoint) {
        String[] f = failPoint.split(":");
        String k = p.stage() == Stage.ENCODER ? Stage.ENCODER.id() : p.kind().id();
        return (f.length == 3 || f.length == 4) && f[0].equals(k) && f[1].equals(p.mode().id()) && Double.parseDouble(f[2]) == p.lambda();
    }
}
