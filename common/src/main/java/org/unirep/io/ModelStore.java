package org.unirep.io;

import com.typesafe.config.Config;
import java.io.IOException;
import java.io.InputStream;
import java.util.Map;
import org.deeplearning4j.nn.api.Model;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.deeplearning4j.util.ModelSerializer;
import org.unirep.nn.OneDnn;

/**
 * A model store at any Hadoop path: each model is a folder holding {@code model.zip} (DL4J's format,
 * with updater state) and {@code metadata.json} (config, seed, dataset checksum, metrics). The
 * sidecar is written last, so a folder with metadata is a complete model.
 */
public final class ModelStore {
    public static final String MODEL_FILE = "model.zip";
    public static final String METADATA_FILE = "metadata.json";

    private final HadoopFiles files;

    public ModelStore(HadoopFiles files) {
        this.files = files;
    }

    public void save(String dir, Model model, Map<String, ?> metadata) throws IOException {
        files.writeAtomically(HadoopFiles.join(dir, MODEL_FILE), out -> ModelSerializer.writeModel(model, out, true));
        files.writeString(HadoopFiles.join(dir, METADATA_FILE), Json.render(metadata));
    }

    public boolean isComplete(String dir) throws IOException {
        return files.exists(HadoopFiles.join(dir, METADATA_FILE)) && files.exists(HadoopFiles.join(dir, MODEL_FILE));
    }

    public Config metadata(String dir) throws IOException {
        String path = HadoopFiles.join(dir, METADATA_FILE);
        if (!files.exists(path)) {
            throw new IOException(path + " not found: " + dir + " holds no complete model");
        }
        return Json.parse(files.readString(path), path);
    }

    public MultiLayerNetwork loadMultiLayer(String dir) throws IOException {
        OneDnn.enable();
        try (InputStream in = openModel(dir)) {
            return ModelSerializer.restoreMultiLayerNetwork(in, true);
        }
    }

    public ComputationGraph loadGraph(String dir) throws IOException {
        return loadGraph(dir, true);
    }

    /** {@code withUpdater}: also the optimiser's state (to train on); without it, a model to run only. */
    public ComputationGraph loadGraph(String dir, boolean withUpdater) throws IOException {
        OneDnn.enable();
        try (InputStream in = openModel(dir)) {
            return ModelSerializer.restoreComputationGraph(in, withUpdater);
        }
    }

    private InputStream openModel(String dir) throws IOException {
        String path = HadoopFiles.join(dir, MODEL_FILE);
        if (!files.exists(path)) throw new IOException(path + " not found: no model saved at " + dir);
        return files.open(path);
    }

}
