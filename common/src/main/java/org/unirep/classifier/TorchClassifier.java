package org.unirep.classifier;

import com.typesafe.config.Config;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Base64;
import java.util.Map;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * A classifier trained by PyTorch (bench/reference_twin.py's classifier.json: the reference's {@code Net}
 * with each parameter as base64 little-endian float32 in PyTorch's layout), loaded into {@link ClassifierNet},
 * so that both tools of a fidelity comparison judge reconstructions with the same frozen classifier.
 */
public final class TorchClassifier {
    private TorchClassifier() {}

    /** PyTorch module name to the DL4J layer index (the subsampling layers have no parameters). */
    private static final Map<String, Integer> LAYERS = Map.of("conv1", 0, "conv2", 2, "fc1", 4, "fc2", 5);

    /** The network of a classifier.json, parsed from {@code json}; {@code origin} names it in errors. */
    public static MultiLayerNetwork load(Config json, String origin) {
        if (!json.hasPath("params")) throw new IllegalArgumentException(origin + ": no 'params' object (expected bench/reference_twin.py's classifier.json)");
        MultiLayerNetwork net = ClassifierNet.create(ClassifierConfig.reference());
        Config params = json.getConfig("params");
        for (String module : LAYERS.keySet()) {
            for (String p : new String[] {"weight", "bias"}) {
                String key = "\"" + module + "." + p + "\"";
                if (!params.hasPath(key + ".values")) throw new IllegalArgumentException(origin + ": params." + module + "." + p + " is missing");
                set(net, module + "." + p, floats(params.getString(key + ".values")), origin);
            }
        }
        return net;
    }

    /** Sets one parameter from PyTorch's layout (a Linear weight is [out, in], DL4J's dense W is [in, out]). */
    public static void set(MultiLayerNetwork net, String torchName, float[] v, String origin) {
        INDArray a = param(net, torchName);
        if (a.length() != v.length) {
            throw new IllegalArgumentException(origin + ": " + torchName + " has " + v.length + " values, the classifier expects " + a.length());
        }
        INDArray t = Nd4j.createFromArray(v);
        a.assign(isDenseWeight(a, torchName) ? t.reshape('c', a.size(1), a.size(0)).transpose() : t.reshape('c', a.shape()));
    }

    /** One parameter in PyTorch's layout, as a fresh c-order array. */
    public static INDArray get(MultiLayerNetwork net, String torchName) {
        INDArray a = param(net, torchName);
        return (isDenseWeight(a, torchName) ? a.transpose() : a).dup('c');
    }

    public static float[] floats(String base64) {
        ByteBuffer b = ByteBuffer.wrap(Base64.getDecoder().decode(base64)).order(ByteOrder.LITTLE_ENDIAN);
        float[] f = new float[b.remaining() / 4];
        b.asFloatBuffer().get(f);
        return f;
    }

    private static INDArray param(MultiLayerNetwork net, String torchName) {
        String[] p = torchName.split("\\.");
        Integer layer = p.length == 2 ? LAYERS.get(p[0]) : null;
        if (layer == null || !(p[1].equals("weight") || p[1].equals("bias"))) {
            throw new IllegalArgumentException("unknown classifier parameter '" + torchName + "' (expected conv1, conv2, fc1 or fc2 .weight or .bias)");
        }
        return net.getLayer(layer).paramTable().get(p[1].equals("weight") ? "W" : "b");
    }

    private static boolean isDenseWeight(INDArray a, String torchName) {
        return a.rank() == 2 && torchName.endsWith(".weight");
    }
}
