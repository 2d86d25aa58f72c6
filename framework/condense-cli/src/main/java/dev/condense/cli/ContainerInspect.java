package dev.condense.cli;

import dev.condense.engine.codec.CzFormat;
import dev.condense.engine.codec.SignLayer;
import dev.condense.engine.codec.StorageTable;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;

/** {@code condense inspect model.cz}: Deep Compression's per-layer storage table of a verified container. */
final class ContainerInspect {
    private ContainerInspect() {
    }

    static void print(Path file, PrintWriter out) {
        CzFormat.Container c = CzFormat.read(file);
        StorageTable table = StorageTable.of(c.layers());
        long bytes;
        try {
            bytes = Files.size(file);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        out.printf(Locale.ROOT, "container %s: version %d, %,d bytes, SHA-256 verified; %d coded layers%s; model"
                + " skeleton (graph, biases, scales, uncoded weights) %,d bytes before zlib%n", file,
                CzFormat.versionFor(c), bytes, c.layers().size(), c.signs().isEmpty() ? ""
                        : ", " + c.signs().size() + " binarized layers", c.skeleton().length);
        if (!table.rows().isEmpty()) {
            codedTable(table, c, out);
        }
        for (SignLayer l : c.signs()) {
            out.printf(Locale.ROOT, "binarized %s: %,d weights, %,d bytes at one bit each (float32: %,d bytes, %.1fx)%n",
                    l.name(), l.length(), l.packed().length, 4 * l.length(), 4.0 * l.length() / l.packed().length);
        }
        out.flush();
    }

    private static void codedTable(StorageTable table, CzFormat.Container c, PrintWriter out) {
        String fmt = "%-28s %10s %8s %6s %6s %12s %12s %12s %12s %8s%n";
        out.printf(Locale.ROOT, fmt, "layer", "params", "kept", "w bits", "i bits", "dense B", "sparse B",
                "+quant B", "+Huffman B", "ratio");
        for (StorageTable.Row r : table.rows()) {
            out.printf(Locale.ROOT, fmt, r.layer(), group(r.params()),
                    String.format(Locale.ROOT, "%.2f%%", 100.0 * r.kept() / r.params()), r.weightBits(),
                    r.indexBits(), group(r.denseBytes()), group(r.sparseBytes()), group(r.quantizedBytes()),
                    group(r.huffmanBytes()), String.format(Locale.ROOT, "%.1fx", r.ratio()));
        }
        long[] t = table.totals();
        out.printf(Locale.ROOT, fmt, "total", group(t[0]), String.format(Locale.ROOT, "%.2f%%", 100.0 * t[1] / t[0]),
                "", "", group(t[2]), group(t[3]), group(t[4]), group(t[5]),
                String.format(Locale.ROOT, "%.1fx", (double) t[2] / t[5]));
        out.printf(Locale.ROOT, "Huffman coding saves %.1f%% over fixed-width codes of the same entries%n",
                100 * table.huffmanSaving(c.layers()));
    }

    private static String group(long v) {
        return String.format(Locale.ROOT, "%,d", v);
    }
}
