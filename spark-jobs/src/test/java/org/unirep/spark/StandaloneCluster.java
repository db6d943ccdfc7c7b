package org.unirep.spark;

import java.io.IOException;
import java.net.ConnectException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * A Spark standalone cluster on 127.0.0.1 started from the Spark jars on the test classpath (no
 * Spark distribution): one Master and N Workers of one core each, as child JVMs. A worker builds
 * executor command lines from SPARK_HOME/jars, so SPARK_HOME is an empty folder and the executors
 * get the test classpath through spark.executor.extraClassPath.
 */
public final class StandaloneCluster implements AutoCloseable {
    private final Path home;
    private final int port, uiPort;
    private final List<Process> processes = new ArrayList<>();

    private StandaloneCluster(Path home, int port, int uiPort) {
        this.home = home;
        this.port = port;
        this.uiPort = uiPort;
    }

    private static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        }
    }

    public static StandaloneCluster start(Path home, int workers) throws IOException, InterruptedException {
        Files.createDirectories(home.resolve("jars"));
        StandaloneCluster c = new StandaloneCluster(home, freePort(), freePort());
        try {
            c.launch(home.resolve("master.log"), "-Xmx512m", "org.apache.spark.deploy.master.Master", "--host", "127.0.0.1",
                    "--port", String.valueOf(c.port), "--webui-port", String.valueOf(c.uiPort));
            for (int i = 0; i < workers; i++) {
                Path log = home.resolve("worker-" + i + ".log");
                c.launch(log, "-Xmx512m", "org.apache.spark.deploy.worker.Worker", "--host", "127.0.0.1", "--cores", "1",
                        "--memory", "3g", "--webui-port", "0", "--work-dir", home.resolve("work-" + i).toString(), c.url());
            }
            c.awaitWorkers(workers);
            return c;
        } catch (IOException | InterruptedException | RuntimeException e) {
            c.close();
            throw e;
        }
    }

    public String url() { return "spark://127.0.0.1:" + port; }

    /** Runs a driver JVM against this cluster; returns its exit status. */
    public int runDriver(Path log, String mainClass, String... args) throws IOException, InterruptedException {
        List<String> cmd = new ArrayList<>(javaCommand("-Xmx2g"));
        cmd.add("-Dspark.executor.extraClassPath=" + classpath());
        cmd.add("-Dspark.executor.extraJavaOptions=" + String.join(" ", jvmFlags()) + " -Dorg.bytedeco.javacpp.maxbytes=2G");
        cmd.add("-Dspark.executor.memory=2g");
        cmd.add("-Dspark.cores.max=2");
        cmd.add("-Dspark.driver.host=127.0.0.1");
        cmd.add("-Dspark.executorEnv.OMP_NUM_THREADS=1");
        cmd.add(mainClass);
        cmd.addAll(List.of(args));
        Process p = builder(cmd, log).start();
        if (!p.waitFor(20, TimeUnit.MINUTES)) {
            p.destroyForcibly();
            throw new IllegalStateException("driver did not finish in 20 minutes; log: " + log);
        }
        return p.exitValue();
    }

    private void launch(Path log, String heap, String mainClass, String... args) throws IOException {
        List<String> cmd = new ArrayList<>(javaCommand(heap));
        cmd.add(mainClass);
        cmd.addAll(List.of(args));
        processes.add(builder(cmd, log).start());
    }

    private ProcessBuilder builder(List<String> cmd, Path log) {
        ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(log.toFile());
        Map<String, String> env = pb.environment();
        env.put("SPARK_HOME", home.toString());
        env.put("SPARK_SCALA_VERSION", "2.12");
        env.put("SPARK_LOCAL_IP", "127.0.0.1");
        env.put("OMP_NUM_THREADS", "1");
        return pb;
    }

    /** Polls the master's JSON status page until the workers are ALIVE. */
    private void awaitWorkers(int n) throws IOException, InterruptedException {
        HttpClient http = HttpClient.newHttpClient();
        URI status = URI.create("http://127.0.0.1:" + uiPort + "/json/");
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(120);
        String last = "";
        while (System.nanoTime() < deadline) {
            for (Process p : processes) {
                if (!p.isAlive()) throw new IllegalStateException("a cluster process exited (" + p.exitValue() + "); logs in " + home);
            }
            try {
                last = http.send(HttpRequest.newBuilder(status).build(), HttpResponse.BodyHandlers.ofString()).body();
                if (last.split("\"state\"\\s*:\\s*\"ALIVE\"", -1).length - 1 >= n) return;
            } catch (ConnectException e) {
                // the master is still starting
            }
            Thread.sleep(500);
        }
        throw new IllegalStateException(n + " workers not alive within 120 s; master status: " + last + "; logs in " + home);
    }

    /** java with the project's Java 17 flags, a heap and the test classpath: append the main class and its arguments. */
    public static List<String> javaCommand(String heap) throws IOException {
        List<String> cmd = new ArrayList<>();
        cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        cmd.addAll(jvmFlags());
        cmd.add(heap);
        cmd.add("-cp");
        cmd.add(classpath());
        return cmd;
    }

    /** The Java 17 flags of conf/java17.args. */
    static List<String> jvmFlags() throws IOException {
        Path here = Path.of("").toAbsolutePath();
        for (Path p = here; p != null; p = p.getParent()) {
            Path f = p.resolve("conf/java17.args");
            if (Files.isRegularFile(f)) {
                return Files.readAllLines(f).stream().map(String::strip).filter(l -> !l.isEmpty() && !l.startsWith("#")).toList();
            }
        }
        throw new IllegalStateException("conf/java17.args not found above " + here);
    }

    /** Surefire runs tests from a manifest-only jar; the real classpath is in this property. */
    static String classpath() {
        String cp = System.getProperty("surefire.test.class.path");
        return cp != null && !cp.isBlank() ? cp : System.getProperty("java.class.path");
    }

    @Override
    public void close() {
        for (int i = processes.size() - 1; i >= 0; i--) processes.get(i).destroy();
        for (Process p : processes) {
            try {
                if (!p.waitFor(30, TimeUnit.SECONDS)) p.destroyForcibly();
            } catch (InterruptedException e) {
                p.destroyForcibly();
                Thread.currentThread().interrupt();
            }
        }
    }
}
