package org.unirep.jobs.sweep;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import com.typesafe.config.ConfigRenderOptions;
import com.typesafe.config.ConfigValue;
import com.typesafe.config.ConfigValueFactory;
import java.math.BigDecimal;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.unirep.compression.Mode;
import org.unirep.compression.Range;
import org.unirep.data.DatasetName;

/**
 * Every sweep config key, defined once: its name, type, default, allowed values and meaning. The defaults
 * ({@link #defaults()}), the checks with their error messages ({@link Key#read}) and docs/sweep-config.md
 * ({@link #markdown()}, written by {@code unirep docs}) all derive from these definitions.
 */
public final class SweepKeys {
    private SweepKeys() {}

    /** How a value is read and checked: the type's name and allowed values (docs), and the reader (errors). */
    record Type<T>(String name, String allowed, Parser<T> parser) {}

    interface Parser<T> {
        T read(SweepConfigReader r, String key);
    }

    /** One key under {@code sweep}. A null default means the key has no default (required, or optional where the doc says so). */
    public static final class Key<T> {
        public final String name;
        public final Object defaultValue;
        public final String doc;
        final Type<T> type;

        private Key(String name, Type<T> type, Object defaultValue, String doc) {
            this.name = name;
            this.type = type;
            this.defaultValue = defaultValue;
            this.doc = doc;
        }

        T read(SweepConfigReader r) {
            return type.parser.read(r, name);
        }

        public String path() {
            return "sweep." + name;
        }
    }

    private static final List<Key<?>> KEYS = new ArrayList<>();

    private static <T> Key<T> key(String name, Type<T> type, Object defaultValue, String doc) {
        Key<T> k = new Key<>(name, type, defaultValue, doc);
        KEYS.add(k);
        return k;
    }

    // ------------------------------------------------------------------ types

    static Type<Integer> intAtLeast(int min) {
        return new Type<>("int", "an integer >= " + min, (r, k) -> r.atLeast(k, min));
    }

    static Type<Double> number(Range range) {
        return new Type<>("double", range.expected, (r, k) -> r.inRange(k, range));
    }

    static final Type<String> REQUIRED_STRING = new Type<>("string", "a non-empty string (required)", SweepConfigReader::string);
    static final Type<String> OPTIONAL_STRING = new Type<>("string", "a non-empty string, or null",
            (r, k) -> r.isNull(k) ? null : r.string(k));
    static final Type<List<Double>> LAMBDAS = new Type<>("list of double", "lambdas >= 0, each once", SweepConfigReader::lambdas);
    static final Type<Boolean> BOOL = new Type<>("boolean", "true or false", SweepConfigReader::bool);

    // ------------------------------------------------------------------ the keys

    public static final Key<String> ID = key("id", new Type<>("string", "letters, digits, '.', '_' or '-' (required)", (r, k) -> {
        String id = r.string(k);
        if (!id.matches("[A-Za-z0-9._-]+")) r.fail(k, id, "letters, digits, '.', '_' or '-' (it names a folder)");
        return id;
    }), null, "names the sweep: the `sweep_id` partition of the results tables");

    public static final Key<DatasetName> DATASET = key("dataset", new Type<>("string", "mnist or fashion-mnist", (r, k) -> {
        String s = r.string(k);
        try {
            return DatasetName.parse(s);
        } catch (IllegalArgumentException e) {
            throw r.error(k, s, "mnist or fashion-mnist");
        }
    }), "mnist", "the dataset; must match the ingest's");

    public static final Key<String> INGEST = key("ingest", REQUIRED_STRING, null, "the root written by `unirep ingest` (any Hadoop path)");

    public static final Key<String> CLASSIFIER = key("classifier", OPTIONAL_STRING, null,
            "the frozen classifier's model directory (`unirep train-classifier`); required for mode rdc, and measures CE and "
                    + "accuracy for rdp");

    public static final Key<String> RESULTS = key("results", REQUIRED_STRING, null,
            "the results root: runs/, metrics/, models/ (any Hadoop path)");

    public static final Key<List<SweepConfig.Rate>> RATES = key("rates",
            new Type<>("list of [int, int]", "[dim >= 1, levels >= 2] pairs, each once, at least one", (r, k) -> {
                List<SweepConfig.Rate> rates = new ArrayList<>();
                List<? extends ConfigValue> values = r.list(k);
                for (int i = 0; i < values.size(); i++) {
                    String key = k + "[" + i + "]";
                    Object v = values.get(i).unwrapped();
                    if (!(v instanceof List<?> pair) || pair.size() != 2 || !(pair.get(0) instanceof Integer d)
                            || !(pair.get(1) instanceof Integer l)) {
                        throw r.error(key, SweepConfigReader.shown(values.get(i)), "a [dim, levels] pair of integers");
                    }
                    if (d < 1) r.fail(key, v.toString(), "dim >= 1");
                    if (l < 2) r.fail(key, v.toString(), "levels L >= 2");
                    SweepConfig.Rate rate = new SweepConfig.Rate(d, l);
                    if (rates.contains(rate)) r.fail(key, v.toString(), "each rate once");
                    rates.add(rate);
                }
                if (rates.isEmpty()) r.fail(k, "[]", "at least one [dim, levels] pair");
                return List.copyOf(rates);
            }), List.of(List.of(3, 3)), "(dim, L) pairs: the encoder's output size and quantiser levels; R = dim·log2(L) bits");

    public static final Key<List<Mode>> MODES = key("modes", new Type<>("list of string", "rdc and/or rdp, each once", (r, k) -> {
        List<Mode> modes = new ArrayList<>();
        for (String m : r.stringList(k)) {
            Mode o;
            try {
                o = Mode.parse(m);
            } catch (IllegalArgumentException e) {
                throw r.error(k, m, "rdc or rdp");
            }
            if (modes.contains(o)) r.fail(k, m, "each mode once");
            modes.add(o);
        }
        if (modes.isEmpty()) r.fail(k, "[]", "at least one of rdc, rdp");
        return List.copyOf(modes);
    }), List.of("rdc", "rdp"), "rdc: distortion + classification; rdp: distortion + perception");

    public static final Key<List<Long>> SEEDS = key("seeds", new Type<>("list of long", "integers, each once, at least one", (r, k) -> {
        List<Long> seeds = new ArrayList<>();
        for (ConfigValue v : r.list(k)) {
            if (!(v.unwrapped() instanceof Number n) || n.doubleValue() != Math.rint(n.doubleValue())) {
                throw r.error(k, SweepConfigReader.shown(v), "integers");
            }
            if (seeds.contains(n.longValue())) r.fail(k, SweepConfigReader.shown(v), "each seed once");
            seeds.add(n.longValue());
        }
        if (seeds.isEmpty()) r.fail(k, "[]", "at least one seed");
        return List.copyOf(seeds);
    }), List.of(1), "every point trains once per seed");

    public static final Key<Integer> EPOCHS = key("epochs", intAtLeast(1), 30, "training epochs of every model");
    public static final Key<Integer> BATCH_SIZE = key("batch-size", intAtLeast(1), 64, "minibatch size");
    public static final Key<Integer> TRAIN_EXAMPLES = key("train-examples", intAtLeast(0), 0, "the first N training images (0 = all)");
    public static final Key<Integer> TEST_EXAMPLES = key("test-examples", intAtLeast(0), 0, "the first N test images (0 = all)");

    public static final Key<Double> LEARNING_RATE = key("optimizer.learning-rate", number(Range.POSITIVE), 0.01,
            "encoder and decoder Adam learning rate (x1/5 from epoch 20, x1/50 from epoch 40)");
    public static final Key<Double> CRITIC_LEARNING_RATE = key("optimizer.critic-learning-rate", number(Range.POSITIVE), 0.0002,
            "the WGAN critic's Adam learning rate");
    public static final Key<Double> BETA1 = key("optimizer.beta1", number(Range.UNIT_INTERVAL), 0.5, "Adam's beta1 (both optimisers)");
    public static final Key<Double> BETA2 = key("optimizer.beta2", number(Range.UNIT_INTERVAL), 0.9, "Adam's beta2 (both optimisers)");
    public static final Key<Double> SOFT_TO_HARD_SIGMA = key("optimizer.soft-to-hard-sigma", number(Range.POSITIVE), 1.0,
            "the soft-to-hard quantiser's temperature");

    public static final Key<Integer> ENCODER_WORKERS = key("encoder.workers", intAtLeast(0), 1,
            "task slots per shared encoder (0 = Spark's default parallelism). 1: an ordinary task, trained as a fan-out point is, "
                    + "so the encoder is the end-to-end point at its lambda (not trained again) and encoders run side by side; more workers average "
                    + "parameters and need more epochs for the same MSE (docs/performance.md)");
    public static final Key<Integer> AVERAGING_FREQUENCY = key("encoder.averaging-frequency", intAtLeast(1), 5,
            "minibatches per worker between parameter averagings (encoders with more than one worker)");

    /** Per mode: the lambda of its shared encoder and its two fan-out grids. */
    public record ModeKeys(Key<Double> encoderLambda, Key<List<Double>> universal, Key<List<Double>> endToEnd) {}

    public static final Map<Mode, ModeKeys> MODE_KEYS = modeKeys();

    private static Map<Mode, ModeKeys> modeKeys() {
        Map<Mode, ModeKeys> m = new LinkedHashMap<>();
        for (Mode mode : Mode.values()) {
            String p = mode.id() + ".";
            String term = mode == Mode.RDC ? "λc (classification)" : "λp (perception)";
            m.put(mode, new ModeKeys(
                    key(p + "encoder-lambda", number(Range.LAMBDA), 0.015, "the " + term + " at which mode " + mode.id()
                            + "'s shared encoder is trained"),
                    key(p + "universal-lambdas", LAMBDAS, List.of(), "the " + term + " grid of universal decoders on that encoder"),
                    key(p + "end-to-end-lambdas", LAMBDAS, List.of(), "the " + term + " grid of end-to-end baselines")));
        }
        return Collections.unmodifiableMap(m);
    }

    public static final Key<Integer> RETRIES = key("retries", intAtLeast(0), 1, "extra attempts of a failed point within one submission");
    public static final Key<Integer> PARALLELISM = key("parallelism", intAtLeast(0), 0,
            "task slots the sweep fills at once, an encoder holding encoder.workers and a fan-out point one (0 = the cluster's "
                    + "task slots, GPUs on a GPU cluster, read again as points end)");
    public static final Key<Duration> LEASE_TTL = key("lease.ttl",
            new Type<>("duration", "a duration of at least 5s, e.g. 2m or 90s", (r, k) -> r.duration(k, Duration.ofSeconds(5))), "2m",
            "one submission per (results, id) at a time: a holder that has not renewed its lease (every ttl/4) for this long "
                    + "is presumed dead");
    public static final Key<Boolean> LEASE_WAIT = key("lease.wait", BOOL, false,
            "true (or `sweep --wait`): queue behind a running submission instead of stopping");
    public static final Key<List<String>> FAIL_POINTS = key("fault-injection.fail-points",
            new Type<>("list of string", "kind:mode:lambda[:how], e.g. universal:rdc:0.001 or end_to_end:rdp:0.0:setup", (r, k) -> {
                List<String> points = r.stringList(k);
                for (String p : points) {
                    if (!p.matches("(end_to_end|universal|encoder):(rdc|rdp):[0-9.eE+-]+(:(error|invalid|setup))?")) {
                        r.fail(k, p, "kind:mode:lambda[:how] with how one of error (the default), invalid, setup; e.g. universal:rdc:0.001");
                    }
                }
                return List.copyOf(points);
            }), List.of(), "points made to fail on purpose (tests the failure path)");

    public static List<Key<?>> all() {
        return List.copyOf(KEYS);
    }

    /** Every key's default under {@code sweep} (null where a key has none). */
    public static Config defaults() {
        Map<String, Object> m = new LinkedHashMap<>();
        for (Key<?> k : KEYS) m.put(k.path(), k.defaultValue);
        return ConfigFactory.parseMap(m, "the sweep keys' defaults (docs/sweep-config.md)");
    }

    /** docs/sweep-config.md. */
    public static String markdown() {
        StringBuilder s = new StringBuilder();
        s.append("# Sweep config keys\n\n");
        s.append("<!-- Generated from org.unirep.jobs.sweep.SweepKeys by `bin/unirep docs --out docs`: edit the code, not this file. -->\n\n");
        s.append("A sweep config is HOCON with one `sweep { ... }` block (examples: `conf/quickstart.conf`, `conf/paper-mnist.conf`).\n");
        s.append("It may live on any Hadoop path (`file://`, `hdfs://`, `s3a://`). Keys not set take the defaults below;\n");
        s.append("`unirep sweep CONFIG --set KEY=VALUE` overrides one. An unknown key is refused, so a typo cannot fall back\n");
        s.append("to a default, and every value is checked before any Spark job starts: an error names the key, the value and\n");
        s.append("what was expected.\n\n");
        s.append("| key | type | default | allowed | meaning |\n|---|---|---|---|---|\n");
        for (Key<?> k : KEYS) {
            String def = k.defaultValue == null ? (k.type == REQUIRED_STRING || k == ID ? "(required)" : "null")
                    : "`" + (k.defaultValue instanceof Double d ? new BigDecimal(Double.toString(d)).stripTrailingZeros().toPlainString()
                    : ConfigValueFactory.fromAnyRef(k.defaultValue).render(ConfigRenderOptions.concise()).replace("\"", "")) + "`";
            s.append("| `").append(k.path()).append("` | ").append(k.type.name()).append(" | ").append(def).append(" | ")
                    .append(k.type.allowed().replace("|", "\\|")).append(" | ").append(k.doc.replace("|", "\\|")).append(" |\n");
        }
        s.append("\nAcross keys: `sweep.classifier` is required when `sweep.modes` holds rdc.\n");
        return s.toString();
    }
}
