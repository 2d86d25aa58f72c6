package dev.condense.engine.data;

import dev.condense.engine.io.InputFiles;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * Reads a NumPy {@code .npy} file (format versions 1, 2 and 3; C order) into a float32 array of the stored shape.
 * Element types: {@code <f4} (float32), {@code |u1} (uint8), {@code <i4} (int32) and {@code <i8} (int64); values
 * are converted to float32 as they are (no scaling here). The payload is copied in bulk and cast by one ND4J op.
 */
final class NpyReader {
    private static final byte[] MAGIC = {(byte) 0x93, 'N', 'U', 'M', 'P', 'Y'};
    private static final Pattern DESCR = Pattern.compile("'descr'\\s*:\\s*'([^']*)'");
    private static final Pattern FORTRAN = Pattern.compile("'fortran_order'\\s*:\\s*(True|False)");
    private static final Pattern SHAPE = Pattern.compile("'shape'\\s*:\\s*\\(([^)]*)\\)");

    private NpyReader() {
    }

    /** The array and the element type it was stored with (the {@code descr}, e.g. {@code |u1}). */
    record Npy(INDArray array, String descr, byte[] content) {
    }

    static Npy read(Path file) {
        byte[] b = InputFiles.readAll(file);
        if (b.length < 10 || !Arrays.equals(Arrays.copyOf(b, 6), MAGIC)) {
            throw new CorruptDataException(file + ": not a NumPy .npy file (no \\x93NUMPY magic at the start)");
        }
        int major = b[6];
        ByteBuffer le = ByteBuffer.wrap(b).order(ByteOrder.LITTLE_ENDIAN);
        long headerLen = major == 1 ? Short.toUnsignedInt(le.getShort(8)) : (b.length >= 12 ? Integer.toUnsignedLong(le.getInt(8)) : -1);
        int start = major == 1 ? 10 : 12;
        if (major < 1 || major > 3 || headerLen < 0 || start + headerLen > b.length) {
            throw new CorruptDataException(file + ": unsupported .npy version " + major + " or truncated header");
        }
        String header = new String(b, start, (int) headerLen, major == 3 ? StandardCharsets.UTF_8 : StandardCharsets.ISO_8859_1);
        String descr = group(file, DESCR, header, "descr");
        if (group(file, FORTRAN, header, "fortran_order").equals("True")) {
            throw new CorruptDataException(file + ": array is in Fortran order; save it with np.ascontiguousarray first");
        }
        long[] shape = shape(file, group(file, SHAPE, header, "shape"));
        DataType type = switch (descr) {
            case "<f4" -> DataType.FLOAT;
            case "|u1", "u1" -> DataType.UINT8;
            case "<i4" -> DataType.INT32;
            case "<i8" -> DataType.INT64;
            default -> throw new CorruptDataException(file + ": element type '" + descr
                    + "' is not supported; use float32 (<f4), uint8 (|u1), int32 (<i4) or int64 (<i8)");
        };
        long count = Arrays.stream(shape).reduce(1, Math::multiplyExact);
        long need = count * type.width();
        long have = b.length - start - headerLen;
        if (have != need) {
            throw new CorruptDataException(file + ": payload has " + have + " bytes but shape " + Arrays.toString(shape)
                    + " of " + descr + " needs " + need + (have < need ? " (truncated)" : ""));
        }
        ByteBuffer direct = ByteBuffer.allocateDirect((int) Math.max(need, 1)).order(ByteOrder.LITTLE_ENDIAN);
        direct.put(b, start + (int) headerLen, (int) need).flip();
        INDArray raw = count == 0 ? Nd4j.create(type, shape)
                : Nd4j.create(Nd4j.createBuffer(direct, type, Math.toIntExact(count)), shape, Nd4j.getStrides(shape, 'c'), 0, 'c', type);
        return new Npy(raw.castTo(DataType.FLOAT), descr, b);
    }

    private static String group(Path file, Pattern p, String header, String key) {
        Matcher m = p.matcher(header);
        if (!m.find()) {
            throw new CorruptDataException(file + ": .npy header has no valid '" + key + "' entry: " + header.trim());
        }
        return m.group(1);
    }

    private static long[] shape(Path file, String text) {
        String[] parts = Arrays.stream(text.split(",")).map(String::trim).filter(s -> !s.isEmpty()).toArray(String[]::new);
        if (parts.length == 0) {
            throw new CorruptDataException(file + ": a scalar array; expected at least one dimension (rows first)");
        }
        try {
            return Arrays.stream(parts).mapToLong(Long::parseLong).toArray();
        } catch (NumberFormatException e) {
            throw new CorruptDataException(file + ": bad shape (" + text + ") in the .npy header");
        }
    }
}
