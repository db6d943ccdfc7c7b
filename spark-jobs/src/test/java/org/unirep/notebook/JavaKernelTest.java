package org.unirep.notebook;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.sun.tools.attach.VirtualMachine;
import io.github.spencerpark.jupyter.kernel.display.DisplayData;
import io.github.spencerpark.jupyter.kernel.display.mime.MIMEType;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.jar.Attributes;
import java.util.jar.JarOutputStream;
import java.util.jar.Manifest;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The notebook kernel's evaluation, without Jupyter: values, errors, display, and redefinition. */
class JavaKernelTest {
    static JavaKernel kernel;
    static final List<DisplayData> shown = new ArrayList<>();

    @BeforeAll
    static void start(@TempDir Path tmp) throws Exception {
        attachAgent(tmp);
        kernel = new JavaKernel();
        Notebook.displayWith(shown::add);
    }

    @AfterAll
    static void stop() {
        kernel.close();
    }

    /** What bin/unirep's -javaagent does for the kernel, done here by attaching to this JVM. */
    static void attachAgent(Path tmp) throws Exception {
        Manifest m = new Manifest();
        m.getMainAttributes().put(Attributes.Name.MANIFEST_VERSION, "1.0");
        m.getMainAttributes().put(new Attributes.Name("Agent-Class"), KernelAgent.class.getName());
        m.getMainAttributes().put(new Attributes.Name("Can-Redefine-Classes"), "true");
        Path jar = tmp.resolve("agent.jar");
        try (JarOutputStream ignored = new JarOutputStream(Files.newOutputStream(jar), m)) {
            // the class itself is on the test classpath
        }
        VirtualMachine vm = VirtualMachine.attach(Long.toString(ProcessHandle.current().pid()));
        try {
            vm.loadAgent(jar.toString());
        } finally {
            vm.detach();
        }
    }

    static String text(DisplayData d) {
        return d == null ? null : (String) d.getData(MIMEType.TEXT_PLAIN);
    }

    @Test
    void aCellIsSplitIntoSnippetsAndShowsItsLastExpression() throws Exception {
        assertEquals("42", text(kernel.eval("int x = 2;\nint y = x * 21; // two snippets on a line\ny")));
        assertEquals("43", text(kernel.eval("y + 1")), "state carries over between cells");
        assertNull(kernel.eval("int z = y;"), "a cell that ends in a declaration shows nothing");
        assertNull(kernel.eval("System.out.print(\"\");"), "nor one that ends in a statement");
        assertEquals("\"a-b\"", text(kernel.eval("String join(String a, String b) { return a + \"-\" + b; }\njoin(\"a\", \"b\")")));
    }

    @Test
    void variablesKeepTheirValuesWhenALaterCellAddsAStarImport() throws Exception {
        // The stock in-process engine resets every variable JShell recompiles after a star import to null.
        kernel.eval("import static org.unirep.notebook.Notebook.*;");
        kernel.eval("var root = results();\nvar names = new java.util.ArrayList<String>(java.util.List.of(\"kept\"));");
        kernel.eval("import java.util.concurrent.*;\nimport java.util.function.*;");
        assertEquals("\"kept\"", text(kernel.eval("names.get(0)")));
        assertEquals(Notebook.results().length() + "", text(kernel.eval("root.length()")));
    }

    @Test
    void aCompileErrorNamesTheProblemAndPointsAtIt() {
        Exception e = assertThrows(Exception.class, () -> kernel.eval("int ok = 1;\nint bad = \"text\";"));
        List<String> lines = kernel.formatError(e);
        assertTrue(lines.get(0).contains("incompatible types"), lines.toString());
        assertEquals("int bad = \"text\";", lines.get(1));
        assertEquals(" ".repeat(10) + "^", lines.get(2), "the caret sits under the offending expression");
    }

    @Test
    void anIncompleteCellIsReportedAsSuch() {
        Exception e = assertThrows(Exception.class, () -> kernel.eval("for (int i = 0; i < 3; i++) {"));
        assertTrue(kernel.formatError(e).get(0).startsWith("incomplete code at the end of the cell"), kernel.formatError(e).toString());
    }

    @Test
    void aRuntimeExceptionKeepsItsClassMessageAndTheCellsFrames() {
        Exception e = assertThrows(Exception.class, () -> kernel.eval("int[] a = new int[2];\nint boom(int[] a) { return a[5]; }\nboom(a)"));
        List<String> lines = kernel.formatError(e);
        assertEquals("java.lang.ArrayIndexOutOfBoundsException: Index 5 out of bounds for length 2", lines.get(0));
        assertTrue(lines.stream().anyMatch(l -> l.contains("boom")), "the cell's own method is in the trace: " + lines);
        assertTrue(lines.stream().noneMatch(l -> l.contains("jdk.jshell")), "JShell's machinery is cut: " + lines);

        Exception failed = assertThrows(Exception.class, () -> kernel.eval("org.unirep.notebook.Notebook.check(1 + 1 == 3, \"arithmetic\")"));
        assertEquals("java.lang.IllegalStateException: check failed: arithmetic", kernel.formatError(failed).get(0));
    }

    @Test
    void anUndeclaredNameIsNamed() throws Exception {
        assertNull(kernel.eval("double twice() { return 2 * undeclaredThing; }"), "JShell allows forward references");
        Exception e = assertThrows(Exception.class, () -> kernel.eval("twice()"));
        assertTrue(String.join("\n", kernel.formatError(e)).contains("undeclaredThing"), kernel.formatError(e).toString());
    }

    @Test
    void chartsAreSentAsPngAndTablesAsHtml() throws Exception {
        shown.clear();
        kernel.eval("""
                var chart = new org.knowm.xchart.XYChartBuilder().width(300).height(200).title("t").build();
                chart.addSeries("s", new double[] {1, 2}, new double[] {3, 4});
                org.unirep.notebook.Notebook.show(chart);""");
        assertEquals(1, shown.size());
        byte[] png = Base64.getDecoder().decode((String) shown.get(0).getData(MIMEType.IMAGE_PNG));
        assertTrue(png.length > 1000 && png[1] == 'P' && png[2] == 'N' && png[3] == 'G', "a PNG of " + png.length + " bytes");
    }

    @Test
    void numbersInTablesKeepFiveSignificantDigits() {
        assertEquals("0.068686", Notebook.format(0.0686861234));
        assertEquals("1.4", Notebook.format(1.4000001));
        assertEquals("0", Notebook.format(0.0));
        assertEquals("4.7549", Notebook.format(4.754887502163468));
        assertEquals("1.2346e+06", Notebook.format(1234567.0));
        assertEquals("NaN", Notebook.format(Double.NaN));
        assertEquals("", Notebook.format(null));
        assertEquals("12", Notebook.format(12L));
    }
}
