package org.unirep.jobs.sweep;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigException;
import com.typesafe.config.ConfigFactory;
import com.typesafe.config.ConfigParseOptions;
import com.typesafe.config.ConfigValue;
import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.io.Serializable;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.Supplier;
import org.unirep.compression.CompressionConfig;
import org.unirep.compression.Mode;
import org.unirep.data.DatasetName;
import org.unirep.io.HadoopFiles;
import org.unirep.jobs.plan.Optimizer;

/**
 * One sweep, read from HOCON and validated completely before any Spark job starts: every error names the
 * key, the value and what was expected. Each key, with its default and check, is defined once in {@link SweepKeys}.
 */
public record SweepConfig(String id, DatasetName dataset, String ingest, String classifier, String results,
                          List<Rate> rates, List<Mode> modes, List<Long> seeds, int epochs, int batchSize,
                          int trainExamples, int testExamples, Optimizer optimizer, int encoderWorkers,
                          int averagingFrequency, Map<Mode, Grid> grids, int retries, int parallelism,
                          List<String> failPoints, Lease lease, String source) implements Serializable {

    public record Rate(int dim, int levels) implements Serializable {
        public double bits() { return CompressionConfig.rateBits(dim, levels); }
    }

    /** The lambda at which a mode's shared encoder is trained, and the two fan-out grids. */
    public record Grid(double encoderLambda, List<Double> universal, List<Double> endToEnd) implements Serializable {}

    /** One submission at a time per results root and sweep id: how long a silent holder keeps it, and whether to queue. */
    public record Lease(Duration ttl, boolean await) implements Serializable {}

    /**
     * Reads a config file, with {@code key=value} overrides (HOCON syntax) applied on top. A path without a scheme that
     * names a local file is read from the local disk (with its relative {@code include}s), as spark-submit's
     * {@code --files} leaves it in the driver's folder; any other path from its Hadoop file system.
     */
    public static SweepConfig load(HadoopFiles files, String path, List<String> overrides) {
        File local = new File(path);
        if (!path.matches("^[A-Za-z][A-Za-z0-9+.-]*:.*") && local.isFile()) {
            Config user = hocon(path, () -> ConfigFactory.parseFile(local, ConfigParseOptions.defaults().setAllowMissing(false)));
            return from(withOverrides(user, overrides), path);
        }
        String text;
        try {
            if (!files.exists(path)) throw new SweepConfigException(path + ": sweep config not found");
            try (InputStream in = files.open(path)) {
                text = new String(in.readAllBytes(), StandardCharsets.UTF_8);
            }
        } catch (IOException e) {
            throw new SweepConfigException(path + ": cannot read the sweep config (" + e.getMessage() + ")");
        }
        return parse(text, overrides, path);
    }

    public static SweepConfig parse(String hocon, List<String> overrides, String source) {
        Config user = hocon(source, () -> ConfigFactory.parseString(hocon, ConfigParseOptions.defaults().setOriginDescription(source)));
        return from(withOverrides(user, overrides), source);
    }

    private static Config hocon(String source, Supplier<Config> parse) {
        try {
            return parse.get();
        } catch (ConfigException e) {
            throw new SweepConfigException(source + ": not valid HOCON: " + e.getMessage());
        }
    }

    private static Config withOverrides(Config user, List<String> overrides) {
        Config c = user;
        for (String o : overrides == null ? List.<String>of() : overrides) {
            try {
                c = ConfigFactory.parseString(o).withFallback(c);
            } catch (ConfigException e) {
                throw new SweepConfigException("override '" + o + "': expected key=value in HOCON syntax (" + e.getMessage() + ")");
            }
        }
        return c;
    }

    static SweepConfig from(Config user, String source) {
        try {
            return read(user, source);
        } catch (ConfigException e) { // a key of the wrong shape, e.g. sweep.optimizer = 5 where an object belongs
            throw new SweepConfigException(source + ": " + e.getMessage());
        }
    }

    private static SweepConfig read(Config user, String source) {
        Config defaults = SweepKeys.defaults();
        if (!user.hasPath("sweep")) throw new SweepConfigException(source + ": no 'sweep' block");
        rejectUnknownKeys(user, defaults, source);
        SweepConfigReader r = new SweepConfigReader(user.withFallback(defaults).resolve().getConfig("sweep"), source);

        List<Mode> modes = SweepKeys.MODES.read(r);
        String classifier = SweepKeys.CLASSIFIER.read(r);
        if (classifier == null && modes.contains(Mode.RDC)) {
            throw r.error(SweepKeys.CLASSIFIER.name, "null", "the frozen classifier's model directory (mode rdc needs it)");
        }
        Optimizer opt = new Optimizer(SweepKeys.LEARNING_RATE.read(r), SweepKeys.CRITIC_LEARNING_RATE.read(r),
                SweepKeys.BETA1.read(r), SweepKeys.BETA2.read(r), SweepKeys.SOFT_TO_HARD_SIGMA.read(r));
        Map<Mode, Grid> grids = new EnumMap<>(Mode.class);
        for (Mode m : modes) {
            SweepKeys.ModeKeys k = SweepKeys.MODE_KEYS.get(m);
            grids.put(m, new Grid(k.encoderLambda().read(r), k.universal().read(r), k.endToEnd().read(r)));
        }
        return new SweepConfig(SweepKeys.ID.read(r), SweepKeys.DATASET.read(r), SweepKeys.INGEST.read(r), classifier,
                SweepKeys.RESULTS.read(r), SweepKeys.RATES.read(r), modes, SweepKeys.SEEDS.read(r), SweepKeys.EPOCHS.read(r),
                SweepKeys.BATCH_SIZE.read(r), SweepKeys.TRAIN_EXAMPLES.read(r), SweepKeys.TEST_EXAMPLES.read(r), opt,
                SweepKeys.ENCODER_WORKERS.read(r), SweepKeys.AVERAGING_FREQUENCY.read(r), grids, SweepKeys.RETRIES.read(r),
                SweepKeys.PARALLELISM.read(r), SweepKeys.FAIL_POINTS.read(r),
                new Lease(SweepKeys.LEASE_TTL.read(r), SweepKeys.LEASE_WAIT.read(r)), source);
    }

    private static void rejectUnknownKeys(Config user, Config defaults, String source) {
        Set<String> unknown = new TreeSet<>();
        for (Map.Entry<String, ConfigValue> e : user.entrySet()) {
            String k = e.getKey();
            if (k.startsWith("sweep.") && !defaults.hasPathOrNull(k)) unknown.add(k);
        }
        // hasPathOrNull is false for keys inside lists; entrySet holds leaves only, so this is exact.
        if (!unknown.isEmpty()) {
            throw new SweepConfigException(source + ": unknown key " + String.join(", ", unknown)
                    + " (every key and its default: docs/sweep-config.md)");
        }
    }
}
