package dev.condense.engine.train;

import org.nd4j.autodiff.samediff.SDVariable;
import org.nd4j.autodiff.samediff.SameDiff;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.factory.Nd4j;

/**
 * The learned regressor of FitNets (Romero et al. 2015, "FitNets: Hints for Thin Deep Nets", ICLR) that maps a
 * student feature to the teacher's width: a 1x1 convolution (no bias) for {@code [N, Cs, H, W]} to
 * {@code [N, Ct, H, W]}, a linear map (no bias) for {@code [N, Ds]} to {@code [N, Dt]}, and for token states
 * {@code [N, L, Ds]} the same linear map on every token's last axis to {@code [N, L, Dt]} (TinyBERT's {@code H_S W_h},
 * Jiao et al. 2020, eq. 8). Its weight {@code [Cs, Ct]}
 * is a trainable variable of the training graph only: it trains with the student and, not being a model
 * initializer, is dropped at export. Initialized N(0, 1/Cs) from ND4J's global RNG (which the run seeds).
 */
final class FeatureProjection {
    private FeatureProjection() {
    }

    /**
     * @param name the weight variable's name (unique in {@code sd})
     * @param s    the student feature with {@code pair.studentShape()}
     * @return {@code s} mapped to the teacher's channels (same spatial size), or {@code s} when none is needed
     */
    static SDVariable apply(SameDiff sd, String name, SDVariable s, FeaturePair pair) {
        if (!pair.projected()) {
            return s;
        }
        long[] ss = pair.studentShape();
        int axis = FeaturePair.widthAxis(ss);
        long cs = ss[axis];
        long ct = pair.teacherShape()[axis];
        SDVariable w = sd.var(name, Nd4j.randn(DataType.FLOAT, cs, ct).muli(Math.sqrt(1.0 / cs)));
        if (ss.length == 2) {
            return s.mmul(w);
        }
        if (ss.length == 3) {
            return sd.reshape(sd.reshape(s, -1, cs).mmul(w), -1, ss[1], ct);
        }
        long h = ss[2];
        long wd = ss[3];
        SDVariable rows = sd.reshape(sd.permute(s, 0, 2, 3, 1), -1, cs);
        return sd.permute(sd.reshape(rows.mmul(w), -1, h, wd, ct), 0, 3, 1, 2);
    }
}
