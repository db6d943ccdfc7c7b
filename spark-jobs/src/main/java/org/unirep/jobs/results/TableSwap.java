package org.unirep.jobs.results;

import java.io.IOException;
import org.unirep.io.CrashPoint;
import org.unirep.io.HadoopFiles;

/**
 * Replaces a results table folder with a freshly written one, so that a kill at any moment leaves
 * either the old table or the new one: the new table is written under {@code _rewrite/TABLE}, marked
 * ready, then the old folder is moved aside and the new one moved in. {@link #finish} completes a
 * swap a killed process left marked ready, and drops one it left unmarked.
 */
final class TableSwap {
    private final HadoopFiles files;
    private final ResultsLayout layout;

    TableSwap(HadoopFiles files, ResultsLayout layout) {
        this.files = files;
        this.layout = layout;
    }

    /** Where the new tables are written: a layout whose tables are the staged ones. */
    ResultsLayout staged() { return new ResultsLayout(HadoopFiles.join(layout.root(), "_rewrite")); }

    String staging(String table) { return staged().table(table); }

    private String ready(String table) { return HadoopFiles.join(layout.root(), "_rewrite/_READY-" + table); }

    /** Clears what an unfinished swap left unmarked; completes a marked one. */
    void finish(String table) throws IOException {
        if (files.exists(ready(table))) {
            if (files.exists(staging(table))) swap(table, files.readString(ready(table)).strip());
            else files.delete(ready(table)); // killed after the new table was moved in
        } else if (files.exists(staging(table))) {
            files.delete(staging(table));
        }
    }

    /** The new tables are complete: mark them all, then move each old one to {@code aside} and the new one in. */
    void commit(java.util.List<String> tables, String aside) throws IOException {
        for (String table : tables) files.writeString(ready(table), aside + "\n");
        CrashPoint.reach(CrashPoint.RECOVERY_STEP);
        for (String table : tables) swap(table, aside);
    }

    private void swap(String table, String aside) throws IOException {
        String live = layout.table(table);
        if (files.exists(live)) {
            files.mkdirs(aside);
            if (!files.rename(live, HadoopFiles.join(aside, table))) throw new IOException("cannot move " + live + " to " + aside);
        }
        CrashPoint.reach(CrashPoint.RECOVERY_STEP);
        if (!files.rename(staging(table), live)) throw new IOException("cannot move " + staging(table) + " to " + live);
        files.delete(ready(table));
    }
}
