package org.unirep.cli;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import org.unirep.jobs.sweep.SweepKeys;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

@Command(name = "docs", mixinStandardHelpOptions = true,
        description = {"Writes the reference pages generated from the code: cli.md (every command's --help) and",
                "sweep-config.md (every sweep config key with its type, default, allowed values and meaning)."})
public class DocsCommand implements Callable<Integer> {
    @Option(names = "--out", defaultValue = "docs", paramLabel = "DIR", description = "Where to write them (default: ${DEFAULT-VALUE}).")
    Path out;

    @Option(names = "--check", description = "Write nothing; exit 1 naming each page that differs from the code.")
    boolean check;

    /** Usage text is wrapped at a fixed width, so the pages do not depend on the terminal. */
    static final int WIDTH = 110;

    /** Each generated page by file name. */
    public static Map<String, String> pages() {
        Map<String, String> pages = new LinkedHashMap<>();
        pages.put("cli.md", cliPage());
        pages.put("sweep-config.md", SweepKeys.markdown());
        return pages;
    }

    static String cliPage() {
        CommandLine root = Main.commandLine();
        StringBuilder s = new StringBuilder("# Command line\n\n");
        s.append("<!-- Generated from the picocli commands by `bin/unirep docs --out docs`: edit the code, not this file. -->\n\n");
        s.append("`bin/unirep COMMAND --help` prints the same. The shaded jar runs them through spark-submit (docs/cluster.md).\n\n");
        s.append(usage(root, "unirep"));
        for (Map.Entry<String, CommandLine> e : root.getSubcommands().entrySet()) {
            s.append("\n## ").append(e.getKey()).append("\n\n").append(usage(e.getValue(), "unirep " + e.getKey()));
        }
        return s.toString();
    }

    private static String usage(CommandLine cl, String name) {
        cl.getCommandSpec().usageMessage().width(WIDTH);
        return "```\n" + cl.getUsageMessage(CommandLine.Help.Ansi.OFF).stripTrailing() + "\n```\n";
    }

    @Override
    public Integer call() throws IOException {
        List<String> stale = new ArrayList<>();
        for (Map.Entry<String, String> e : pages().entrySet()) {
            Path p = out.resolve(e.getKey());
            String now = Files.isRegularFile(p) ? Files.readString(p, StandardCharsets.UTF_8) : null;
            if (e.getValue().equals(now)) continue;
            stale.add(p.toString());
            if (!check) {
                Files.createDirectories(out);
                Files.writeString(p, e.getValue(), StandardCharsets.UTF_8);
            }
        }
        if (check) {
            System.out.println(stale.isEmpty() ? "docs: up to date" : "docs: out of date (run `bin/unirep docs --out " + out + "`): "
                    + String.join(", ", stale));
            return stale.isEmpty() ? 0 : 1;
        }
        System.out.println(stale.isEmpty() ? "docs: up to date" : "docs: wrote " + String.join(", ", stale));
        return 0;
    }
}
