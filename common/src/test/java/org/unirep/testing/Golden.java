package org.unirep.testing;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.Callable;
import java.util.function.Function;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Pinned numbers of short seeded training runs, so numeric drift between commits fails a test
 * (a comparison with a value computed in the same run cannot). A golden file is
 * {@code src/test/resources/golden/NAME.json} of the test's module: one flat JSON object, one
 * {@code "key": value} a line, keys sorted, NaN as null, each value as {@link Double#toString}
 * prints it (it reads back to the same double), so a change in the numbers shows in review; and
 * {@code "_machine"}, the {@link #machine()} that wrote it.
 *
 * <p>Two tolerances. On the machine that wrote the file (same CPU, instruction set, thread count)
 * training at a fixed seed is deterministic, so values must agree to {@link #SAME_MACHINE} (bit for
 * bit, to print precision). Elsewhere oneDNN and OpenBLAS run other kernels (they choose them by
 * instruction set) and float32 rounding differs; Adam turns that into visible differences within a
 * few steps: {@link #shortTraining} holds the per-value tolerances for another machine, measured.
 * {@code -Dunirep.golden.verbose=true} prints every value's deviation from its pin.
 *
 * <p>Regenerate, in CompressAI's GENERATE_EXPECTED manner, with {@code -Dunirep.golden.generate=true}
 * (e.g. {@code mvn -B -o test -pl common -Dtest=ShortRunGoldenTest -Dunirep.golden.generate=true}):
 * the tests then write their files instead of comparing (surefire passes the property on to the test
 * JVM), and the changed numbers show in the diff. Only when a change of the numbers is meant (the
 * training changed on purpose); golden/README.md of each module lists its files.
 */
public final class Golden {
    /** The system property that makes tests write their golden files instead of comparing. */
    public static final String GENERATE = "unirep.golden.generate";
    /** With this property true, every value's deviation is printed (measuring tolerances). */
    public static final String VERBOSE = "unirep.golden.verbose";
    /** Pinned values on the machine that pinned them: the same doubles (measured: two JVMs agree exactly). */
    public static final Tolerance SAME_MACHINE = Tolerance.relative(1e-9);

    private static final Pattern LINE = Pattern.compile("^\\s*\"([^\"\\\\]*)\"\\s*:\\s*(null|[-+0-9.eE]+|\"[^\"\\\\]*\")\\s*,?\\s*$");

    private Golden() {}

    /** |actual - expected| <= abs + rel * |expected|; NaN matches only NaN. */
    public record Tolerance(double abs, double rel) {
        public static Tolerance relative(double rel) { return new Tolerance(0, rel); }

        public static Tolerance absolute(double abs) { return new Tolerance(abs, 0); }

        public boolean accepts(double expected, double actual) {
            if (Double.isNaN(expected) || Double.isNaN(actual)) return Double.isNaN(expected) && Double.isNaN(actual);
            return Math.abs(actual - expected) <= abs + rel * Math.abs(expected);
        }
    }

    /** A golden file: the machine that wrote it and its values. */
    public record Pinned(String name, String machine, Map<String, Double> values) {
        public boolean sameMachine() { return machine.equals(Golden.machine()); }

        /** The pinned values whose keys are in {@code keys}. */
        public Pinned only(Collection<String> keys) {
            Map<String, Double> v = new TreeMap<>();
            for (String k : keys) if (values.containsKey(k)) v.put(k, values.get(k));
            return new Pinned(name, machine, v);
        }
    }

    public static boolean generating() {
        return Boolean.getBoolean(GENERATE);
    }

    /**
     * The pinned values of golden/NAME.json. With {@code -Dunirep.golden.generate=true}: computes
     * them, writes the file into the module's src/test/resources/golden/, and returns them.
     */
    public static Pinned values(String name, Callable<Map<String, Double>> compute) throws Exception {
        if (generating()) {
            Pinned p = new Pinned(name, machine(), new TreeMap<>(compute.call()));
            Path f = sourceDir().resolve(name + ".json");
            Files.createDirectories(f.getParent());
            Files.writeString(f, render(p));
            System.out.println("golden " + name + ": wrote " + p.values().size() + " values to " + f + " (" + GENERATE + "=true)");
            return p;
        }
        return load(name);
    }

    /** golden/NAME.json from the test classpath. */
    public static Pinned load(String name) throws IOException {
        try (InputStream in = Golden.class.getResourceAsStream("/golden/" + name + ".json")) {
            if (in == null) {
                throw new IllegalStateException("golden file golden/" + name + ".json is missing: generate it with -D" + GENERATE + "=true");
            }
            return parse(new String(in.readAllBytes(), StandardCharsets.UTF_8), name);
        }
    }

    /**
     * Every pinned value present in {@code actual} and within tolerance: {@link #SAME_MACHINE} where
     * this is the machine that pinned them, else {@code otherMachine} of the key. With {@code sameKeys},
     * no key beyond them either. Prints the largest deviation (the measured distance from the pin),
     * and on failure lists every value out of tolerance.
     */
    public static void assertMatches(Pinned pinned, Map<String, Double> actual, Function<String, Tolerance> otherMachine, boolean sameKeys) {
        boolean same = pinned.sameMachine();
        List<String> problems = new ArrayList<>();
        String worst = "none";
        double worstRel = -1;
        for (Map.Entry<String, Double> e : new TreeMap<>(pinned.values()).entrySet()) {
            Double a = actual.get(e.getKey());
            if (a == null) {
                problems.add(e.getKey() + ": missing");
                continue;
            }
            double x = e.getValue(), d = Math.abs(a - x), rel = d / Math.max(Math.abs(x), Double.MIN_NORMAL);
            if (!Double.isNaN(d) && rel > worstRel) {
                worstRel = rel;
                worst = e.getKey() + " " + x + " -> " + a + " (|d| " + String.format("%.3g", d) + ", relative " + String.format("%.3g", rel) + ")";
            }
            Tolerance t = same ? SAME_MACHINE : otherMachine.apply(e.getKey());
            if (Boolean.getBoolean(VERBOSE)) {
                System.out.printf("golden %s: %-45s pinned %-22s now %-22s |d| %.3g relative %.3g%n", pinned.name(), e.getKey(), x, a, d, rel);
            }
            if (!t.accepts(x, a)) problems.add(e.getKey() + ": pinned " + x + ", now " + a + " (tolerance " + t + ")");
        }
        if (sameKeys) {
            for (String k : actual.keySet()) if (!pinned.values().containsKey(k)) problems.add(k + ": not pinned");
        }
        String where = same ? "the machine that pinned them" : "another machine than the one that pinned them (" + pinned.machine() + ")";
        System.out.println("golden " + pinned.name() + ": " + pinned.values().size() + " values on " + where + "; largest deviation " + worst);
        assertTrue(problems.isEmpty(), "golden " + pinned.name() + " on " + where + ": " + problems.size() + " value(s) moved: " + problems
                + ". If the change is meant, regenerate with -D" + GENERATE + "=true and commit the file");
    }

    /**
     * Tolerances elsewhere than on the pinning machine for the values of short runs (1 epoch, 2
     * generator steps, a few hundred real digits), by key: {@code classifier/...}, {@code MODE/initial/...}
     * and {@code MODE/first_steps/...} (the untrained model; the first critic and generator steps),
     * else a trained model's {@code .../KIND/LAMBDA/METRIC} ({@code universal} or end to end), METRIC
     * one of mse, ce, accuracy, w1, train_loss. {@code testImages}: the images accuracy is counted on.
     *
     * <p>Measured by running this machine's oneDNN on AVX2 instead of AVX-512 kernels
     * ({@code DNNL_MAX_CPU_ISA=AVX2}; OPENBLAS_CORETYPE moved nothing) in ShortRunGoldenTest (S: 320
     * digits, 200 test digits), FidelityRunTest (F: 256 digits, 100 test digits) and SweepJobTest's
     * sweeps (W: 256 digits, 200 test digits, one ND4J thread per Spark task); allowed about 2.5x the
     * largest. What real changes move (S, rdc; lr x1.1 / Adam beta1 0.55 / soft-to-hard sigma 1.1 /
     * seed + 1) shows what each tolerance still catches elsewhere:
     * <pre>
     *                            AVX2 vs AVX-512: S; F; W          allowed elsewhere   lr x1.1 / beta1 / sigma / seed
     *   initial, 1st step loss   1.5e-7 rel (S only)               1e-5 relative       0 / 0 / 0 / 5e-2..0.24
     *   end-to-end mse           1.2e-3; 1.5e-2; 4.0e-2 rel        0.1 relative        9.6e-2 / 1.1e-2 / 2.3e-2 / 9.9e-2
     *   end-to-end train loss    5.9e-6 rel (S only)               1e-3 relative       3.2e-3 / 0 / 4.1e-4 / 7.5e-2
     *   end-to-end ce            2.8e-5; 3.4e-4; 1.8e-2 rel        5e-2 relative       1.2e-4 / 2.7e-5 / 1.9e-4 / 6.7e-4
     *   end-to-end w1            4.4e-4; 1.9e-3; 5.6e-3 abs        1.5e-2 absolute     1.9e-2 / 1.8e-3 / 9.0e-3 / 1.6e-2
     *   end-to-end accuracy      0%; 3%; 1.5% of the images        5% of the images    2% / 0 / 1% / 2%
     *   universal mse            1.3e-2; 4.9e-2; 8.8e-2 rel        0.2 relative        2.5e-2 / 1.7e-2 / 3.9e-2 / 6.1e-2 (S, rdp)
     *   universal train loss     2.3e-3 rel (S only)               1e-2 relative       8.2e-3 / 1.3e-3 / 4.5e-3 / 0.24
     *   universal ce             3.3e-4; 5.4e-4; 4.9e-2 rel        0.1 relative        6.3e-4 / 3.3e-5 / 1.8e-4 / 6.5e-4
     *   universal w1             4.0e-3; 1.8e-2; 1.5e-2 abs        5e-2 absolute       1.2e-2 / 3.5e-3 / 1.1e-2 / 6.2e-2
     *   universal accuracy       3%; 1%; 2% of the images          5% of the images    2.5% / 0.5% / 2% / 1.5%
     * </pre>
     * So elsewhere the untrained model and the first steps are checked tightly (initialisation, the
     * losses, the critic's and the classifier's forward passes: any change of them, or another seed,
     * fails), the trained metrics only coarsely (a model that stops training, or blows up): two Adam
     * steps already turn float32 rounding into percent-level differences (Adam makes steps of up to
     * lr out of the rounding noise of zero-gradient biases; TwinGoldenTest), and a universal decoder
     * trains on an encoder that carries them. On the pinning machine every value is exact.
     */
    public static Function<String, Tolerance> shortTraining(int testImages) {
        return key -> {
            if (key.startsWith("classifier/") || key.contains("/initial/") || key.contains("/first_steps/")) {
                return key.endsWith("accuracy") ? Tolerance.absolute(1.0 / testImages + 1e-9) : Tolerance.relative(1e-5);
            }
            boolean universal = key.contains("/universal/");
            return switch (key.substring(key.lastIndexOf('/') + 1)) {
                case "mse" -> Tolerance.relative(universal ? 0.2 : 0.1);
                case "train_loss" -> Tolerance.relative(universal ? 1e-2 : 1e-3);
                case "ce" -> Tolerance.relative(universal ? 0.1 : 5e-2);
                case "w1" -> Tolerance.absolute(universal ? 5e-2 : 1.5e-2);
                case "accuracy" -> Tolerance.absolute(0.05 + 1e-9);
                default -> throw new IllegalArgumentException("no tolerance for " + key);
            };
        };
    }

    /**
     * What decides the numbers besides the code: the CPU (model and widest vector instructions, by
     * which oneDNN and OpenBLAS pick their kernels), their overrides, and the thread counts.
     */
    public static String machine() {
        String model = "?", family = "?", number = "?", isa = "?";
        try {
            for (String line : Files.readAllLines(Path.of("/proc/cpuinfo"))) {
                String[] kv = line.split("\\s*:\\s*", 2);
                if (kv.length < 2) {
                    if (!model.equals("?")) break; // the first processor's block is enough
                    continue;
                }
                switch (kv[0].strip()) {
                    case "model name" -> model = kv[1].strip();
                    case "cpu family" -> family = kv[1].strip();
                    case "model" -> number = kv[1].strip();
                    case "flags" -> {
                        Set<String> f = Set.of(kv[1].strip().split("\\s+"));
                        isa = f.contains("avx512f") ? "avx512" : f.contains("avx2") ? "avx2" : f.contains("avx") ? "avx" : "sse";
                    }
                    default -> { }
                }
            }
        } catch (IOException e) {
            model = "unknown (" + e.getMessage() + ")";
        }
        return System.getProperty("os.arch") + " " + model + " (family " + family + ", model " + number + ", " + isa + ", "
                + Runtime.getRuntime().availableProcessors() + " cores), OMP_NUM_THREADS=" + env("OMP_NUM_THREADS", "unset") + ", ONEDNN_MAX_CPU_ISA=" + env("ONEDNN_MAX_CPU_ISA", "unset")
                + ", DNNL_MAX_CPU_ISA=" + env("DNNL_MAX_CPU_ISA", "unset") + ", OPENBLAS_CORETYPE=" + env("OPENBLAS_CORETYPE", "unset");
    }

    private static String env(String name, String otherwise) {
        String v = System.getenv(name);
        return v == null || v.isBlank() ? otherwise : v;
    }

    static String render(Pinned p) {
        if (p.machine().contains("\"") || p.machine().contains("\\")) throw new IllegalArgumentException("machine " + p.machine());
        StringBuilder s = new StringBuilder("{\n  \"_machine\": \"").append(p.machine()).append('"');
        for (Map.Entry<String, Double> e : new TreeMap<>(p.values()).entrySet()) {
            if (e.getKey().contains("\"") || e.getKey().contains("\\") || e.getKey().startsWith("_")) {
                throw new IllegalArgumentException("key " + e.getKey());
            }
            s.append(",\n  \"").append(e.getKey()).append("\": ").append(Double.isNaN(e.getValue()) ? "null" : Double.toString(e.getValue()));
        }
        return s.append("\n}\n").toString();
    }

    static Pinned parse(String text, String name) {
        Map<String, Double> m = new TreeMap<>();
        String machine = null;
        for (String line : text.split("\n")) {
            String l = line.strip();
            if (l.isEmpty() || l.equals("{") || l.equals("}")) continue;
            Matcher x = LINE.matcher(l);
            if (!x.matches()) throw new IllegalStateException("golden/" + name + ".json: not a \"key\": value line: " + line);
            String v = x.group(2);
            if (x.group(1).equals("_machine") && v.startsWith("\"")) machine = v.substring(1, v.length() - 1);
            else if (v.startsWith("\"")) throw new IllegalStateException("golden/" + name + ".json: a string for " + x.group(1));
            else m.put(x.group(1), v.equals("null") ? Double.NaN : Double.parseDouble(v));
        }
        if (machine == null) throw new IllegalStateException("golden/" + name + ".json names no _machine");
        return new Pinned(name, machine, m);
    }

    /** src/test/resources/golden of the module under test (surefire's basedir, else the working directory). */
    static Path sourceDir() {
        String basedir = System.getProperty("basedir");
        Path module = basedir != null && !basedir.isBlank() ? Path.of(basedir) : Path.of("").toAbsolutePath();
        return module.resolve("src/test/resources/golden");
    }
}
