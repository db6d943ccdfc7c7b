package org.unirep.jobs.results;

import static org.junit.jupiter.api.Assertions.*;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.parquet.schema.LogicalTypeAnnotation;
import org.apache.parquet.schema.PrimitiveType;
import org.apache.parquet.schema.Type;
import org.junit.jupiter.api.Test;

/** docs/results-tables.md against the schemas the writer uses: the code is the one definition. */
class ResultsSchemaDocTest {
    static final String DOC = "docs/results-tables.md";

    static String doc() throws IOException {
        for (Path p = Path.of("").toAbsolutePath(); p != null; p = p.getParent()) {
            if (Files.isRegularFile(p.resolve(DOC)) && Files.isDirectory(p.resolve("spark-jobs"))) {
                return Files.readString(p.resolve(DOC));
            }
        }
        throw new IllegalStateException(DOC + " not found above " + Path.of("").toAbsolutePath());
    }

    /** The page's name for a column's type. */
    static String docType(Type t) {
        PrimitiveType p = t.asPrimitiveType();
        LogicalTypeAnnotation l = p.getLogicalTypeAnnotation();
        if (l instanceof LogicalTypeAnnotation.TimestampLogicalTypeAnnotation) return "timestamp";
        return switch (p.getPrimitiveTypeName()) {
            case BINARY -> "string";
            case INT32 -> "int";
            case INT64 -> "long";
            case DOUBLE -> "double";
            default -> p.getPrimitiveTypeName().toString();
        };
    }

    @Test
    void theRunsTableOfTheDocsListsEveryColumnWithItsType() throws IOException {
        String doc = doc();
        String section = doc.substring(doc.indexOf("`runs`: one row per trained model"), doc.indexOf("`metrics`: `run_id`"));
        Map<String, String> documented = new LinkedHashMap<>();
        Matcher row = Pattern.compile("(?m)^\\| ((?:`[a-z_0-9]+`(?:, )?)+) \\| ([^|]*) \\|").matcher(section);
        while (row.find()) {
            List<String> names = new ArrayList<>();
            Matcher n = Pattern.compile("`([a-z_0-9]+)`").matcher(row.group(1));
            while (n.find()) names.add(n.group(1));
            String[] types = row.group(2).split(",");
            for (int i = 0; i < names.size(); i++) {
                String type = types.length == names.size() ? types[i] : types[0];
                documented.put(names.get(i), type.replaceAll("\\(.*\\)", "").strip());
            }
        }
        Map<String, String> actual = new LinkedHashMap<>();
        actual.put("sweep_id", "string"); // the partition column
        for (Type t : ResultsWriter.RUNS_SCHEMA.getFields()) actual.put(t.getName(), docType(t));
        assertEquals(new TreeMap<>(actual), new TreeMap<>(documented), DOC + "'s runs table vs ResultsWriter.RUNS_SCHEMA");
    }

    @Test
    void theMetricsLineOfTheDocsNamesEveryColumn() throws IOException {
        String doc = doc();
        int from = doc.indexOf("`metrics`: `run_id`");
        String line = doc.substring(from, doc.indexOf("one row per epoch", from));
        List<String> documented = new ArrayList<>();
        Matcher n = Pattern.compile("`([a-z_0-9]+)`").matcher(line);
        while (n.find()) if (!n.group(1).equals("metrics") && !n.group(1).equals("test") && !n.group(1).equals("train")) documented.add(n.group(1));
        List<String> actual = new ArrayList<>();
        for (Type t : ResultsWriter.METRICS_SCHEMA.getFields()) actual.add(t.getName());
        actual.add(1, "sweep_id");
        assertEquals(actual, documented, DOC + "'s metrics columns vs ResultsWriter.METRICS_SCHEMA");
    }

}
