package org.unirep.training;

import java.io.IOException;
import java.util.Map;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.unirep.compression.CriticGraph;
import org.unirep.io.HadoopFiles;
import org.unirep.io.ModelStore;

/**
 * A trained model in a folder at any Hadoop path: the network with its Adam state
 * ({@code model.zip}), the critic with its Adam state ({@code critic.sd}) and {@code metadata.json},
 * written last so that its presence marks a complete checkpoint.
 */
public final class Checkpoint {
    public static final String CRITIC_FILE = "critic.sd";

    private Checkpoint() {}

    public record Loaded(ComputationGraph net, CriticGraph critic) {}

    public static void save(HadoopFiles files, String dir, ComputationGraph net, CriticGraph critic, Map<String, ?> metadata)
            throws IOException {
        critic.save(files, HadoopFiles.join(dir, CRITIC_FILE));
        new ModelStore(files).save(dir, net, metadata);
    }

    public static boolean isComplete(HadoopFiles files, String dir) throws IOException {
        return new ModelStore(files).isComplete(dir) && files.exists(HadoopFiles.join(dir, CRITIC_FILE));
    }

    public static Loaded load(HadoopFiles files, String dir) throws IOException {
        ComputationGraph net = new ModelStore(files).loadGraph(dir);
        return new Loaded(net, CriticGraph.load(files, HadoopFiles.join(dir, CRITIC_FILE)));
    }
}
