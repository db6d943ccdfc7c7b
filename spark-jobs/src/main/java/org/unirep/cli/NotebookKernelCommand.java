package org.unirep.cli;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import org.unirep.notebook.JavaKernel;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

@Command(name = "notebook-kernel", mixinStandardHelpOptions = true,
        description = {"The Jupyter kernel of notebooks/ (Java cells in JShell, with this classpath). Jupyter starts it;",
                "notebooks/install-kernel registers it and notebooks/execute runs the notebooks headless."})
public class NotebookKernelCommand implements Callable<Integer> {
    @Parameters(paramLabel = "CONNECTION_FILE", description = "The connection file Jupyter writes ({connection_file} in kernel.json).")
    Path connectionFile;

    @Override
    public Integer call() throws Exception {
        if (!Files.isReadable(connectionFile)) {
            throw new IllegalArgumentException(connectionFile + ": no such connection file (Jupyter passes it as {connection_file})");
        }
        JavaKernel.serve(connectionFile);
        return 0;
    }
}
