package org.unirep.data;

import java.io.IOException;
import java.io.InputStream;
import org.unirep.io.HadoopFiles;

/** Loads one split of an MNIST-format dataset from a directory at any Hadoop path. */
public final class IdxDataset {
    private IdxDataset() {}

    public static LabeledImages load(HadoopFiles files, String dir, Split split) throws IOException {
        String imagesPath = locate(files, dir, split.imagesFile());
        String labelsPath = locate(files, dir, split.labelsFile());
        IdxReader.Images images;
        try (InputStream in = files.open(imagesPath)) {
            images = IdxReader.readImages(in, imagesPath);
        }
        byte[] labels;
        try (InputStream in = files.open(labelsPath)) {
            labels = IdxReader.readLabels(in, labelsPath, DatasetName.CLASSES);
        }
        if (images.rows() != DatasetName.ROWS || images.cols() != DatasetName.COLS) {
            throw new IdxFormatException(imagesPath, "images are " + images.rows() + "x" + images.cols()
                    + ", expected " + DatasetName.ROWS + "x" + DatasetName.COLS);
        }
        if (images.count() != labels.length) {
            throw new IdxFormatException(imagesPath, images.count() + " images but " + labelsPath + " holds "
                    + labels.length + " labels; expected the same count");
        }
        return new LabeledImages(split, images.rows(), images.cols(), images.pixels(), labels);
    }

    /** The file as given, or its .gz form; a clear error if neither exists. */
    static String locate(HadoopFiles files, String dir, String name) throws IOException {
        String raw = HadoopFiles.join(dir, name);
        if (files.exists(raw)) return raw;
        String gz = raw + ".gz";
        if (files.exists(gz)) return gz;
        throw new IdxFormatException(raw, "not found (nor " + name + ".gz); run `unirep fetch` or pass the "
                + "directory that holds the four IDX files");
    }
}
