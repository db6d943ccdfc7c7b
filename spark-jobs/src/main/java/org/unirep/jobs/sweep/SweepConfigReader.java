package org.unirep.jobs.sweep;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigException;
import com.typesafe.config.ConfigRenderOptions;
import com.typesafe.config.ConfigValue;
import com.typesafe.config.ConfigValueType;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;
import org.unirep.compression.Range;

/** Typed reads of the {@code sweep} block that name the key, the value and what was expected on error. */
record SweepConfigReader(Config c, String source) {
    SweepConfigException error(String key, String value, String expected) {
        return new SweepConfigException(source + ": sweep." + key + " = " + value + ", expected " + expected);
    }

    void fail(String key, String value, String expected) {
        throw error(key, value, expected);
    }

    /** A value as the user wrote it (HOCON, one line). */
    static String shown(ConfigValue v) {
        return v.render(ConfigRenderOptions.concise());
    }

    private String shownAt(String key) {
        return c.getIsNull(key) ? "null" : shown(c.getValue(key));
    }

    boolean isNull(String key) {
        return c.getIsNull(key);
    }

    String string(String key) {
        if (c.getIsNull(key)) throw error(key, "null", "a value (this key is required)");
        if (c.getValue(key).valueType() != ConfigValueType.STRING) throw error(key, shown(c.getValue(key)), "a string");
        String s = c.getString(key);
        if (s.isBlank()) throw error(key, "\"\"", "a non-empty string");
        return s;
    }

    List<? extends ConfigValue> list(String key) {
        if (c.getIsNull(key) || c.getValue(key).valueType() != ConfigValueType.LIST) throw error(key, shownAt(key), "a list");
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

    /** A value read by {@code get}, or an error naming the key, the value and {@code expected}. */
    private <T> T typed(String key, Function<String, T> get, String expected) {
        try {
            return get.apply(key);
        } catch (ConfigException e) {
            throw error(key, shownAt(key), expected);
        }
    }

    double number(String key) {
        return typed(key, c::getDouble, "a number");
    }

    Duration duration(String key, Duration min) {
        Duration d = typed(key, c::getDuration, "a duration, e.g. 2m or 90s");
        if (d.compareTo(min) < 0) throw error(key, shown(c.getValue(key)), "a duration of at least " + min.toSeconds() + "s");
        return d;
    }

    boolean bool(String key) {
        return typed(key, c::getBoolean, "true or false");
    }

    int atLeast(String key, int min) {
        double d = number(key);
        if (d != Math.rint(d) || d < min || d > Integer.MAX_VALUE) throw error(key, shown(c.getValue(key)), "an integer >= " + min);
        return (int) d;
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
