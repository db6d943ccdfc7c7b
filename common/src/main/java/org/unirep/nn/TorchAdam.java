package org.unirep.nn;

import java.util.HashMap;
import java.util.Map;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.api.shape.Shape;
import org.nd4j.linalg.indexing.NDArrayIndex;
import org.nd4j.linalg.learning.GradientUpdater;
import org.nd4j.linalg.learning.config.Adam;
import org.nd4j.linalg.ops.transforms.Transforms;

/**
 * Adam as PyTorch's {@code torch.optim.Adam} computes it (the reference's optimiser), for DL4J layers
 * and SameDiff graphs alike. DL4J's Adam adds epsilon to sqrt(v) before the bias correction,
 * PyTorch after it:
 * <pre>
 *   DL4J:     lr sqrt(1 - b2^t) / (1 - b1^t) * m / (sqrt(v) + eps)
 *   PyTorch:  lr / (1 - b1^t) * m / (sqrt(v) / sqrt(1 - b2^t) + eps)
 * </pre>
 * so DL4J's takes a smaller step where |g| is within a few eps (3.2 eps at t = 1 with b2 = 0.9): the
 * encoder's BatchNorm shifts get such gradients (a per-pixel MSE, through the quantiser), and their
 * first steps differed by up to 25% (TwinGoldenTest). Same state layout and names as DL4J's Adam
 * (M, V), so saved models, averaging and checkpoints treat it alike.
 */
public class TorchAdam extends Adam {
    public TorchAdam() {
        super();
    }

    public TorchAdam(double learningRate, double beta1, double beta2, double epsilon) {
        super(learningRate, beta1, beta2, epsilon);
    }

    @Override
    public GradientUpdater instantiate(INDArray viewArray, boolean initializeViewArray) {
        Updater u = new Updater(this);
        u.setStateViewArray(viewArray, new long[] {viewArray.length() / 2}, viewArray.ordering(), initializeViewArray);
        return u;
    }

    @Override
    public GradientUpdater instantiate(Map<String, INDArray> updaterState, boolean initializeStateArrays) {
        Updater u = new Updater(this);
        u.setState(updaterState, initializeStateArrays);
        return u;
    }

    @Override
    public TorchAdam clone() {
        TorchAdam c = new TorchAdam(getLearningRate(), getBeta1(), getBeta2(), getEpsilon());
        c.setLearningRateSchedule(getLearningRateSchedule());
        return c;
    }

    /** The step, on DL4J's (first half M, second half V) state view. */
    static final class Updater implements GradientUpdater<Adam> {
        private final Adam config;
        private INDArray m, v;

        Updater(Adam config) {
            this.config = config;
        }

        @Override
        public Adam getConfig() {
            return config;
        }

        @Override
        public void setState(Map<String, INDArray> state, boolean initialize) {
            if (!state.containsKey("M") || !state.containsKey("V") || state.size() != 2) {
                throw new IllegalStateException("Adam's state has keys [M, V], not " + state.keySet());
            }
            m = state.get("M");
            v = state.get("V");
            if (initialize) {
                m.assign(0);
                v.assign(0);
            }
        }

        @Override
        public Map<String, INDArray> getState() {
            Map<String, INDArray> r = new HashMap<>();
            r.put("M", m);
            r.put("V", v);
            return r;
        }

        @Override
        public void setStateViewArray(INDArray viewArray, long[] gradientShape, char gradientOrder, boolean initialize) {
            if (initialize) viewArray.assign(0);
            INDArray flat = viewArray.reshape(viewArray.length());
            long half = flat.length() / 2;
            m = Shape.newShapeNoCopy(flat.get(NDArrayIndex.interval(0, half)), gradientShape, gradientOrder == 'f');
            v = Shape.newShapeNoCopy(flat.get(NDArrayIndex.interval(half, flat.length())), gradientShape, gradientOrder == 'f');
            if (m == null || v == null) throw new IllegalStateException("cannot view Adam's state as the gradient's shape");
        }

        /** Turns {@code gradient} into the update DL4J subtracts, in torch.optim.Adam's order of operations. */
        @Override
        public void applyUpdater(INDArray gradient, int iteration, int epoch) {
            double b1 = config.getBeta1(), b2 = config.getBeta2(), lr = config.getLearningRate(iteration, epoch);
            int t = iteration + 1;
            INDArray g = gradient.reshape(m.shape());
            m.muli(b1).addi(g.mul(1 - b1));
            v.muli(b2).addi(g.mul(g).muli(1 - b2));
            double bc1 = 1 - Math.pow(b1, t), bc2 = 1 - Math.pow(b2, t);
            INDArray denom = Transforms.sqrt(v, true).divi(Math.sqrt(bc2)).addi(config.getEpsilon());
            g.assign(m.div(denom).muli(lr / bc1));
        }
    }
}
