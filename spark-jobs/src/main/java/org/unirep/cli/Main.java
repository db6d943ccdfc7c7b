package org.unirep.cli;

import java.io.PrintWriter;
import org.unirep.nn.CudaSupport;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/**
 * {@code unirep}: the command line over the pipeline (fetch -> ingest -> train-classifier -> ...).
 * Errors print one line naming the cause and exit non-zero; {@code --help} works on every command.
 */
@Command(name = "unirep", mixinStandardHelpOptions = true, version = "unirep 0.1.0",
        description = "Universal representations for classification-enhanced lossy compression, on Spark.",
        subcommands = {FetchCommand.class, IngestCommand.class, TrainClassifierCommand.class, FidelityCommand.class, SweepCommand.class,
                ReportCommand.class, NotebookKernelCommand.class, BenchCommand.class, BenchSweepCommand.class, EncoderScalingCommand.class, DocsCommand.class})
public final class Main implements Runnable {

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        throw new CommandLine.ParameterException(spec.commandLine(), "a subcommand is required");
    }

    public static void main(String[] argv) {
        System.exit(run(argv));
    }

    /** Runs the CLI without exiting the JVM (tests, embedding). */
    public static int run(String... argv) {
        return commandLine().execute(argv);
    }

    public static CommandLine commandLine() {
        CommandLine cl = new CommandLine(new Main());
        // Before any command touches ND4J, the CUDA build picks its backend: it names an unsupported GPU
        // here, or says it runs on the CPU (CPU build: no-op). Not for --help and --version.
        cl.setExecutionStrategy(parsed -> {
            try {
                if (parsed.asCommandLineList().stream().noneMatch(c -> c.isUsageHelpRequested() || c.isVersionHelpRequested())) {
                    CudaSupport.check(-1);
                }
            } catch (IllegalStateException e) {
                throw new CommandLine.ExecutionException(parsed.commandSpec().commandLine(), e.getMessage(), e);
            }
            return new CommandLine.RunLast().execute(parsed);
        });
        cl.setExecutionExceptionHandler((ex, cmd, parsed) -> {
            // Stopped by a signal: the sweep said so in one line; what Spark's shutdown raised meanwhile is not the cause.
            if (org.unirep.jobs.sweep.SweepStop.shuttingDown()) return 143;
            PrintWriter err = cmd.getErr();
            err.println(cmd.getCommandName() + ": error: " + oneLine(ex));
            if (Boolean.getBoolean("unirep.stacktrace")) ex.printStackTrace(err);
            err.flush();
            return 1;
        });
        return cl;
    }

    static String oneLine(Throwable ex) {
        Throwable t = ex;
        while ((t.getMessage() == null || t.getMessage().isBlank()) && t.getCause() != null) t = t.getCause();
        String msg = t.getMessage() == null ? t.getClass().getSimpleName() : t.getMessage();
        return msg.lines().findFirst().orElse(msg);
    }
}
