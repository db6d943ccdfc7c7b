package org.unirep.jobs.report;

import static org.junit.jupiter.api.Assertions.*;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.stream.Collectors;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.catalyst.expressions.Attribute;
import org.apache.spark.sql.catalyst.expressions.Expression;
import org.apache.spark.sql.execution.SparkPlan;
import org.apache.spark.sql.execution.adaptive.AdaptiveSparkPlanExec;
import org.apache.spark.sql.execution.joins.BaseJoinExec;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.unirep.spark.LocalSpark;
import scala.collection.JavaConverters;

/**
 * notebooks/sql/penalties.sql without its quadratic joins: on random curves (fixed seed) it gives what
 * the definition before the rewrite gave, row for row and column for column, except where that one
 * picked an arbitrary point among end-to-end points tied at a level; there it gives the documented
 * choice (the lowest MSE among them), checked against a plain Java reading of the curve. Its plan
 * joins on equal full keys only.
 */
class LinearPenaltiesTest {
    @RegisterExtension
    static final LocalSpark SPARK = new LocalSpark();

    /**
     * The penalties view before the rewrite (as of commit 4466f92), the oracle: lo and hi joined every
     * universal point with every end-to-end point of its curve (quadratic in a curve's size), and took
     * max_by / min_by among tied levels (an arbitrary one). Verbatim but for the view's name.
     */
    static final String OLD_PENALTIES = """
            CREATE OR REPLACE TEMP VIEW old_penalties AS
            WITH pts AS (
              SELECT *, CASE WHEN mode = 'rdp' THEN w1 ELSE ce END AS level
              FROM curves WHERE kind IN ('end_to_end', 'universal')),
            e2e AS (SELECT * FROM pts WHERE kind = 'end_to_end' AND level IS NOT NULL AND NOT isnan(level)),
            uni AS (SELECT * FROM pts WHERE kind = 'universal'),
            enc AS (
              SELECT e.sweep_id, e.dataset, e.rate_bits, e.mode, e.lambda AS encoder_lambda, e.mse AS encoder_mse,
                     s.mse AS e2e_mse_at_encoder_lambda
              FROM curves e LEFT JOIN curves s
                ON s.kind = 'end_to_end' AND s.sweep_id = e.sweep_id AND s.dataset = e.dataset AND s.rate_bits = e.rate_bits
                   AND s.mode = e.mode AND s.lambda = e.lambda
              WHERE e.kind = 'shared_encoder'),
            lo AS (
              SELECT u.sweep_id, u.dataset, u.rate_bits, u.mode, u.lambda, max(e.level) AS lo_level, max_by(e.mse, e.level) AS lo_mse
              FROM uni u JOIN e2e e USING (sweep_id, dataset, rate_bits, mode)
              WHERE e.level <= u.level
              GROUP BY u.sweep_id, u.dataset, u.rate_bits, u.mode, u.lambda),
            hi AS (
              SELECT u.sweep_id, u.dataset, u.rate_bits, u.mode, u.lambda, min(e.level) AS hi_level, min_by(e.mse, e.level) AS hi_mse
              FROM uni u JOIN e2e e USING (sweep_id, dataset, rate_bits, mode)
              WHERE e.level >= u.level
              GROUP BY u.sweep_id, u.dataset, u.rate_bits, u.mode, u.lambda),
            at_level AS (
              SELECT sweep_id, dataset, rate_bits, mode, lambda,
                     CASE WHEN hi_level = lo_level THEN lo_mse
                          ELSE lo_mse + (u.level - lo_level) / (hi_level - lo_level) * (hi_mse - lo_mse) END AS e2e_mse_at_level
              FROM uni u JOIN lo USING (sweep_id, dataset, rate_bits, mode, lambda) JOIN hi USING (sweep_id, dataset, rate_bits, mode, lambda))
            SELECT u.sweep_id, u.dataset, u.rate_bits, u.mode, u.lambda, u.encoder_lambda, u.level, u.mse,
                   a.e2e_mse_at_level,
                   u.mse - a.e2e_mse_at_level AS penalty_at_level,
                   s.mse                      AS e2e_mse_at_lambda,
                   u.mse - s.mse              AS penalty_at_lambda,
                   s.level                    AS e2e_level_at_lambda,
                   n.encoder_mse,
                   n.e2e_mse_at_encoder_lambda,
                   n.encoder_mse - n.e2e_mse_at_encoder_lambda AS encoder_gap
            FROM uni u
            LEFT JOIN at_level a USING (sweep_id, dataset, rate_bits, mode, lambda)
            LEFT JOIN e2e s USING (sweep_id, dataset, rate_bits, mode, lambda)
            LEFT JOIN enc n ON n.sweep_id = u.sweep_id AND n.dataset = u.dataset AND n.rate_bits = u.rate_bits AND n.mode = u.mode
                               AND n.encoder_lambda = u.encoder_lambda
            """;

    static final StructType CURVES = new StructType()
            .add("sweep_id", DataTypes.StringType).add("dataset", DataTypes.StringType).add("rate_bits", DataTypes.DoubleType)
            .add("mode", DataTypes.StringType).add("kind", DataTypes.StringType).add("lambda", DataTypes.DoubleType)
            .add("encoder_lambda", DataTypes.DoubleType).add("seeds", DataTypes.IntegerType).add("mse", DataTypes.DoubleType)
            .add("mse_std", DataTypes.DoubleType).add("ce", DataTypes.DoubleType).add("ce_std", DataTypes.DoubleType)
            .add("accuracy", DataTypes.DoubleType).add("accuracy_std", DataTypes.DoubleType).add("w1", DataTypes.DoubleType)
            .add("w1_std", DataTypes.DoubleType).add("model_path", DataTypes.StringType);

    static final String ORDER = " ORDER BY sweep_id, dataset, rate_bits, mode, lambda";

    /** A curves row; {@code level} (null: not measured) is its CE for rdc, its W1 for rdp. */
    record Pt(String sweep, double rate, String mode, String kind, double lambda, double encoderLambda, double mse, Double level) {
        String curve() { return sweep + "|" + rate + "|" + mode; }

        Row row(Random r) {
            Double other = r.nextDouble(); // the metric that is not the level
            Double ce = mode.equals("rdp") ? other : level, w1 = mode.equals("rdp") ? level : (r.nextBoolean() ? null : other);
            return RowFactory.create(sweep, "mnist", rate, mode, kind, lambda, encoderLambda, 1, mse, 0.0, ce, 0.0, 0.9, 0.0, w1, 0.0,
                    null);
        }
    }

    static final List<Pt> POINTS = new ArrayList<>();
    static List<Row> before, after;

    /** Random curves (seed 7) as the view {@code curves}; both definitions of the penalties over them, ordered by key. */
    @BeforeAll
    static void views() {
        Random r = new Random(7);
        for (String sweep : List.of("s1", "s2")) {
            for (double rate : List.of(2.0, 4.75)) {
                for (String mode : List.of("rdc", "rdp")) curve(r, sweep, rate, mode, true, true);
            }
        }
        curve(r, "s3", 4.75, "rdc", false, true); // universal decoders without an end-to-end curve
        curve(r, "s3", 4.75, "rdp", true, false); // an end-to-end curve alone
        SparkSession spark = SPARK.session();
        spark.createDataFrame(POINTS.stream().map(p -> p.row(r)).toList(), CURVES).createOrReplaceTempView("curves");
        spark.sql(OLD_PENALTIES);
        SqlViews.create(spark, SqlViews.PENALTIES);
        before = spark.sql("SELECT * FROM old_penalties" + ORDER).collectAsList();
        after = spark.sql("SELECT * FROM penalties" + ORDER).collectAsList();
    }

    /**
     * One curve of 30 to 40 end-to-end and 30 to 40 universal points. End-to-end levels on a grid of 17
     * in [0.1, 0.9], so many tie; most share their level's MSE (ties the old query read alike), some have
     * their own; one has no level, one a NaN. Universal levels in [0, 1] (below and above the curve),
     * on the same grid (exactly on an end-to-end level) or off it, one null and one NaN; about half
     * their lambdas have an end-to-end model.
     */
    static void curve(Random r, String sweep, double rate, String mode, boolean e2e, boolean universal) {
        Map<Integer, Double> mseAt = new TreeMap<>();
        int ne = e2e ? 30 + r.nextInt(11) : 0, nu = universal ? 30 + r.nextInt(11) : 0;
        for (int i = 0; i < ne; i++) {
            int g = r.nextInt(17);
            double own = 0.03 + 0.04 * r.nextDouble();
            double mse = r.nextDouble() < 0.2 ? own : mseAt.computeIfAbsent(g, k -> own);
            Double level = i == 3 ? Double.valueOf(Double.NaN) : i == 4 ? null : Double.valueOf(0.1 + 0.05 * g);
            POINTS.add(new Pt(sweep, rate, mode, CurvePoint.END_TO_END, i * 0.001, i * 0.001, mse, level));
        }
        for (int i = 0; i < nu; i++) {
            Double level = i == 5 ? null : i == 6 ? Double.valueOf(Double.NaN)
                    : r.nextBoolean() ? Double.valueOf(0.1 + 0.05 * (r.nextInt(21) - 2)) : Double.valueOf(r.nextDouble());
            double encoder = List.of(2, 5, 15).get(r.nextInt(3)) * 0.001; // no shared encoder at 0.005
            POINTS.add(new Pt(sweep, rate, mode, CurvePoint.UNIVERSAL, (2 * i) * 0.001, encoder, 0.03 + 0.05 * r.nextDouble(), level));
        }
        for (int k : List.of(2, 15)) {
            POINTS.add(new Pt(sweep, rate, mode, CurvePoint.SHARED_ENCODER, k * 0.001, k * 0.001, 0.03 + 0.04 * r.nextDouble(), 0.5));
        }
    }

    @Test
    void theSameColumnsAndRowsAsBefore() {
        assertEquals(SPARK.session().table("old_penalties").schema().toString(), SPARK.session().table("penalties").schema().toString());
        long universal = POINTS.stream().filter(p -> p.kind().equals(CurvePoint.UNIVERSAL)).count();
        assertTrue(universal >= 9 * 30, "30+ universal points per curve");
        assertEquals(universal, before.size());
        assertEquals(universal, after.size());
        String[] columns = SPARK.session().table("penalties").columns();
        int ambiguous = 0, compared = 0;
        for (int i = 0; i < after.size(); i++) {
            Row o = before.get(i), n = after.get(i);
            Candidates c = candidates(n);
            for (String column : columns) {
                boolean atLevel = column.equals("e2e_mse_at_level") || column.equals("penalty_at_level");
                if (atLevel && c.values.size() > 1) continue; // the old query's pick among ties was arbitrary
                assertSame(o, n, column);
            }
            if (c.values.size() > 1) {
                ambiguous++;
                double old = CurvePoint.num(o, "e2e_mse_at_level");
                assertTrue(c.values.stream().anyMatch(v -> Math.abs(v - old) <= 1e-12), "the old pick is one of the tied points: " + o);
            } else if (!Double.isNaN(CurvePoint.num(n, "e2e_mse_at_level"))) {
                compared++;
            }
        }
        assertTrue(ambiguous >= 10 && compared >= 100, ambiguous + " rows read tied points of different MSE, " + compared
                + " rows compared inside the curve's range");
    }

    @Test
    void tiedLevelsReadTheirLowestMse() {
        int inRange = 0, outside = 0, onAPoint = 0;
        for (Row n : after) {
            Double expected = candidates(n).documented;
            if (onAPoint(n)) onAPoint++;
            double got = CurvePoint.num(n, "e2e_mse_at_level");
            if (expected == null) {
                assertTrue(n.isNullAt(n.fieldIndex("e2e_mse_at_level")), "null outside the curve's range: " + n);
                outside++;
            } else {
                assertEquals(expected, got, 1e-12, n.toString());
                assertEquals(CurvePoint.num(n, "mse") - expected, CurvePoint.num(n, "penalty_at_level"), 1e-12, n.toString());
                inRange++;
            }
        }
        assertTrue(inRange >= 100 && outside >= 30 && onAPoint >= 30, inRange + " in range, " + outside + " outside, " + onAPoint
                + " exactly at an end-to-end level");
    }

    @Test
    void thePlanJoinsOnEqualFullKeysOnly() {
        SparkSession spark = SPARK.session();
        SparkPlan plan = spark.table("penalties").queryExecution().executedPlan();
        String text = plan.toString();
        assertFalse(text.contains("BroadcastNestedLoopJoin") || text.contains("CartesianProduct"), text);
        List<BaseJoinExec> joins = joins(plan);
        assertEquals(4, joins.size(), "enc, and the universal points with at_level, e2e and enc: " + text);
        for (BaseJoinExec j : joins) {
            assertTrue(j.condition().isEmpty(), "a join condition besides its keys: " + j);
            Set<String> key = Set.of("sweep_id", "dataset", "rate_bits", "mode");
            assertEquals(5, j.leftKeys().size(), j.toString());
            for (scala.collection.Seq<Expression> side : List.of(j.leftKeys(), j.rightKeys())) {
                Set<String> names = names(side);
                assertTrue(names.containsAll(key) && names.size() == 5 && (names.contains("lambda") || names.contains("encoder_lambda")),
                        "the full key: " + names);
            }
        }
        // The check sees the old query's joins: each universal point with each end-to-end point, on a level inequality.
        assertTrue(joins(spark.table("old_penalties").queryExecution().executedPlan()).stream().anyMatch(j -> j.condition().isDefined()));
    }

    /** What the curve's MSE at a penalty row's level may be: every pick among tied points, and the documented one (null outside). */
    record Candidates(Set<Double> values, Double documented) {}

    /** The curve of {@code n}'s key read in plain Java: lo / hi the levels just below / above (or at) its level. */
    static Candidates candidates(Row n) {
        String key = key(n);
        double x = CurvePoint.num(n, "level");
        TreeMap<Double, List<Double>> curve = new TreeMap<>();
        for (Pt p : POINTS) {
            if (p.curve().equals(key) && p.kind().equals(CurvePoint.END_TO_END) && p.level() != null && !p.level().isNaN()) {
                curve.computeIfAbsent(p.level(), k -> new ArrayList<>()).add(p.mse());
            }
        }
        if (Double.isNaN(x)) return new Candidates(Set.of(), null);
        Map.Entry<Double, List<Double>> lo = curve.floorEntry(x), hi = curve.ceilingEntry(x);
        if (lo == null || hi == null) return new Candidates(Set.of(), null);
        Set<Double> values = new TreeSet<>();
        for (double l : lo.getValue()) for (double h : hi.getValue()) values.add(interpolate(x, lo.getKey(), l, hi.getKey(), h));
        double best = interpolate(x, lo.getKey(), min(lo.getValue()), hi.getKey(), min(hi.getValue()));
        return new Candidates(values, best);
    }

    /** The curve of a penalty row, as {@link Pt#curve()} names it. */
    static String key(Row n) {
        return n.<String>getAs("sweep_id") + "|" + n.<Double>getAs("rate_bits") + "|" + n.<String>getAs("mode");
    }

    /** Whether a penalty row's level is exactly that of an end-to-end point of its curve. */
    static boolean onAPoint(Row n) {
        String key = key(n);
        double x = CurvePoint.num(n, "level");
        return POINTS.stream().anyMatch(p -> p.curve().equals(key) && p.kind().equals(CurvePoint.END_TO_END) && p.level() != null
                && p.level() == x);
    }

    /** As the SQL computes it, operation for operation. */
    static double interpolate(double x, double loLevel, double loMse, double hiLevel, double hiMse) {
        return hiLevel == loLevel ? loMse : loMse + (x - loLevel) / (hiLevel - loLevel) * (hiMse - loMse);
    }

    static double min(List<Double> xs) {
        return xs.stream().mapToDouble(Double::doubleValue).min().orElseThrow();
    }

    /** Equal values: strings exactly; doubles within 1e-12, null with null and NaN with NaN. */
    static void assertSame(Row o, Row n, String column) {
        int i = o.fieldIndex(column), j = n.fieldIndex(column);
        String where = column + " of " + n;
        assertEquals(o.isNullAt(i), n.isNullAt(j), "null in one only: " + where + " (before: " + o + ")");
        if (o.isNullAt(i)) return;
        Object a = o.get(i), b = n.get(j);
        if (a instanceof Double x && b instanceof Double y) {
            assertEquals(x.isNaN(), y.isNaN(), where);
            if (!x.isNaN()) assertEquals(x, y, 1e-12, where);
        } else {
            assertEquals(a, b, where);
        }
    }

    /** Every join in a physical plan, inside adaptive plans too. */
    static List<BaseJoinExec> joins(SparkPlan plan) {
        List<BaseJoinExec> out = new ArrayList<>();
        if (plan instanceof BaseJoinExec j) out.add(j);
        if (plan instanceof AdaptiveSparkPlanExec a) out.addAll(joins(a.executedPlan()));
        for (SparkPlan child : JavaConverters.seqAsJavaList(plan.children())) out.addAll(joins(child));
        return out;
    }

    /** The columns a join's keys read. */
    static Set<String> names(scala.collection.Seq<Expression> keys) {
        return JavaConverters.seqAsJavaList(keys).stream()
                .flatMap(k -> JavaConverters.seqAsJavaList(k.references().toSeq()).stream())
                .map(Attribute::name).collect(Collectors.toSet());
    }
}
