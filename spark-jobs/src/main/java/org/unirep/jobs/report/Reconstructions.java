package org.unirep.jobs.report;

import java.awt.Color;
import java.awt.Font;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import javax.imageio.ImageIO;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.unirep.compression.CompressionModel;
import org.unirep.compression.SoftToHardQuantizer;
import org.unirep.data.DatasetName;
import org.unirep.data.LabeledImages;
import org.unirep.data.Minibatches;
import org.unirep.io.HadoopFiles;
import org.unirep.io.ModelStore;
import org.unirep.jobs.results.ModelRef;
import org.unirep.training.Seeds;

/**
 * What the models of one panel make of a few test digits: the originals on the top row, then one
 * row per curve point (its lowest seed's saved model), as a PNG. A model that cannot be read gets a
 * grey row with the reason instead of failing the report. A sweep may hold thousands of models: the
 * report draws {@link #pick} of them.
 */
public final class Reconstructions {
    private static final Logger log = LoggerFactory.getLogger(Reconstructions.class);
    public static final int DIGITS = 8, SCALE = 2, LABEL = 230, GAP = 2;
    private static final int CELL = DatasetName.ROWS * SCALE + GAP;

    private Reconstructions() {}

    /**
     * At most {@code max} of {@code points} (a panel's models, sorted), in their order, spread evenly
     * over each curve (a run of one rate and kind): first every curve's lowest and highest lambda (its
     * first and last point), then the rest of the cap shared among the curves in proportion to their
     * inner points (largest remainder, earlier curve first on a tie), each curve's share evenly spaced
     * between its ends. When the cap cannot hold every curve's ends, evenly over the whole list
     * instead (cap 1: the first point). Deterministic: the same list and cap give the same models.
     */
    public static List<CurvePoint> pick(List<CurvePoint> points, int max) {
        if (max < 1) throw new IllegalArgumentException("the most reconstructions per panel must be at least 1, not " + max);
        if (points.size() <= max) return List.copyOf(points);
        List<List<Integer>> curves = curves(points);
        int[] share = new int[curves.size()];
        int ends = 0;
        for (int c = 0; c < share.length; c++) ends += share[c] = Math.min(2, curves.get(c).size());
        if (ends > max) return spaced(points.size(), max).stream().map(points::get).toList();
        shareInner(curves, share, max - ends);
        TreeSet<Integer> picked = new TreeSet<>();
        for (int c = 0; c < share.length; c++) {
            List<Integer> curve = curves.get(c);
            for (int j : spaced(curve.size(), share[c])) picked.add(curve.get(j));
        }
        List<CurvePoint> out = new ArrayList<>();
        for (int i : picked) out.add(points.get(i));
        return out;
    }

    /** The indices of each (rate, kind) in {@code points}, curves in order of first appearance. */
    private static List<List<Integer>> curves(List<CurvePoint> points) {
        Map<String, List<Integer>> curves = new LinkedHashMap<>();
        for (int i = 0; i < points.size(); i++) {
            CurvePoint p = points.get(i);
            curves.computeIfAbsent(p.rateBits() + "|" + p.kind(), k -> new ArrayList<>()).add(i);
        }
        return new ArrayList<>(curves.values());
    }

    /** Adds {@code extra} to {@code share} in proportion to each curve's points besides its ends (largest remainder). */
    private static void shareInner(List<List<Integer>> curves, int[] share, int extra) {
        long inner = 0;
        for (int c = 0; c < share.length; c++) inner += curves.get(c).size() - share[c];
        long[] remainder = new long[share.length];
        int left = extra;
        for (int c = 0; c < share.length; c++) {
            long scaled = (long) extra * (curves.get(c).size() - share[c]);
            share[c] += (int) (scaled / inner);
            left -= (int) (scaled / inner);
            remainder[c] = scaled % inner;
        }
        // A curve's remainder is > 0 only while it has inner points left, and the remainders sum to left * inner.
        for (; left > 0; left--) {
            int best = 0;
            for (int c = 1; c < share.length; c++) if (remainder[c] > remainder[best]) best = c;
            share[best]++;
            remainder[best] = -1;
        }
    }

    /** {@code k} of the positions 0..n-1 (k <= n) evenly spaced, both ends included (k = 1: the first). */
    static List<Integer> spaced(int n, int k) {
        List<Integer> out = new ArrayList<>(k);
        // round(j (n - 1) / (k - 1)) in integers: steps of at least 1, so no position twice
        for (int j = 0; j < k; j++) out.add(k == 1 ? 0 : (int) ((2L * j * (n - 1) + (k - 1)) / (2L * (k - 1))));
        return out;
    }

    /** The first {@link #DIGITS} images of {@code test}, each model's reconstruction of them beneath. */
    static byte[] grid(HadoopFiles files, LabeledImages test, List<CurvePoint> points) throws IOException {
        int n = Math.min(DIGITS, test.count());
        INDArray x = Minibatches.toDataSet(test, 0, n).getFeatures();
        BufferedImage img = new BufferedImage(LABEL + n * CELL, (points.size() + 1) * CELL + GAP, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = img.createGraphics();
        g.setRenderingHint(RenderingHints.KEY_TEXT_ANTIALIASING, RenderingHints.VALUE_TEXT_ANTIALIAS_ON);
        g.setColor(Color.WHITE);
        g.fillRect(0, 0, img.getWidth(), img.getHeight());
        g.setFont(new Font(Font.SANS_SERIF, Font.PLAIN, 12));
        row(g, img, 0, "original", x.reshape(n, test.pixelsPerImage()));
        ModelStore store = new ModelStore(files);
        for (int i = 0; i < points.size(); i++) {
            CurvePoint p = points.get(i);
            String label = String.format("%.2f bits %s \u03bb=%s", p.rateBits(), p.kind().replace('_', ' '), p.lambda());
            try {
                if (p.modelPath() == null) throw new IOException("no saved model");
                String damaged = new ModelRef(p.modelPath(), p.modelSha256()).checkBytes(files);
                if (damaged != null) throw new IOException("model damaged: " + damaged);
                ComputationGraph net = store.loadGraph(p.modelPath(), false);
                int dim = CompressionModel.dim(net);
                double alpha = SoftToHardQuantizer.alpha(CompressionModel.quantizer(net).getLevels());
                INDArray u = Seeds.dither(new Seeds(0).eval(0, 0), n, dim, alpha);
                INDArray recon = CompressionModel.reconstruct(net, x, u, false).reshape(n, test.pixelsPerImage());
                row(g, img, i + 1, label, recon);
            } catch (IOException | RuntimeException e) {
                log.warn("report: no reconstructions of {} ({}): {}", label, p.modelPath(), e.getMessage());
                g.setColor(Color.LIGHT_GRAY);
                g.fillRect(LABEL, (i + 1) * CELL + GAP, n * CELL - GAP, CELL - GAP);
                g.setColor(Color.DARK_GRAY);
                g.drawString(label + ": model not readable", 4, (i + 1) * CELL + CELL / 2 + 5);
            }
        }
        g.dispose();
        ByteArrayOutputStream png = new ByteArrayOutputStream();
        ImageIO.write(img, "png", png);
        return png.toByteArray();
    }

    /** Row {@code r}: its label, then one grey image per row of {@code images} ([n, 784], values clipped to [0, 1]). */
    private static void row(Graphics2D g, BufferedImage img, int r, String label, INDArray images) {
        g.setColor(Color.BLACK);
        g.drawString(label, 4, r * CELL + CELL / 2 + 5);
        int side = DatasetName.ROWS;
        for (int k = 0; k < images.rows(); k++) {
            float[] px = images.getRow(k).toFloatVector();
            int x0 = LABEL + k * CELL, y0 = r * CELL + GAP;
            for (int i = 0; i < px.length; i++) {
                int v = Math.round(255 * Math.max(0f, Math.min(1f, px[i])));
                int rgb = (v << 16) | (v << 8) | v;
                int cx = x0 + (i % side) * SCALE, cy = y0 + (i / side) * SCALE;
                for (int dy = 0; dy < SCALE; dy++) for (int dx = 0; dx < SCALE; dx++) img.setRGB(cx + dx, cy + dy, rgb);
            }
        }
    }
}
