package org.unirep.jobs.plan;

import java.io.Serializable;
import java.util.List;

/**
 * A test hook, kept out of the points themselves: the sweep's {@code fault-injection.fail-points},
 * "kind:mode:lambda" ("encoder" as the kind for stage 1), make those points throw on purpose.
 */
public record FaultInjection(List<String> failPoints) implements Serializable {
    public static final FaultInjection NONE = new FaultInjection(List.of());

    /** Throws if one of the fail points names {@code p}. */
    public void failIfInjected(GridPoint p) {
        for (String f : failPoints) {
            if (matches(p, f)) throw new IllegalStateException("fault injected at " + f + " (sweep.fault-injection.fail-points)");
        }
    }

    static boolean matches(GridPoint p, String failPoint) {
        String[] f = failPoint.split(":");
        String k = p.stage() == Stage.ENCODER ? Stage.ENCODER.id() : p.kind().id();
        return f.length == 3 && f[0].equals(k) && f[1].equals(p.mode().id()) && Double.parseDouble(f[2]) == p.lambda();
    }
}
