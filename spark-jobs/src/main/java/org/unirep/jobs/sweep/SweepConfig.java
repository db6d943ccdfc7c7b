package org.unirep.jobs.sweep;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigException;
import com.typesafe.config.ConfigFactory;
import com.typesafe.config.ConfigParseOptions;
import com.typesafe.config.ConfigRenderOptions;
import com.typesafe.config.ConfigValue;
import com.typesafe.config.ConfigValueType;
import java.io.File;
import java.io.Serializable;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import org.unirep.compression.CompressionConfig;
import org.unirep.compression.Mode;
import org.unirep.compression.Range;
import org.unirep.data.DatasetName;
import org.unirep.jobs.plan.Optimizer;

/**
 * One sweep, read from HOCON (keys and defaults: {@code unirep-sweep-defaults.conf}) and validated
 * completely before any Spark job starts: every error names the key, the value and what was expected.
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

    private static final String DEFAULTS = "unirep-sweep-defaults.conf";

    /** Reads a config file, with {@code key=value} overrides (HOCON syntax) applied on top. */
    public static SweepConfig load(File file, List<String> overrides) {
        if (!file.isFile()) throw new SweepConfigException(file + ": sweep config not found");
        Config user;
        try {
            user = ConfigFactory.parseFile(file, ConfigParseOptions.defaults().setAllowMissing(false));
        } catch (ConfigException e) {
            throw new SweepConfigException(file + ": not valid HOCON: " + e.getMessage());
        }
        return from(withOverrides(user, overrides), file.toString());
    }

    public static SweepConfig parse(String hocon, List<String> overrides, String source) {
        Config user;
        try {
            user = ConfigFactory.parseString(hocon);
        } catch (ConfigException e) {
            throw new SweepConfigException(source + ": not valid HOCON: " + e.getMessage());
        }
        return from(withOverrides(user, overrides), source);
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
        Config defaults = ConfigFactory.parseResources(SweepConfig.class.getClassLoader(), DEFAULTS);
        if (!user.hasPath("sweep")) throw new SweepConfigException(source + ": no 'sweep' block");
        rejectUnknownKeys(user, defaults, source);
        Config c = user.withFallback(defaults).resolve().getConfig("sweep");
        Reader r = new Reader(c, source);

        String id = r.string("id");
        if (!id.matches("[A-Za-z0-9._-]+")) r.fail("id", id, "letters, digits, '.', '_' or '-' (it names a folder)");
        DatasetName dataset;
        try {
            dataset = DatasetName.parse(r.string("dataset"));
        } catch (IllegalArgumentException e) {
            throw r.error("dataset", c.getString("dataset"), "mnist or fashion-mnist");
        }
        List<Mode> modes = new ArrayList<>();
        for (String m : r.stringList("modes")) {
            try {
                Mode o = Mode.parse(m);
                if (modes.contains(o)) r.fail("modes", m, "each mode once");
                modes.add(o);
            } catch (IllegalArgumentException e) {
                throw r.error("modes", m, "rdc or rdp");
            }
        }
        if (modes.isEmpty()) r.fail("modes", "[]", "at least one of rdc, rdp");
        String classifier = c.getIsNull("classifier") ? null : r.string("classifier");
        if (classifier == null && modes.contains(Mode.RDC)) {
            throw r.error("classifier", "null", "the frozen classifier's model directory (mode rdc needs it)");
        }

        List<Rate> rates = new ArrayList<>();
        List<? extends ConfigValue> rateValues = r.list("rates");
        for (int i = 0; i < rateValues.size(); i++) {
            String key = "rates[" + i + "]";
            Object v = rateValues.get(i).unwrapped();
            if (!(v instanceof List<?> pair) || pair.size() != 2 || !(pair.get(0) instanceof Integer d) || !(pair.get(1) instanceof Integer l)) {
                throw r.error(key, shown(rateValues.get(i)), "a [dim, levels] pair of integers");
            }
            if (d < 1) r.fail(key, v.toString(), "dim >= 1");
            if (l < 2) r.fail(key, v.toString(), "levels L >= 2");
            Rate rate = new Rate(d, l);
            if (rates.contains(rate)) r.fail(key, v.toString(), "each rate once");
            rates.add(rate);
        }
        if (rates.isEmpty()) r.fail("rates", "[]", "at least one [dim, levels] pair");

        List<Long> seeds = new ArrayList<>();
        for (ConfigValue v : r.list("seeds")) {
            if (!(v.unwrapped() instanceof Number n) || n.doubleValue() != Math.rint(n.doubleValue())) {
                throw r.error("seeds", shown(v), "integers");
            }
            if (seeds.contains(n.longValue())) r.fail("seeds", shown(v), "each seed once");
            seeds.add(n.longValue());
        }
        if (seeds.isEmpty()) r.fail("seeds", "[]", "at least one seed");

        Optimizer opt = new Optimizer(r.positive("optimizer.learning-rate"), r.positive("optimizer.critic-learning-rate"),
                r.unitInterval("optimizer.beta1"), r.unitInterval("optimizer.beta2"), r.positive("optimizer.soft-to-hard-sigma"));

        Map<Mode, Grid> grids = new EnumMap<>(Mode.class);
        for (Mode m : modes) grids.put(m, new Grid(r.lambda(m.id() + ".encoder-lambda"),
                r.lambdas(m.id() + ".universal-lambdas"), r.lambdas(m.id() + ".end-to-end-lambdas")));

        List<String> failPoints = r.stringList("fault-injection.fail-points");
        for (String p : failPoints) {
            if (!p.matches("(end_to_end|universal|encoder):(rdc|rdp):[0-9.eE+-]+")) {
                r.fail("fault-injection.fail-points", p, "kind:mode:lambda, e.g. universal:rdc:0.001");
            }
        }
        return new SweepConfig(id, dataset, r.string("ingest"), classifier, r.string("results"), List.copyOf(rates),
                List.copyOf(modes), List.copyOf(seeds), r.atLeast("epochs", 1), r.atLeast("batch-size", 1),
                r.atLeast("train-examples", 0), r.atLeast("test-examples", 0), opt, r.atLeast("encoder.workers", 0),
                r.atLeast("encoder.averaging-frequency", 1), grids, r.atLeast("retries", 0), r.atLeast("parallelism", 0),
                List.copyOf(failPoints), new Lease(r.duration("lease.ttl", Duration.ofSeconds(5)), r.bool("lease.wait")), source);
    }

    /** A value as the user wrote it (HOCON, one line), for error messages. */
    private static String shown(ConfigValue v) {
        return v.render(ConfigRenderOptions.concise());
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
                    + " (every key and its default: " + DEFAULTS + ")");
        }
    }

    /** Typed reads that name the key on error. */
    private record Reader(Config c, String source) {
        SweepConfigException error(String key, String value, String expected) {
            return new SweepConfigException(source + ": sweep." + key + " = " + value + ", expected " + expected);
        }

        void fail(String key, String value, String expected) { throw error(key, value, expected); }

        String string(String key) {
            if (c.getIsNull(key)) throw error(key, "null", "a value (this key is required)");
            if (c.getValue(key).valueType() != ConfigValueType.STRING) throw error(key, shown(c.getValue(key)), "a string");
            String s = c.getString(key);
            if (s.isBlank()) throw error(key, "\"\"", "a non-empty string");
            return s;
        }

        List<? extends ConfigValue> list(String key) {
            if (c.getIsNull(key) || c.getValue(key).valueType() != ConfigValueType.LIST) {
                throw error(key, c.getIsNull(key) ? "null" : shown(c.getValue(key)), "a list");
            }
            return c.getList(key);
        }

        List<String> stringList(String key) {
            List<String> out = new ArrayList<>();
            for (ConfigValue v : list(key)) {
                if (v.valueType() != ConfigValueType.STRING) throw error(key, shown(v), "a list of strings");
                out.add((String) v.unwrapped());
            }
            return out;
        }

        double number(String key) {
            try {
                return c.getDouble(key);
            } catch (ConfigException e) {
                throw error(key, c.getIsNull(key) ? "null" : shown(c.getValue(key)), "a number");
            }
        }

        Duration duration(String key, Duration min) {
            Duration d;
            try {
                d = c.getDuration(key);
            } catch (ConfigException e) {
                throw error(key, c.getIsNull(key) ? "null" : shown(c.getValue(key)), "a duration, e.g. 2m or 90s");
            }
            if (d.compareTo(min) < 0) throw error(key, shown(c.getValue(key)), "a duration of at least " + min.toSeconds() + "s");
            return d;
        }

        boolean bool(String key) {
            try {
                return c.getBoolean(key);
            } catch (ConfigException e) {
                throw error(key, c.getIsNull(key) ? "null" : shown(c.getValue(key)), "true or false");
            }
        }

        int atLeast(String key, int min) {
            double d = number(key);
            if (d != Math.rint(d) || d < min || d > Integer.MAX_VALUE) throw error(key, shown(c.getValue(key)), "an integer >= " + min);
            return (int) d;
        }

        double positive(String key) {
            return inRange(key, Range.POSITIVE);
        }

        double unitInterval(String key) {
            return inRange(key, Range.UNIT_INTERVAL);
        }

        double lambda(String key) {
            return inRange(key, Range.LAMBDA);
        }

        double inRange(String key, Range range) {
            double d = number(key);
            if (!range.holds(d)) throw error(key, shown(c.getValue(key)), range.expected);
            return d;
        }

        List<Double> lambdas(String key) {
            List<Double> out = new ArrayList<>();
            List<? extends ConfigValue> vs = list(key);
            for (int i = 0; i < vs.size(); i++) {
                Object v = vs.get(i).unwrapped();
                if (!(v instanceof Number n) || !Range.LAMBDA.holds(n.doubleValue())) {
                    throw error(key + "[" + i + "]", shown(vs.get(i)), Range.LAMBDA.expected);
                }
                if (out.contains(n.doubleValue())) throw error(key + "[" + i + "]", shown(vs.get(i)), "each lambda once");
                out.add(n.doubleValue());
            }
            return List.copyOf(out);
        }
    }
}
