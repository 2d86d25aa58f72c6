import java.util.*;
import org.nd4j.autodiff.samediff.*;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.api.ops.DynamicCustomOp;
import org.nd4j.linalg.factory.Nd4j;

/**
 * Issue 19 prototype: training BatchNormalization as {@code NormLowering} builds it (elementwise SameDiff ops, forward
 * and backward) against libnd4j's fused {@code batchnorm} + {@code batchnorm_bp} ops on the batch moments, at batch
 * 128, NCHW. Checks the fused gradient against the lowering's and the analytic training gradient
 * {@code gamma / sigma * (dy - mean(dy) - xhat * mean(dy * xhat))}, then times both in 5 interleaved repeats (the BN
 * part of the lowered graph = the graph minus the same graph without BN). BN's input is an activation (x times a
 * trainable 1), as inside a network. Usage: bench/run.sh BatchNormFusion C HW ITERS, e.g. 16 14 40.
 * Results: docs/benchmarks.md, "Issue 19: where training time goes".
 */
public class BatchNormFusion {
    static final double EPS = 1e-5;

    static SameDiff build(boolean bn, long n, long c, long h, long w, INDArray r) {
        SameDiff sd = SameDiff.create();
        SDVariable x = sd.placeHolder("x", DataType.FLOAT, n, c, h, w).mul(sd.var("one", Nd4j.scalar(DataType.FLOAT, 1f)));
        SDVariable gamma = sd.var("gamma", Nd4j.linspace(0.5, 1.5, c, DataType.FLOAT));
        SDVariable beta = sd.var("beta", Nd4j.linspace(-0.2, 0.2, c, DataType.FLOAT));
        long[] b = {1, c, 1, 1};
        SDVariable y;
        if (bn) {
            SDVariable mean = sd.mean("mean", x, false, 0, 2, 3);
            SDVariable centered = x.sub(sd.reshape(mean, b));
            SDVariable var = sd.mean("var", centered.mul(centered), false, 0, 2, 3);
            SDVariable inv = gamma.div(sd.math.sqrt(var.add(EPS)));
            SDVariable shift = beta.sub(mean.mul(inv));
            y = x.mul(sd.reshape(inv, b)).add("y", sd.reshape(shift, b));
        } else {   // baseline: same graph without BN (x * 1 + 0 through the parameters keeps them trainable)
            y = x.add("y", sd.reshape(gamma.mul(0).add(beta.mul(0)), b));
        }
        SDVariable loss = sd.nn.relu("h", y, 0).mul(sd.constant("r", r)).sum("loss");
        sd.setLossVariables("loss");
        return sd;
    }

    static INDArray[] exec(String name, INDArray[] in, int[] iargs, double... targs) {
        DynamicCustomOp.DynamicCustomOpsBuilder b = DynamicCustomOp.builder(name).addInputs(in).addFloatingPointArguments(
                Arrays.stream(targs).boxed().toArray(Double[]::new));
        b.addIntegerArguments(iargs);
        DynamicCustomOp op = b.build();
        Nd4j.exec(op);
        return op.outputArguments().toArray(new INDArray[0]);
    }

    public static void main(String[] a) {
        long n = 128, c = Long.parseLong(a[0]), h = Long.parseLong(a[1]), w = h;
        int iters = Integer.parseInt(a[2]);
        Nd4j.getRandom().setSeed(19);
        INDArray x = Nd4j.rand(DataType.FLOAT, n, c, h, w).muli(3).addi(1);
        INDArray r = Nd4j.randn(DataType.FLOAT, n, c, h, w);
        INDArray gamma = Nd4j.linspace(0.5, 1.5, c, DataType.FLOAT), beta = Nd4j.linspace(-0.2, 0.2, c, DataType.FLOAT);
        SameDiff sa = build(true, n, c, h, w, r), base = build(false, n, c, h, w, r);
        Map<String, INDArray> ph = Map.of("x", x);
        Map<String, INDArray> ga = sa.calculateGradients(ph, "x", "gamma", "beta");
        INDArray y = sa.output(ph, "y").get("y");
        INDArray dy = r.mul(y.gt(0).castTo(DataType.FLOAT));
        // fused: batch moments, batchnorm forward, batchnorm_bp
        INDArray mean = x.mean(0, 2, 3), var = x.var(false, 0, 2, 3);
        INDArray yf = exec("batchnorm", new INDArray[] {x, mean, var, gamma, beta}, new int[] {1, 1, 1}, EPS)[0];
        INDArray[] g = exec("batchnorm_bp", new INDArray[] {x, mean, var, gamma, beta, dy}, new int[] {1, 1, 1}, EPS);
        System.out.printf("forward max|A-fused| %.3g (max|y| %.3g)%n", y.sub(yf).amaxNumber().doubleValue(), y.amaxNumber().doubleValue());
        System.out.printf("dL/dx max|A| %.3g, max|A - batchnorm_bp dLdI| %.3g; dLdM max %.3g, dLdV max %.3g%n",
                ga.get("x").amaxNumber().doubleValue(), ga.get("x").sub(g[0]).amaxNumber().doubleValue(),
                g[1].amaxNumber().doubleValue(), g[2].amaxNumber().doubleValue());
        System.out.printf("relative L2: dx %.3g, dgamma %.3g, dbeta %.3g%n",
                ga.get("x").sub(g[0]).norm2Number().doubleValue() / ga.get("x").norm2Number().doubleValue(),
                ga.get("gamma").sub(g[3]).norm2Number().doubleValue() / ga.get("gamma").norm2Number().doubleValue(),
                ga.get("beta").sub(g[4]).norm2Number().doubleValue() / ga.get("beta").norm2Number().doubleValue());
        System.out.printf("dL/dgamma max|A - bp| %.3g, dL/dbeta max|A - bp| %.3g%n",
                ga.get("gamma").sub(g[3]).amaxNumber().doubleValue(), ga.get("beta").sub(g[4]).amaxNumber().doubleValue());
        {
            SameDiff sc = SameDiff.create();
            SDVariable xv = sc.placeHolder("x", DataType.FLOAT, n, c, h, w);
            SDVariable gv = sc.var("gamma", gamma.dup()), bv = sc.var("beta", beta.dup());
            long[] bb = {1, c, 1, 1};
            SDVariable mc = sc.constant("m", mean), vc = sc.constant("v", var);
            SDVariable inv = gv.div(sc.math.sqrt(vc.add(EPS)));
            SDVariable yc = xv.mul(sc.reshape(inv, bb)).add(sc.reshape(bv.sub(mc.mul(inv)), bb));
            sc.nn.relu("h", yc, 0).mul(sc.constant("r", r)).sum("loss");
            sc.setLossVariables("loss");
            INDArray gx = sc.calculateGradients(ph, "x").get("x");
            // analytic training gradient: gamma/sigma * (dy - mean(dy) - xhat * mean(dy * xhat)), per channel
            INDArray sig = Nd4j.math().sqrt(var.add(EPS)).reshape(1, c, 1, 1);
            INDArray xhat = x.sub(mean.reshape(1, c, 1, 1)).div(sig);
            INDArray mdy = dy.mean(0, 2, 3).reshape(1, c, 1, 1);
            INDArray mdyx = dy.mul(xhat).mean(0, 2, 3).reshape(1, c, 1, 1);
            INDArray full = dy.sub(mdy).sub(xhat.mul(mdyx)).mul(gamma.reshape(1, c, 1, 1)).div(sig);
            System.out.printf("analytic full gradient: relative L2 vs batchnorm_bp %.3g, vs Condense lowering %.3g, vs constants %.3g%n",
                    full.sub(g[0]).norm2Number().doubleValue() / full.norm2Number().doubleValue(),
                    full.sub(ga.get("x")).norm2Number().doubleValue() / full.norm2Number().doubleValue(),
                    full.sub(gx).norm2Number().doubleValue() / full.norm2Number().doubleValue());
            System.out.printf("statistics as constants: relative L2 vs batchnorm_bp dLdI %.3g, vs full gradient %.3g%n",
                    gx.sub(g[0]).norm2Number().doubleValue() / gx.norm2Number().doubleValue(),
                    gx.sub(ga.get("x")).norm2Number().doubleValue() / gx.norm2Number().doubleValue());
        }
        for (int rep = 0; rep < 5; rep++) {
            long t = System.nanoTime();
            for (int i = 0; i < iters; i++) sa.calculateGradients(ph, "x", "gamma", "beta");
            double ta = (System.nanoTime() - t) / 1e6 / iters;
            t = System.nanoTime();
            for (int i = 0; i < iters; i++) base.calculateGradients(ph, "x", "gamma", "beta");
            double tb = (System.nanoTime() - t) / 1e6 / iters;
            t = System.nanoTime();
            for (int i = 0; i < iters; i++) {
                INDArray m = x.mean(0, 2, 3), v = x.var(false, 0, 2, 3);
                exec("batchnorm", new INDArray[] {x, m, v, gamma, beta}, new int[] {1, 1, 1}, EPS);
                exec("batchnorm_bp", new INDArray[] {x, m, v, gamma, beta, dy}, new int[] {1, 1, 1}, EPS);
            }
            double tf = (System.nanoTime() - t) / 1e6 / iters;
            System.out.printf("rep %d: BN as lowered now (SameDiff fwd+bwd incl. relu/loss) %.2f ms; same graph without BN %.2f ms"
                    + " -> BN costs %.2f ms; fused moments+batchnorm+batchnorm_bp ops %.2f ms (%.1fx less)%n",
                    rep, ta, tb, ta - tb, tf, (ta - tb) / tf);
        }
    }
}
