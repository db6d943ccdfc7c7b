package org.unirep.submit;

import static org.junit.jupiter.api.Assertions.*;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.spark.deploy.SparkSubmitArguments;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Each submit script's dry run prints the spark-submit command it would run, or fails naming what is
 * missing. Runs the scripts (bash processes): tagged slow, {@code -Pfast} leaves it out.
 */
@Tag("slow")
class SubmitScriptsTest {
    static final Path ROOT = root();
    static final String JAR = "/jars/app.jar";

    static Path root() {
        for (Path p = Path.of("").toAbsolutePath(); p != null; p = p.getParent()) {
            if (Files.isDirectory(p.resolve("submit-scripts"))) return p;
        }
        throw new IllegalStateException("submit-scripts/ not found");
    }

    record Out(int code, String text) {}

    static Out run(Map<String, String> env, String script, String... args) throws IOException, InterruptedException {
        List<String> cmd = new ArrayList<>(List.of("bash", "submit-scripts/" + script));
        cmd.addAll(List.of(args));
        ProcessBuilder pb = new ProcessBuilder(cmd).directory(ROOT.toFile()).redirectErrorStream(true);
        for (String k : List.of("HADOOP_CONF_DIR", "YARN_CONF_DIR", "SPARK_MASTER_URL", "K8S_MASTER", "SPARK_IMAGE", "SPARK_HOME",
                "UNIREP_DEPLOY_MODE", "UNIREP_MAX_CORES")) pb.environment().remove(k);
        pb.environment().put("UNIREP_APP_JAR", JAR);
        pb.environment().putAll(env);
        Process p = pb.start();
        String text = new String(p.getInputStream().readAllBytes()).strip();
        return new Out(p.waitFor(), text);
    }

    /** The spark-submit command a dry run printed, as the argument list bash would pass. */
    record Submit(String master, Map<String, String> confs, List<String> options, List<String> appArgs) {}

    static Submit parse(Out o, String script) throws IOException, InterruptedException {
        String prefix = "submit-scripts/" + script + ": spark-submit ";
        String line = o.text().lines().filter(l -> l.startsWith(prefix)).findFirst()
                .orElseThrow(() -> new AssertionError("no spark-submit line in:\n" + o.text()));
        Process p = new ProcessBuilder("bash", "-c", "eval \"a=(${1})\"; printf '%s\\0' \"${a[@]}\"", "_",
                line.substring(prefix.length())).start();
        List<String> argv = new ArrayList<>(List.of(new String(p.getInputStream().readAllBytes()).split("\0")));
        assertEquals(0, p.waitFor());
        assertEquals(List.of("--class", "org.unirep.cli.Main", "--master"), argv.subList(0, 3));
        String master = argv.get(3);
        Map<String, String> confs = new LinkedHashMap<>();
        List<String> options = new ArrayList<>();
        int i = 4;
        for (; !argv.get(i).equals(JAR); i++) {
            if (argv.get(i).equals("--conf")) {
                String kv = argv.get(++i);
                confs.put(kv.substring(0, kv.indexOf('=')), kv.substring(kv.indexOf('=') + 1));
            } else {
                options.add(argv.get(i));
            }
        }
        return new Submit(master, confs, options, argv.subList(i + 1, argv.size()));
    }

    /** Every setting of conf/spark-defaults-VARIANT.conf, as the scripts pass it. */
    static Map<String, String> projectDefaults(String variant) throws IOException {
        Map<String, String> m = new LinkedHashMap<>();
        for (String l : Files.readAllLines(ROOT.resolve("conf/spark-defaults-" + variant + ".conf"))) {
            if (l.isBlank() || l.strip().startsWith("#")) continue;
            String[] kv = l.strip().split("\\s+", 2);
            m.put(kv[0], kv[1]);
        }
        return m;
    }

    /** The project's defaults are all there (java options with the log4j2 file appended), and no --properties-file. */
    static void assertProjectDefaults(Submit s, String variant, String driverLog4j, String executorLog4j, String... overriddenByScript)
            throws IOException {
        projectDefaults(variant).forEach((k, v) -> {
            if (List.of(overriddenByScript).contains(k)) return;
            String want = switch (k) {
                case "spark.driver.extraJavaOptions" -> driverLog4j == null ? v : v + " -Dlog4j2.configurationFile=" + driverLog4j;
                case "spark.executor.extraJavaOptions" -> executorLog4j == null ? v : v + " -Dlog4j2.configurationFile=" + executorLog4j;
                default -> v;
            };
            assertEquals(want, s.confs().get(k), k);
        });
        assertFalse(s.options().contains("--properties-file"), "it would replace the cluster's spark-defaults.conf");
    }

    @Test
    void localDryRun() throws Exception {
        Out o = run(Map.of(), "local.sh", "--dry-run", "--", "sweep", "conf/smoke.conf");
        assertEquals(0, o.code(), o.text());
        Submit s = parse(o, "local.sh");
        assertEquals("local[*]", s.master());
        String log4j = ROOT + "/conf/log4j2.properties";
        assertProjectDefaults(s, "cpu", log4j, log4j);
        assertEquals(List.of(), s.options(), "--driver-java-options would replace the driver's Java 17 flags");
        assertEquals(List.of("sweep", "conf/smoke.conf"), s.appArgs());
        assertTrue(o.text().contains("event log: as the Spark installation's spark-defaults.conf sets it"), o.text());
        s = parse(run(Map.of("UNIREP_EVENT_LOG_DIR", "hdfs:///spark-logs"), "local.sh", "--dry-run", "--", "sweep", "x"), "local.sh");
        assertEquals("true", s.confs().get("spark.eventLog.enabled"));
        assertEquals("hdfs:///spark-logs", s.confs().get("spark.eventLog.dir"));
    }

    @Test
    void theClustersOwnDefaultsSurviveAndTheProjectsSettingsWinOnlyOnTheirKeys(@TempDir Path confDir)
            throws Exception {
        Files.writeString(confDir.resolve("spark-defaults.conf"), """
                spark.eventLog.enabled            true
                spark.hadoop.fs.s3a.impl          org.apache.hadoop.fs.s3a.S3AFileSystem
                spark.executor.memory             1g
                """);
        Submit s = parse(run(Map.of(), "local.sh", "--dry-run", "--", "sweep", "conf/smoke.conf"), "local.sh");
        List<String> argv = new ArrayList<>(List.of("--class", "org.unirep.cli.Main", "--master", s.master()));
        s.confs().forEach((k, v) -> argv.addAll(List.of("--conf", k + "=" + v)));
        argv.add(JAR);
        argv.addAll(s.appArgs());
        // spark-submit's own parsing, with the cluster's config folder.
        SparkSubmitArguments parsed = new SparkSubmitArguments(
                scala.collection.JavaConverters.asScalaBuffer(argv).toList(),
                scala.collection.immutable.Map$.MODULE$.<String, String>empty().$plus(new scala.Tuple2<>("SPARK_CONF_DIR", confDir.toString())));
        Map<String, String> props = scala.collection.JavaConverters.mapAsJavaMap(parsed.sparkProperties());
        assertEquals("true", props.get("spark.eventLog.enabled"), "a cluster default the project does not set survives");
        assertEquals("org.apache.hadoop.fs.s3a.S3AFileSystem", props.get("spark.hadoop.fs.s3a.impl"));
        assertEquals("6g", props.get("spark.executor.memory"), "the project's value wins on its own keys");
        assertEquals("1", props.get("spark.task.cpus"));
    }

    @Test
    void standaloneNeedsTheMasterUrl() throws Exception {
        Out o = run(Map.of(), "standalone.sh", "--dry-run", "--", "sweep", "conf/smoke.conf");
        assertEquals(2, o.code());
        assertEquals("submit-scripts/standalone.sh: SPARK_MASTER_URL is not set: the standalone master, e.g. spark://master-host:7077", o.text());
        o = run(Map.of("SPARK_MASTER_URL", "spark://m:7077", "UNIREP_MAX_CORES", "16"), "standalone.sh", "--dry-run", "sweep", "a.conf");
        assertEquals(0, o.code(), o.text());
        Submit s = parse(o, "standalone.sh");
        assertEquals("spark://m:7077", s.master());
        assertProjectDefaults(s, "cpu", ROOT + "/conf/log4j2.properties", null);
        assertEquals("16", s.confs().get("spark.cores.max"));
        assertEquals(List.of("--deploy-mode", "client"), s.options());
        assertEquals(List.of("sweep", "a.conf"), s.appArgs());
    }

    @Test
    void yarnShipsTheSweepConfigAndLog4jInClusterModeAndTheGpuScript() throws Exception {
        Out o = run(Map.of(), "yarn.sh", "--dry-run", "--", "sweep", "conf/smoke.conf");
        assertEquals(2, o.code());
        assertTrue(o.text().startsWith("submit-scripts/yarn.sh: HADOOP_CONF_DIR is not set"), o.text());
        o = run(Map.of("HADOOP_CONF_DIR", "/etc/hadoop", "UNIREP_JAVA_HOME", "/usr/lib/jvm/java-17"), "yarn.sh", "--gpu", "--dry-run", "--",
                "sweep", "conf/smoke.conf");
        assertEquals(0, o.code(), o.text());
        Submit s = parse(o, "yarn.sh");
        assertEquals("yarn", s.master());
        assertProjectDefaults(s, "gpu", "log4j2.properties", "log4j2.properties", "spark.executor.resource.gpu.discoveryScript");
        assertEquals("./gpu-discovery.sh", s.confs().get("spark.executor.resource.gpu.discoveryScript"));
        assertEquals("/usr/lib/jvm/java-17", s.confs().get("spark.executorEnv.JAVA_HOME"));
        assertEquals("/usr/lib/jvm/java-17", s.confs().get("spark.yarn.appMasterEnv.JAVA_HOME"));
        assertEquals(List.of("--deploy-mode", "cluster", "--files", ROOT + "/conf/log4j2.properties,conf/smoke.conf," + ROOT
                + "/conf/gpu-discovery.sh"), s.options());
        assertEquals(List.of("sweep", "smoke.conf"), s.appArgs());
        o = run(Map.of("HADOOP_CONF_DIR", "/etc/hadoop", "UNIREP_DEPLOY_MODE", "remote"), "yarn.sh", "--dry-run", "sweep", "x");
        assertEquals("submit-scripts/yarn.sh: UNIREP_DEPLOY_MODE = remote, expected cluster or client", o.text());
    }

    @Test
    void kubernetesNeedsMasterAndImage() throws Exception {
        assertEquals("submit-scripts/k8s.sh: K8S_MASTER is not set: the API server, e.g. k8s://https://api-host:6443",
                run(Map.of(), "k8s.sh", "--dry-run", "sweep", "x").text());
        assertEquals("submit-scripts/k8s.sh: SPARK_IMAGE is not set: the container image for driver and executors",
                run(Map.of("K8S_MASTER", "k8s://https://h:6443"), "k8s.sh", "--dry-run", "sweep", "x").text());
        Out o = run(Map.of("K8S_MASTER", "k8s://https://h:6443", "SPARK_IMAGE", "reg/unirep:1"), "k8s.sh", "--dry-run", "--", "sweep",
                "hdfs:///c/paper.conf");
        assertEquals(0, o.code(), o.text());
        Submit s = parse(o, "k8s.sh");
        assertEquals("k8s://https://h:6443", s.master());
        assertProjectDefaults(s, "cpu", "/opt/unirep/conf/log4j2.properties", "/opt/unirep/conf/log4j2.properties");
        assertEquals("reg/unirep:1", s.confs().get("spark.kubernetes.container.image"));
        assertEquals("default", s.confs().get("spark.kubernetes.namespace"));
        assertEquals("spark", s.confs().get("spark.kubernetes.authenticate.driver.serviceAccountName"));
        assertEquals(List.of("--deploy-mode", "cluster"), s.options());
        assertEquals(List.of("sweep", "hdfs:///c/paper.conf"), s.appArgs());
    }

    @Test
    void noSubcommandIsAClearError() throws Exception {
        Out o = run(Map.of(), "local.sh", "--dry-run");
        assertEquals(2, o.code());
        assertEquals("submit-scripts/local.sh: no unirep subcommand given (e.g. -- sweep conf/smoke.conf)", o.text());
    }

    @Test
    void sparkDefaultsCarryTheJava17FlagsAndOneThreadPerCpuTask() throws IOException {
        List<String> flags = Files.readAllLines(ROOT.resolve("conf/java17.args")).stream().filter(l -> !l.isBlank()).toList();
        for (String variant : List.of("cpu", "gpu")) {
            String conf = Files.readString(ROOT.resolve("conf/spark-defaults-" + variant + ".conf"));
            for (String key : List.of("spark.executor.extraJavaOptions", "spark.driver.extraJavaOptions")) {
                String line = conf.lines().filter(l -> l.startsWith(key)).findFirst().orElseThrow();
                for (String f : flags) assertTrue(line.contains(f), variant + " " + key + " lacks " + f);
                assertTrue(line.contains("-Dorg.bytedeco.javacpp.maxbytes="), "ND4J off-heap limit");
            }
            assertTrue(conf.contains("spark.executor.memoryOverhead"), "ND4J's off-heap memory needs overhead");
        }
        assertTrue(Files.readString(ROOT.resolve("conf/spark-defaults-cpu.conf")).lines()
                .anyMatch(l -> l.matches("spark.executorEnv.OMP_NUM_THREADS\\s+1")));
        assertTrue(Files.readString(ROOT.resolve("conf/spark-defaults-gpu.conf")).contains("spark.task.resource.gpu.amount             1"));
    }
}
