package org.unirep.submit;

import static org.junit.jupiter.api.Assertions.*;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Each submit script's dry run prints the spark-submit command it would run, or fails naming what is missing. */
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

    static String expected(String script, String master, String defaults, String middle, String tail) {
        return "submit-scripts/" + script + ": spark-submit --class org.unirep.cli.Main --master " + master + " --properties-file "
                + ROOT.resolve("conf/spark-defaults-" + defaults + ".conf") + " " + middle + (middle.isEmpty() ? "" : " ") + JAR + " " + tail;
    }

    @Test
    void localDryRun() throws Exception {
        Out o = run(Map.of(), "local.sh", "--dry-run", "--", "sweep", "conf/smoke.conf");
        assertEquals(0, o.code(), o.text());
        assertEquals(expected("local.sh", "local\\[\\*\\]", "cpu", "--driver-java-options -Dlog4j2.configurationFile=" + ROOT
                + "/conf/log4j2.properties", "sweep conf/smoke.conf"), o.text());
    }

    @Test
    void standaloneNeedsTheMasterUrl() throws Exception {
        Out o = run(Map.of(), "standalone.sh", "--dry-run", "--", "sweep", "conf/smoke.conf");
        assertEquals(2, o.code());
        assertEquals("submit-scripts/standalone.sh: SPARK_MASTER_URL is not set: the standalone master, e.g. spark://master-host:7077", o.text());
        o = run(Map.of("SPARK_MASTER_URL", "spark://m:7077", "UNIREP_MAX_CORES", "16"), "standalone.sh", "--dry-run", "sweep", "a.conf");
        assertEquals(0, o.code(), o.text());
        assertEquals(expected("standalone.sh", "spark://m:7077", "cpu", "--deploy-mode client --conf spark.cores.max=16", "sweep a.conf"),
                o.text());
    }

    @Test
    void yarnShipsTheSweepConfigInClusterModeAndTheGpuScript() throws Exception {
        Out o = run(Map.of(), "yarn.sh", "--dry-run", "--", "sweep", "conf/smoke.conf");
        assertEquals(2, o.code());
        assertTrue(o.text().startsWith("submit-scripts/yarn.sh: HADOOP_CONF_DIR is not set"), o.text());
        o = run(Map.of("HADOOP_CONF_DIR", "/etc/hadoop"), "yarn.sh", "--gpu", "--dry-run", "--", "sweep", "conf/smoke.conf");
        assertEquals(0, o.code(), o.text());
        assertEquals(expected("yarn.sh", "yarn", "gpu", "--deploy-mode cluster --conf spark.executor.resource.gpu.discoveryScript=./gpu-discovery.sh"
                + " --files conf/smoke.conf\\," + ROOT + "/conf/gpu-discovery.sh", "sweep smoke.conf"), o.text());
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
        assertEquals(expected("k8s.sh", "k8s://https://h:6443", "cpu", "--deploy-mode cluster --conf spark.kubernetes.container.image=reg/unirep:1"
                + " --conf spark.kubernetes.namespace=default --conf spark.kubernetes.authenticate.driver.serviceAccountName=spark",
                "sweep hdfs:///c/paper.conf"), o.text());
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
