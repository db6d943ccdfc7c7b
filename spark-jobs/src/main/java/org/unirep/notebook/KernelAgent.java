package org.unirep.notebook;

import java.lang.instrument.Instrumentation;

/**
 * Java agent of the notebook kernel ({@code -javaagent:} the spark-jobs jar, added by bin/unirep for
 * {@code notebook-kernel}): hands over the Instrumentation that {@link InProcessExecution} redefines
 * snippet classes with.
 */
public final class KernelAgent {
    private static volatile Instrumentation instrumentation;

    private KernelAgent() {}

    public static void premain(String args, Instrumentation inst) {
        instrumentation = inst;
    }

    public static void agentmain(String args, Instrumentation inst) {
        instrumentation = inst;
    }

    static Instrumentation instrumentation() {
        return instrumentation;
    }
}
