package org.unirep.jobs.results;

import org.apache.spark.sql.types.DataType;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import java.util.List;
import java.util.function.Function;
import org.apache.parquet.example.data.Group;
import org.apache.parquet.example.data.simple.SimpleGroupFactory;
import org.apache.parquet.schema.MessageType;
import org.apache.parquet.schema.MessageTypeParser;

/**
 * The columns of one results table, each with its Parquet type and how a row value fills it: the
 * one definition from which the table's schema and its rows are built (docs/results-tables.md is checked
 * against it by a test).
 */
final class Columns<T> {
    enum Type {
        STRING("binary", " (STRING)", DataTypes.StringType), INT("int32", "", DataTypes.IntegerType),
        LONG("int64", "", DataTypes.LongType), DOUBLE("double", "", DataTypes.DoubleType),
        TIMESTAMP("int64", " (TIMESTAMP(MILLIS,true))", DataTypes.TimestampType);

        final String primitive, annotation;
        final DataType spark;

        Type(String primitive, String annotation, DataType spark) {
            this.primitive = primitive;
            this.annotation = annotation;
            this.spark = spark;
        }
    }

    /** One column; an optional column is left empty when its value is null or NaN (not measured). */
    record Column<T>(String name, Type type, boolean optional, Function<T, Object> value) {}

    private final List<Column<T>> columns;
    final MessageType schema;
    /** As Spark reads the table: these columns, then the partition column sweep_id. Files written before a column existed read it as null. */
    final StructType sparkSchema;

    @SafeVarargs
    Columns(String table, Column<T>... columns) {
        this.columns = List.of(columns);
        StringBuilder s = new StringBuilder("message ").append(table).append(" {\n");
        for (Column<T> c : columns) {
            s.append("  ").append(c.optional() ? "optional " : "required ").append(c.type().primitive).append(' ').append(c.name())
                    .append(c.type().annotation).append(";\n");
        }
        this.schema = MessageTypeParser.parseMessageType(s.append('}').toString());
        StructType st = new StructType();
        for (Column<T> c : columns) st = st.add(c.name(), c.type().spark, c.optional());
        this.sparkSchema = st.add(ResultsLayout.PARTITION, DataTypes.StringType, false);
    }

    static <T> Column<T> required(String name, Type type, Function<T, Object> value) {
        return new Column<>(name, type, false, value);
    }

    static <T> Column<T> optional(String name, Type type, Function<T, Object> value) {
        return new Column<>(name, type, true, value);
    }

    /** A row as Spark writes it: these columns, then the sweep id (the partition column). */
    org.apache.spark.sql.Row sparkRow(T from, String sweepId) {
        Object[] values = new Object[columns.size() + 1];
        for (int i = 0; i < columns.size(); i++) {
            Column<T> c = columns.get(i);
            Object v = c.value().apply(from);
            if (v == null || v instanceof Double d && d.isNaN()) {
                if (!c.optional()) throw new IllegalArgumentException("results column " + c.name() + " is required but has no value");
                v = null;
            } else if (c.type() == Type.TIMESTAMP) {
                v = new java.sql.Timestamp((Long) v);
            }
            values[i] = v;
        }
        values[columns.size()] = sweepId;
        return org.apache.spark.sql.RowFactory.create(values);
    }

    /** A row in {@link #sparkSchema}'s order (these columns, then the partition column, which is not in the file) as a Parquet record. */
    Group row(org.apache.spark.sql.Row from) {
        Object[] values = new Object[columns.size()];
        for (int i = 0; i < values.length; i++) {
            Object v = from.isNullAt(i) ? null : from.get(i);
            values[i] = v instanceof java.sql.Timestamp t ? (Object) t.getTime() : v;
        }
        return group(values);
    }

    Group row(T from) {
        Object[] values = new Object[columns.size()];
        for (int i = 0; i < values.length; i++) values[i] = columns.get(i).value().apply(from);
        return group(values);
    }

    /** Column values (timestamps as epoch milliseconds) as a Parquet record; null or NaN leaves an optional column empty. */
    private Group group(Object[] values) {
        Group g = new SimpleGroupFactory(schema).newGroup();
        for (int i = 0; i < values.length; i++) {
            Column<T> c = columns.get(i);
            Object v = values[i];
            if (v == null || v instanceof Double d && d.isNaN()) {
                if (!c.optional()) throw new IllegalArgumentException("results column " + c.name() + " is required but has no value");
                continue;
            }
            switch (c.type()) {
                case STRING -> g.append(c.name(), (String) v);
                case INT -> g.append(c.name(), (Integer) v);
                case LONG, TIMESTAMP -> g.append(c.name(), (Long) v);
                case DOUBLE -> g.append(c.name(), (Double) v);
            }
        }
        return g;
    }
}
