package dev.condense.engine.train;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Deque;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.nd4j.autodiff.functions.DifferentialFunction;
import org.nd4j.autodiff.samediff.SDVariable;
import org.nd4j.autodiff.samediff.SameDiff;
import org.nd4j.autodiff.samediff.VariableType;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ops.DynamicCustomOp;
import org.nd4j.linalg.api.ops.impl.layers.convolution.config.Conv2DConfig;
import org.nd4j.linalg.api.ops.impl.layers.convolution.config.PaddingMode;

/**
 * libnd4j {@code conv2d} (NCHW) whose backward skips the input gradient when nothing trainable feeds the input
 * (the first convolution of a network): {@code conv2d_bp} always computes {@code dL/dx}, which for LeNet-5's first
 * layer ({@code [128, 1, 28, 28]}, 20 filters 5x5) took 30 of its 33 ms. Then the weight gradient is
 * {@code dL/dW = sum over the batch of dL/dy_n [outC, oH*oW] times im2col(x)_n [inC*kH*kW, oH*oW]
 * transposed} (a batched gemm on views of both, no copies of the activations) and the bias
 * gradient {@code sum(dL/dy)} over batch, height and width; {@code dL/dx} is a zero tensor (SameDiff needs one per
 * input; nothing reads it). Otherwise the backward is {@code conv2d_bp} as in ND4J.
 *
 * <p>Integer arguments are libnd4j's: {@code kH, kW, sH, sW, pH, pW, dH, dW, paddingMode, dataFormat, wFormat}
 (the weight-only path needs wFormat 0, weights {@code [kH, kW, inC, outC]}, as ConvLowering writes them, and NCHW).
 * Registered with {@link OpClasses}, so every {@code conv2d} SameDiff copies becomes this class; any other layout
 * or format takes the {@code conv2d_bp} path.
 */
public final class ConvOp extends DynamicCustomOp {

    static {
        OpClasses.register(new ConvOp());
    }

    /** For SameDiff's copy by serialization. */
    public ConvOp() {
    }

    private ConvOp(SameDiff sd, SDVariable[] inputs, Conv2DConfig c, long[] wShape, long outPixels) {
        super(null, sd, inputs);
        addIArgument(c.getKH(), c.getKW(), c.getSH(), c.getSW(), c.getPH(), c.getPW(), c.getDH(), c.getDW(),
                c.getPaddingMode().ordinal(), c.getDataFormat().equalsIgnoreCase("NCHW") ? 0 : 1,
                c.getWeightsFormat().ordinal());
        if (outPixels > 0) {   // unknown spatial sizes: no weight-only backward
            addIArgument(wShape);
            addIArgument(outPixels);
        }
    }

    /**
     * {@code conv2d(x, w[, b])} named {@code name}.
     *
     * @param wShape the weight's static shape in {@code c}'s weights format (the weight is often a permute whose
     *               shape SameDiff does not know when the backward is built); kept as integer arguments 11-14, past
     *               the ones libnd4j reads
     * @param outPixels the output's {@code oH * oW} (integer argument 15), or -1 when unknown (then neither is kept)
     */
    static SDVariable conv(SameDiff sd, String name, SDVariable x, SDVariable w, SDVariable bias, Conv2DConfig c,
                           long[] wShape, long outPixels) {
        SDVariable[] in = bias == null ? new SDVariable[] {x, w} : new SDVariable[] {x, w, bias};
        return new ConvOp(sd, in, c, wShape, outPixels).outputVariables(name)[0];
    }

    @Override
    public String opName() {
        return "conv2d";
    }

    @Override
    public List<DataType> calculateOutputDataTypes(List<DataType> in) {
        return List.of(in.get(0));
    }

    @Override
    public List<SDVariable> doDiff(List<SDVariable> grads) {
        SDVariable[] in = args();
        long[] i = iArguments.stream().mapToLong(Long::longValue).toArray();
        long[] w = i.length == 16 ? Arrays.copyOfRange(i, 11, 15) : null;
        boolean weightOnly = w != null && i[9] == 0 && i[10] == 0 && i[8] != 2 && !fedByTrainable(in[0]);
        if (!weightOnly) {
            SDVariable[] bpIn = new SDVariable[in.length + 1];
            System.arraycopy(in, 0, bpIn, 0, in.length);
            bpIn[in.length] = grads.get(0);
            return List.of(new Backward(sameDiff, bpIn, Arrays.copyOf(i, Math.min(i.length, 11))).outputVariables());
        }
        SDVariable dy = grads.get(0);
        Conv2DConfig c = Conv2DConfig.builder().kH(i[0]).kW(i[1]).sH(i[2]).sW(i[3]).pH(i[4]).pW(i[5]).dH(i[6]).dW(i[7])
                .paddingMode(i[8] == 1 ? PaddingMode.SAME : PaddingMode.VALID).dataFormat("NCHW").build();
        long pixels = i[15];
        SDVariable col = sameDiff.cnn.im2Col(in[0], c);                          // [N, inC, kH, kW, oH, oW]
        SDVariable cols = sameDiff.reshape(col, -1, w[2] * w[0] * w[1], pixels);  // [N, inC*kH*kW, oH*oW], a view
        SDVariable dys = sameDiff.reshape(dy, -1, w[3], pixels);                 // [N, outC, oH*oW], a view
        SDVariable g = sameDiff.mmul(dys, cols, false, true, false).sum(0);     // [outC, inC*kH*kW]
        List<SDVariable> out = new ArrayList<>();
        out.add(sameDiff.zerosLike(in[0]));
        out.add(sameDiff.permute(sameDiff.reshape(g, w[3], w[2], w[0], w[1]), 2, 3, 1, 0));
        if (in.length > 2) {
            out.add(dy.sum(0, 2, 3));
        }
        return out;
    }

    /** Whether a trainable variable is an ancestor of {@code v} (then SameDiff needs {@code v}'s gradient). */
    private boolean fedByTrainable(SDVariable v) {
        Deque<String> todo = new ArrayDeque<>(List.of(v.name()));
        Set<String> seen = new HashSet<>();
        while (!todo.isEmpty()) {
            String name = todo.pop();
            if (!seen.add(name)) {
                continue;
            }
            SDVariable var = sameDiff.getVariable(name);
            if (var.getVariableType() == VariableType.VARIABLE) {
                return true;
            }
            DifferentialFunction op = sameDiff.getVariableOutputOp(name);
            if (op != null) {
                for (SDVariable a : op.args()) {
                    todo.push(a.name());
                }
            }
        }
        return false;
    }

    /** libnd4j {@code conv2d_bp}: dL/dx, dL/dW[, dL/db] from x, W[, b], dL/dy with the forward's arguments. */
    static final class Backward extends DynamicCustomOp {
        Backward() {
        }

        Backward(SameDiff sd, SDVariable[] inputs, long[] iArgs) {
            super(null, sd, inputs);
            addIArgument(iArgs);
        }

        @Override
        public String opName() {
            return "conv2d_bp";
        }

        @Override
        public int getNumOutputs() {
            return args().length - 1;
        }

        @Override
        public List<DataType> calculateOutputDataTypes(List<DataType> in) {
            return in.subList(0, in.size() - 1);
        }

        @Override
        public List<SDVariable> doDiff(List<SDVariable> grads) {
            throw new UnsupportedOperationException("no second derivative of conv2d");
        }
    }
}
