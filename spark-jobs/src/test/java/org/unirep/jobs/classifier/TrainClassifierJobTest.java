package org.unirep.jobs.classifier;

import static org.junit.jupiter.api.Assertions.*;

import com.typesafe.config.Config;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.unirep.classifier.ClassifierConfig;
import org.unirep.classifier.ClassifierEvaluator;
import org.unirep.data.DatasetName;
import org.unirep.data.LabeledImages;
import org.unirep.data.Minibatches;
import org.unirep.io.HadoopFiles;
import org.unirep.io.ModelStore;
import org.unirep.jobs.ingest.IngestJob;
import org.unirep.jobs.ingest.IngestOptions;
import org.unirep.spark.LocalSpark;
import org.unirep.testing.TestData;

class TrainClassifierJobTest {
    @RegisterExtension
    static final LocalSpark SPARK = new LocalSpark();


    @Test
    void parameterAveragingWithTwoWorkersTrainsAndSavesWithMetadata(@TempDir Path dir) throws IOException {
        String ingest = dir.resolve("ingest").toString(), model = dir.resolve("classifier").toString();
        IngestJob.entryPoint(SPARK.session(), new IngestOptions(DatasetName.MNIST, TestData.mnistDir().toString(), ingest,
                4, 42L, List.of(50), 4000, 1000));
        TrainClassifierOptions o = new TrainClassifierOptions(ingest, model, new ClassifierConfig(3, 50, 0.05, 0.9, 3L), 2, 4);
        TrainClassifierJob.Result r = TrainClassifierJob.entryPoint(SPARK.session(), o);

        assertEquals(3, r.history().size());
        assertTrue(r.test().accuracy() > 0.85, "accuracy after averaging " + r.test().accuracy());
        assertTrue(r.history().get(2).crossEntropy() < r.history().get(0).crossEntropy(), "CE falls over epochs");

        ModelStore store = new ModelStore(HadoopFiles.local());
        Config meta = store.metadata(model);
        assertEquals("classifier", meta.getString("kind"));
        assertEquals(r.test().accuracy(), meta.getDouble("test_accuracy"), 1e-12);
        assertEquals(2, meta.getInt("config.workers"));
        assertEquals(64, meta.getString("dataset_checksum").length());

        // The stored model is the trained one.
        MultiLayerNetwork loaded = store.loadMultiLayer(model);
        LabeledImages test = TestData.test().head(1000);
        INDArray x = Minibatches.toDataSet(test, 0, 100).getFeatures();
        assertEquals(r.net().output(x, false), loaded.output(x, false));
        assertEquals(r.test().accuracy(), ClassifierEvaluator.evaluate(loaded, test).accuracy(), 1e-12);
    }
}
