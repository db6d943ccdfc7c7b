package org.unirep.nn;

import org.deeplearning4j.nn.workspace.ArrayType;
import org.deeplearning4j.nn.workspace.LayerWorkspaceMgr;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.api.ops.DynamicCustomOp;
import org.nd4j.linalg.factory.Nd4j;

/**
 * A transposed convolution with few output channels as one GEMM and a col2im, for the layers where
 * oneDNN's deconvolution is slow: with 1 output channel it runs at 4-9 GFLOP/s (the decoder's
 * 128->1 layer: 35-44 ms on one thread against 9 this way; the critic's first layer's input gradient,
 * 64->1, likewise).
 * <pre>
 *   columns[n, oC*kH*kW, h*w] = W^T x   (one GEMM over all images: W [iC, oC, kH, kW], x [n, iC, h, w])
 *   z[n, oC, H, W]            = col2im(columns, stride s, padding p)   (H, W: z's own size)
 * </pre>
 */
final class TransposedConvolution {
    /** Below this many output channels the layers here take the GEMM path instead of oneDNN's deconvolution. */
    static final int GEMM_BELOW_CHANNELS = 8;

    private TransposedConvolution() {}

    static void byGemm(INDArray x, INDArray w, int[] k, int[] s, int[] p, INDArray z, LayerWorkspaceMgr workspaceMgr) {
        long n = x.size(0), inC = x.size(1), h = x.size(2), wd = x.size(3), outC = w.size(1);
        long taps = outC * k[0] * k[1], hw = h * wd;
        INDArray wt = w.permute(1, 2, 3, 0).dup('c').reshape('c', taps, inC);
        INDArray xt = workspaceMgr.createUninitialized(ArrayType.FF_WORKING_MEM, x.dataType(), new long[] {inC, n, hw}, 'c');
        xt.assign(x.reshape('c', n, inC, hw).permute(1, 0, 2));
        INDArray colsT = workspaceMgr.createUninitialized(ArrayType.FF_WORKING_MEM, x.dataType(), new long[] {taps, n, hw}, 'c');
        Nd4j.gemm(wt, xt.reshape('c', inC, n * hw), colsT.reshape('c', taps, n * hw), false, false, 1.0, 0.0);
        INDArray cols = workspaceMgr.createUninitialized(ArrayType.FF_WORKING_MEM, x.dataType(), new long[] {n, outC, k[0], k[1], h, wd}, 'c');
        cols.reshape('c', n, taps, hw).assign(colsT.permute(1, 0, 2));
        Nd4j.exec(DynamicCustomOp.builder("col2im").addInputs(cols).addOutputs(z)
                .addIntegerArguments(s[0], s[1], p[0], p[1], (int) z.size(2), (int) z.size(3), 1, 1, 0).build());
    }
}
