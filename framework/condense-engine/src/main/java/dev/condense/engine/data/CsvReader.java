package dev.condense.engine.data;

import dev.condense.engine.io.InputFiles;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.nd4j.linalg.factory.Nd4j;

/**
 * Reads a numeric CSV file (comma-separated, UTF-8, no quoting) into features float32 {@code [N, F]} and labels
 * float32 {@code [N]}. The first line is a header when its label field is not a number; the label column is the one
 * headed {@code label} (case-insensitive) when there is a header with such a column, else column 0. Every other
 * column is a feature, taken as written (no scaling). Blank lines are skipped. Every row must have the same number
 * of fields; labels must be integers >= 0. Errors name the file, the 1-based line and, for a bad value, the column.
 */
final class CsvReader {

    private CsvReader() {
    }

    static LabelledArrays read(Path file) {
        byte[] bytes = InputFiles.readAll(file);
        List<String> lines = new String(bytes, StandardCharsets.UTF_8).lines().toList();
        int first = 0;
        while (first < lines.size() && lines.get(first).isBlank()) {
            first++;
        }
        if (first == lines.size()) {
            throw new CorruptDataException(file + ": the file is empty; expected a label column and feature columns");
        }
        String[] head = lines.get(first).split(",", -1);
        int labelCol = 0;
        boolean header = !isNumber(head[0]);
        if (header) {
            for (int c = 0; c < head.length; c++) {
                if (head[c].trim().toLowerCase(Locale.ROOT).equals("label")) {
                    labelCol = c;
                }
            }
        }
        int fields = head.length;
        if (fields < 2) {
            throw new CorruptDataException(file + ":" + (first + 1) + ": only one field; expected a label and at least one feature");
        }
        int start = header ? first + 1 : first;
        int n = (int) lines.subList(start, lines.size()).stream().filter(l -> !l.isBlank()).count();
        float[] x = new float[Math.multiplyExact(n, fields - 1)];
        float[] y = new float[n];
        int row = 0;
        for (int i = start; i < lines.size(); i++) {
            if (lines.get(i).isBlank()) {
                continue;
            }
            String[] f = lines.get(i).split(",", -1);
            if (f.length != fields) {
                throw new CorruptDataException(file + ":" + (i + 1) + ": " + f.length + " fields, but line " + (first + 1)
                        + " has " + fields);
            }
            int k = row * (fields - 1);
            for (int c = 0; c < fields; c++) {
                float v = parse(file, i, c, f[c]);
                if (c == labelCol) {
                    if (v < 0 || v != Math.rint(v)) {
                        throw new CorruptDataException(file + ":" + (i + 1) + ": column " + (c + 1) + ": label '" + f[c].trim()
                                + "' is not a class index (an integer >= 0)");
                    }
                    y[row] = v;
                } else {
                    x[k++] = v;
                }
            }
            row++;
        }
        return new LabelledArrays(Nd4j.create(x, new long[] {n, fields - 1}, 'c'), Nd4j.create(y, new long[] {n}, 'c'),
                file.toString(), Map.of(file.getFileName().toString(), MnistFiles.sha256(bytes)));
    }

    private static float parse(Path file, int line, int col, String text) {
        try {
            return Float.parseFloat(text.trim());
        } catch (NumberFormatException e) {
            throw new CorruptDataException(file + ":" + (line + 1) + ": column " + (col + 1) + ": '" + text.trim()
                    + "' is not a number");
        }
    }

    private static boolean isNumber(String text) {
        try {
            Float.parseFloat(text.trim());
            return true;
        } catch (NumberFormatException e) {
            return false;
        }
    }
}
