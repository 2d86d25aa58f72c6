package dev.condense.engine.graph;

import dev.condense.api.model.Node;
import java.util.Arrays;
import java.util.Map;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * Static geometry of the two upsampling ops of mobile CNNs, Resize and ConvTranspose (ONNX opset 13, NCHW).
 *
 * <p>Resize: only {@code mode=nearest} with whole-number scale factors on H and W (1 on N and C) is supported,
 * given as {@code scales} (input 2) or {@code sizes} (input 3) initializers. With such factors {@code s}, output
 * pixel {@code i} reads input pixel {@code floor(i / s)} under {@code coordinate_transformation_mode=asymmetric}
 * with {@code nearest_mode=floor} (PyTorch's export of {@code Upsample(mode='nearest')}) and under
 * {@code half_pixel} / {@code pytorch_half_pixel} with {@code round_prefer_floor} / {@code round_prefer_ceil}
 * (the defaults), so the op is an exact repeat of each pixel {@code s} times. Linear and cubic modes, fractional
 * factors and other coordinate modes are rejected with a message.
 *
 * <p>ConvTranspose: weight {@code [inC, outC/group, kH, kW]}; only {@code group=1} and explicit pads (no auto_pad,
 * no output_shape). Output size per axis: {@code s * (in - 1) + output_padding + d * (k - 1) + 1 - padBegin - padEnd}.
 */
public final class Upsampling {

    private Upsampling() {
    }

    /** Whole-number Resize factors {@code [1, 1, sH, sW]} of {@code n} on input {@code x}. */
    public static long[] resizeFactors(Node n, long[] x, Map<String, INDArray> consts) {
        String mode = (String) n.attributes().getOrDefault("mode", "nearest");
        String coord = (String) n.attributes().getOrDefault("coordinate_transformation_mode", "half_pixel");
        String nearest = (String) n.attributes().getOrDefault("nearest_mode", "round_prefer_floor");
        boolean exact = coord.equals("asymmetric") ? nearest.equals("floor")
                : (coord.equals("half_pixel") || coord.equals("pytorch_half_pixel")) && nearest.startsWith("round_prefer");
        if (!mode.equals("nearest") || !exact || x.length != 4) {
            throw new IllegalArgumentException("Resize node '" + n.name() + "': mode=" + mode + ", "
                    + "coordinate_transformation_mode=" + coord + ", nearest_mode=" + nearest + " on a rank-" + x.length
                    + " input is not supported; supported: 4-D mode=nearest with whole-number scales and asymmetric+"
                    + "floor or half_pixel+round_prefer_floor/ceil");
        }
        INDArray scales = input(n, 2, consts);
        INDArray sizes = input(n, 3, consts);
        long[] f = new long[4];
        for (int a = 0; a < 4; a++) {
            // a dynamic (batch) axis given by sizes is taken as unscaled; ONNX Runtime requires sizes[0] = N anyway
            double s = scales != null ? scales.getDouble(a) : sizes == null ? Double.NaN
                    : x[a] < 0 ? 1.0 : sizes.getDouble(a) / x[a];
            f[a] = Math.round(s);
            if (Double.isNaN(s) || f[a] < 1 || Math.abs(s - f[a]) > 1e-6 || a < 2 && f[a] != 1) {
                throw new IllegalArgumentException("Resize node '" + n.name() + "': scale " + s + " on axis " + a
                        + " of " + Arrays.toString(x) + " is not supported (whole numbers >= 1 on H and W, 1 on N and"
                        + " C, from a static scales or sizes input)");
            }
        }
        return f;
    }

    /** Resize's output shape. */
    public static long[] resize(Node n, long[] x, Map<String, INDArray> consts) {
        long[] f = resizeFactors(n, x, consts);
        long[] out = x.clone();
        for (int a = 2; a < 4; a++) {
            out[a] = x[a] < 0 ? -1 : x[a] * f[a];
        }
        return out;
    }

    /** ConvTranspose's output shape for input {@code x} and weight {@code w}. */
    public static long[] convTranspose(Node n, long[] x, long[] w) {
        checkConvTranspose(n, x, w);
        long[] out = {x[0], w[1], 0, 0};
        for (int i = 0; i < 2; i++) {
            out[2 + i] = x[2 + i] < 0 ? -1 : transposedSize(n, i, x[2 + i], w[2 + i]);
        }
        return out;
    }

    /** Output size of ConvTranspose {@code n} along spatial axis {@code i} (0 = H, 1 = W). */
    public static long transposedSize(Node n, int i, long in, long k) {
        long[] s = n.intsAttr("strides", new long[] {1, 1});
        long[] d = n.intsAttr("dilations", new long[] {1, 1});
        long[] p = n.intsAttr("pads", new long[4]);
        long[] op = n.intsAttr("output_padding", new long[2]);
        return s[i] * (in - 1) + op[i] + d[i] * (k - 1) + 1 - p[i] - p[i + 2];
    }

    /** Rejects what the IR does not lower: groups, auto_pad, output_shape, non-4-D inputs, bad sizes. */
    public static void checkConvTranspose(Node n, long[] x, long[] w) {
        String auto = (String) n.attributes().getOrDefault("auto_pad", "NOTSET");
        if (x.length != 4 || w.length != 4 || n.intAttr("group", 1) != 1 || !auto.equals("NOTSET")
                || n.attributes().containsKey("output_shape") || x[1] >= 0 && x[1] != w[0]) {
            throw new IllegalArgumentException("ConvTranspose node '" + n.name() + "': input " + Arrays.toString(x)
                    + ", weight " + Arrays.toString(w) + ", group " + n.intAttr("group", 1) + ", auto_pad " + auto
                    + " is not supported; supported: 4-D, group 1, explicit pads, input channels = weight dim 0");
        }
    }

    private static INDArray input(Node n, int i, Map<String, INDArray> consts) {
        if (n.inputs().size() <= i || n.inputs().get(i).isEmpty()) {
            return null;
        }
        INDArray v = ShapeInference.constant(n, i, consts);
        return v.length() == 0 ? null : v;
    }
}
