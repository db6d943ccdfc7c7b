package org.unirep.notebook;

import io.github.spencerpark.jupyter.channels.JupyterConnection;
import io.github.spencerpark.jupyter.kernel.BaseKernel;
import io.github.spencerpark.jupyter.kernel.KernelConnectionProperties;
import io.github.spencerpark.jupyter.kernel.LanguageInfo;
import io.github.spencerpark.jupyter.kernel.ReplacementOptions;
import io.github.spencerpark.jupyter.kernel.display.DisplayData;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.logging.Level;
import java.util.logging.Logger;
import jdk.jshell.DeclarationSnippet;
import jdk.jshell.Diag;
import jdk.jshell.EvalException;
import jdk.jshell.JShell;
import jdk.jshell.JShellException;
import jdk.jshell.Snippet;
import jdk.jshell.SnippetEvent;
import jdk.jshell.SourceCodeAnalysis;
import jdk.jshell.UnresolvedReferenceException;
import org.slf4j.LoggerFactory;

/**
 * The Jupyter kernel of {@code notebooks/}: Java cells evaluated by JShell inside this JVM, so a cell
 * sees what {@code bin/unirep} puts on the classpath (the project, Spark, XChart). Jupyter's wire
 * protocol is jupyter-jvm-basekernel's; this class only splits cells into snippets, evaluates them
 * and turns JShell's diagnostics and exceptions into readable errors. Rich output goes through
 * {@link Notebook}.
 */
public final class JavaKernel extends BaseKernel {
    private final JShell shell;

    public JavaKernel() {
        // In-process: snippets run in this JVM, on the launcher's class loader (no second JVM to feed a
        // classpath), and Notebook's display calls reach this kernel directly.
        shell = JShell.builder().executionEngine(new InProcessExecution(), Map.of()).build();
        shell.addToClasspath(System.getProperty("java.class.path"));
    }

    /** Evaluates a cell; returns the value of its last expression, or null when it ends in a statement. */
    @Override
    public DisplayData eval(String code) throws Exception {
        SourceCodeAnalysis analysis = shell.sourceCodeAnalysis();
        String remaining = code;
        String value = null;
        while (!remaining.isBlank()) {
            SourceCodeAnalysis.CompletionInfo info = analysis.analyzeCompletion(remaining);
            switch (info.completeness()) {
                case EMPTY:
                    return value == null ? null : new DisplayData(value);
                case DEFINITELY_INCOMPLETE:
                case CONSIDERED_INCOMPLETE:
                    throw new CellException("incomplete code at the end of the cell (a missing ';', ')' or '}'?):\n" + remaining.strip());
                case UNKNOWN:  // not parseable as a snippet: let JShell say why
                    value = evalSnippet(remaining);
                    remaining = "";
                    break;
                default:
                    value = evalSnippet(info.source());
                    remaining = info.remaining();
            }
        }
        return value == null ? null : new DisplayData(value);
    }

    private String evalSnippet(String source) throws Exception {
        String value = null;
        for (SnippetEvent e : shell.eval(source)) {
            if (e.causeSnippet() != null) continue;  // a dependent snippet re-evaluated, not this one
            Snippet s = e.snippet();
            if (e.status() == Snippet.Status.REJECTED) throw new CellException(compileErrors(s));
            JShellException thrown = e.exception();
            if (thrown != null) throw thrown;
            if (s instanceof DeclarationSnippet d && e.status() == Snippet.Status.RECOVERABLE_NOT_DEFINED) {
                throw new CellException(d.name() + " refers to undeclared " + String.join(", ", shell.unresolvedDependencies(d).toList()));
            }
            value = s.subKind() == Snippet.SubKind.TEMP_VAR_EXPRESSION_SUBKIND
                    || s.subKind() == Snippet.SubKind.VAR_VALUE_SUBKIND ? e.value() : null;
        }
        return value;
    }

    private String compileErrors(Snippet s) {
        StringBuilder b = new StringBuilder();
        String src = s.source();
        for (Diag d : shell.diagnostics(s).toList()) {
            if (!d.isError()) continue;
            int pos = (int) Math.max(0, Math.min(d.getStartPosition(), src.length()));
            int lineStart = src.lastIndexOf('\n', pos - 1) + 1;
            int lineEnd = src.indexOf('\n', pos);
            String line = src.substring(lineStart, lineEnd < 0 ? src.length() : lineEnd);
            b.append(d.getMessage(Locale.ROOT)).append('\n').append(line).append('\n')
                    .append(" ".repeat(pos - lineStart)).append("^\n");
        }
        return b.length() == 0 ? "rejected: " + src : b.toString().stripTrailing();
    }

    @Override
    public List<String> formatError(Exception e) {
        List<String> lines = new ArrayList<>();
        if (e instanceof CellException) {
            lines.addAll(e.getMessage().lines().toList());
        } else if (e instanceof UnresolvedReferenceException u) {
            lines.add("uses undeclared names: " + String.join(", ", shell.unresolvedDependencies(u.getSnippet()).toList()));
        } else if (e instanceof EvalException) {
            for (Throwable t = e; t != null; t = t.getCause()) {
                String cls = t instanceof EvalException ee ? ee.getExceptionClassName() : t.getClass().getName();
                lines.add((t == e ? "" : "Caused by: ") + cls + ": " + t.getMessage());
                for (StackTraceElement f : t.getStackTrace()) {
                    if (f.getClassName().startsWith("jdk.")) break;  // the JShell machinery below the cell
                    lines.add("    at " + f);
                }
            }
        } else {
            return super.formatError(e);
        }
        return lines;
    }

    @Override
    public ReplacementOptions complete(String code, int at) {
        int[] anchor = new int[1];
        List<String> options = shell.sourceCodeAnalysis().completionSuggestions(code, at, anchor).stream()
                .map(SourceCodeAnalysis.Suggestion::continuation).distinct().toList();
        return options.isEmpty() ? null : new ReplacementOptions(options, anchor[0], at);
    }

    @Override
    public String isComplete(String code) {
        return switch (shell.sourceCodeAnalysis().analyzeCompletion(code).completeness()) {
            case COMPLETE, COMPLETE_WITH_SEMI, EMPTY -> IS_COMPLETE_YES;
            case DEFINITELY_INCOMPLETE, CONSIDERED_INCOMPLETE -> "    ";  // incomplete: indent the next line
            default -> IS_COMPLETE_MAYBE;
        };
    }

    @Override
    public LanguageInfo getLanguageInfo() {
        return new LanguageInfo.Builder("Java").version(Runtime.version().toString()).mimetype("text/x-java-source")
                .fileExtension(".jshell").pygments("java").codemirror("text/x-java").build();
    }

    @Override
    public String getBanner() {
        return "unirep Java kernel (JShell in-process, Java " + Runtime.version() + ")";
    }

    @Override
    public void interrupt() {
        shell.stop();
    }

    @Override
    public void onShutdown(boolean isRestarting) {
        Notebook.close();
        close();
    }

    /** Ends the JShell only; the Spark session stays (tests share it). */
    void close() {
        shell.close();
    }

    /** A cell that cannot run; its message is the whole error. */
    static final class CellException extends Exception {
        CellException(String message) {
            super(message);
        }
    }

    /** {@code unirep notebook-kernel CONNECTION_FILE}: what Jupyter starts (see notebooks/install-kernel). */
    public static void serve(Path connectionFile) throws Exception {
        // Logging set up now, while System.err is still the process's: Spark's log lines then go to
        // the Jupyter server's log rather than into the cells (the kernel replaces System.out/err).
        LoggerFactory.getLogger(JavaKernel.class).info("kernel starting on {}", connectionFile);
        // The protocol library logs through java.util.logging at INFO, a line per socket and message.
        Logger.getLogger("").setLevel(Level.WARNING);
        KernelConnectionProperties props = KernelConnectionProperties.parse(Files.readString(connectionFile));
        JupyterConnection connection = new JupyterConnection(props);
        JavaKernel kernel = new JavaKernel();
        Notebook.displayWith(kernel::display);
        kernel.becomeHandlerForConnection(connection);
        connection.connect();
        connection.waitUntilClose();
    }
}
