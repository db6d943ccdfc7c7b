package org.unirep.jobs.sweep;

import static org.junit.jupiter.api.Assertions.*;

import java.io.File;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.unirep.compression.Mode;
import org.unirep.io.HadoopFiles;
import org.unirep.jobs.plan.GridPoint;

class SweepConfigTest {
    static final String BASE = """
            sweep {
              id = t
              ingest = "/data/ingest"
              classifier = "/models/c"
              results = "/results"
              rdc { universal-lambdas = [0, 0.001], end-to-end-lambdas = [0] }
              rdp { universal-lambdas = [0], end-to-end-lambdas = [] }
            }
            """;

    static String conf(String name) {
        for (Path p = Path.of("").toAbsolutePath(); p != null; p = p.getParent()) {
            File f = p.resolve("conf").resolve(name).toFile();
            if (f.isFile()) return f.toString();
        }
        throw new IllegalStateException("conf/" + name + " not found");
    }

    static String error(String override) {
        return assertThrows(SweepConfigException.class, () -> SweepConfig.parse(BASE, List.of(override), "x.conf")).getMessage();
    }

    @Test
    void paperConfigHoldsTheReferenceGridsForFourRates() {
        SweepConfig c = SweepConfig.load(HadoopFiles.local(), conf("paper-mnist.conf"), List.of());
        assertEquals(List.of(new SweepConfig.Rate(3, 3), new SweepConfig.Rate(3, 4), new SweepConfig.Rate(4, 4), new SweepConfig.Rate(5, 4)),
                c.rates());
        assertEquals(List.of(6.0, 8.0, 10.0), c.rates().subList(1, 4).stream().map(SweepConfig.Rate::bits).toList());
        assertEquals(10, c.grids().get(Mode.RDC).universal().size());
        assertEquals(6, c.grids().get(Mode.RDC).endToEnd().size());
        assertEquals(10, c.grids().get(Mode.RDP).universal().size());
        assertEquals(9, c.grids().get(Mode.RDP).endToEnd().size());
        assertEquals(30, c.epochs());
        SweepPlan plan = SweepPlan.of(c, "checksum", "clf", 8);
        assertEquals(8, plan.encoders().size());
        assertEquals(4 * 35, plan.fanOut().size());
        // Universal points name their encoder; run ids are distinct.
        assertEquals(plan.total(), plan.encoders().stream().map(GridPoint::runId).distinct().count()
                + plan.fanOut().stream().map(GridPoint::runId).distinct().count());
        for (GridPoint p : plan.fanOut()) {
            if (p.universal()) assertTrue(plan.encoders().stream().anyMatch(e -> e.runId().equals(p.encoderRunId())));
        }
        assertNotNull(SweepConfig.load(HadoopFiles.local(), conf("smoke.conf"), List.of()));
        SweepConfig quickstart = SweepConfig.load(HadoopFiles.local(), conf("quickstart.conf"), List.of());
        SweepPlan alone = SweepPlan.of(quickstart, "a", "clf", 1);
        assertEquals(List.of(1, 3), List.of(alone.encoders().size(), alone.fanOut().size()),
                "bin/quickstart: the encoder (also the end-to-end model at 0.015), end to end at 0 and 0.005, universal at 0");
        assertEquals(List.of(0.0, 0.005), alone.fanOut().stream().filter(p -> !p.universal()).map(GridPoint::lambda).toList(),
                "a one-worker encoder is the end-to-end point at its lambda: not trained twice");
        assertEquals(5, SweepPlan.of(quickstart, "a", "clf", 2).total(), "with 2 workers the encoder is not that model: trained again");
    }

    /** The defaults, pinned: a change of one shows up here (and in docs/sweep-config.md, which GeneratedDocsTest checks). */
    @Test
    void theDefaultsAreTheReferenceSetup() {
        SweepConfig c = SweepConfig.parse(BASE, List.of("sweep.modes = [rdp]", "sweep.rdp.universal-lambdas = []"), "x.conf");
        assertEquals(List.of(30, 64, 0, 0, 1, 5, 1, 0), List.of(c.epochs(), c.batchSize(), c.trainExamples(), c.testExamples(),
                c.encoderWorkers(), c.averagingFrequency(), c.retries(), c.parallelism()));
        assertEquals(List.of(0.01, 0.0002, 0.5, 0.9, 1.0), List.of(c.optimizer().learningRate(), c.optimizer().criticLearningRate(),
                c.optimizer().beta1(), c.optimizer().beta2(), c.optimizer().sigma()));
        assertEquals(new SweepConfig.Lease(java.time.Duration.ofMinutes(2), false), c.lease());
        assertEquals(List.of(new SweepConfig.Rate(3, 3)), c.rates());
        assertEquals(List.of(1L), c.seeds());
        assertEquals("mnist", c.dataset().id());
        assertEquals(new SweepConfig.Grid(0.015, List.of(), List.of()), c.grids().get(Mode.RDP));
        assertEquals(List.of(), c.failPoints());
        assertEquals(List.of(Mode.RDC, Mode.RDP), SweepConfig.parse(BASE, List.of(), "x.conf").modes());
    }

    /** A plain local path is read from the local disk even where Hadoop's default file system is a cluster's. */
    @Test
    void aLocalPathIsReadLocallyWhateverTheDefaultFileSystem(@TempDir Path dir) throws Exception {
        Path base = dir.resolve("base.conf"), conf = dir.resolve("sweep.conf");
        java.nio.file.Files.writeString(base, BASE);
        java.nio.file.Files.writeString(conf, "include \"base.conf\"\nsweep.epochs = 3\n");
        org.apache.hadoop.conf.Configuration hdfs = new org.apache.hadoop.conf.Configuration();
        hdfs.set("fs.defaultFS", "hdfs://nowhere.invalid:9000");
        SweepConfig c = SweepConfig.load(HadoopFiles.of(hdfs), conf.toString(), List.of());
        assertEquals(3, c.epochs());
        assertEquals("t", c.id(), "its relative include is read too");
        assertEquals(30, SweepConfig.load(HadoopFiles.local(), base.toUri().toString(), List.of()).epochs(), "a file: URI, through Hadoop");
    }

    @Test
    void runIdsFollowEverySettingThatChangesTheResult() {
        SweepConfig c = SweepConfig.parse(BASE, List.of(), "x.conf");
        GridPoint p = SweepPlan.of(c, "a", "clf", 2).fanOut().get(0);
        assertEquals(p.runId(), SweepPlan.of(SweepConfig.parse(BASE, List.of(), "x.conf"), "a", "clf", 2).fanOut().get(0).runId());
        assertNotEquals(p.runId(), SweepPlan.of(c, "b", "clf", 2).fanOut().get(0).runId(), "other data");
        assertNotEquals(p.runId(), SweepPlan.of(SweepConfig.parse(BASE, List.of("sweep.epochs = 3"), "x.conf"), "a", "clf", 2)
                .fanOut().get(0).runId(), "other schedule");
        assertNotEquals(p.runId(), SweepPlan.of(c, "a", "clf", 4).fanOut().get(0).runId(),
                "a universal point follows its encoder (trained on 4 workers here)");
    }

    @Test
    void invalidValuesAreRefusedNamingTheKey() {
        assertEquals("x.conf: sweep.rates[0] = [3, 1], expected levels L >= 2", error("sweep.rates = [[3, 1]]"));
        assertEquals("x.conf: sweep.rates[0] = [0, 3], expected dim >= 1", error("sweep.rates = [[0, 3]]"));
        assertEquals("x.conf: sweep.rates[0] = [3], expected a [dim, levels] pair of integers", error("sweep.rates = [[3]]"));
        assertEquals("x.conf: sweep.rdc.universal-lambdas[1] = -0.1, expected a finite lambda >= 0",
                error("sweep.rdc.universal-lambdas = [0, -0.1]"));
        assertEquals("x.conf: sweep.epochs = 0, expected an integer >= 1", error("sweep.epochs = 0"));
        assertEquals("x.conf: sweep.optimizer.beta1 = 1, expected a number in [0, 1)", error("sweep.optimizer.beta1 = 1"));
        assertEquals("x.conf: sweep.modes = gan, expected rdc or rdp", error("sweep.modes = [gan]"));
        assertEquals("x.conf: sweep.dataset = cifar, expected mnist or fashion-mnist", error("sweep.dataset = cifar"));
        assertEquals("x.conf: sweep.classifier = null, expected the frozen classifier's model directory (mode rdc needs it)",
                error("sweep.classifier = null"));
        assertEquals("x.conf: sweep.id = null, expected a value (this key is required)", error("sweep.id = null"));
        assertEquals("x.conf: unknown key sweep.epoch (every key and its default: docs/sweep-config.md)", error("sweep.epoch = 3"));
        assertEquals("x.conf: sweep.lease.wait = \"maybe\", expected true or false", error("sweep.lease.wait = maybe"));
        assertEquals("x.conf: sweep.lease.ttl = \"1s\", expected a duration of at least 5s", error("sweep.lease.ttl = 1s"));
        assertEquals("x.conf: sweep.epochs = \"many\", expected a number", error("sweep.epochs = many"));
        assertEquals("x.conf: sweep.id = a/b, expected letters, digits, '.', '_' or '-' (it names a folder)", error("sweep.id = \"a/b\""));
        assertTrue(error("sweep.fault-injection.fail-points = [oops]").contains("sweep.fault-injection.fail-points = oops"));
        assertTrue(error("sweep {").startsWith("override 'sweep {': expected key=value"));
        assertTrue(error("sweep.optimizer = 5").startsWith("x.conf: "), "a key of the wrong shape: " + error("sweep.optimizer = 5"));
        // rdp alone needs no classifier
        assertNull(SweepConfig.parse(BASE, List.of("sweep.classifier = null", "sweep.modes = [rdp]"), "x.conf").classifier());
    }
}
