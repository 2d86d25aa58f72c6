package dev.condense.engine.train;

import java.util.concurrent.atomic.AtomicBoolean;
import org.nd4j.linalg.factory.Nd4j;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Keeps graphs off ND4J's oneDNN kernels where those are wrong.
 *
 * <p>Condense ships ND4J's oneDNN build (conv training 3.7-4.6x faster on 2 cores, docs/benchmarks.md). In ND4J
 * 1.0.0-M2.1 that path rejects dilated convolution ("could not create a descriptor for a dilated convolution") and
 * returns wrong values for dilated max pooling; both were caught by the ONNX backend node tests. Lowering a conv or
 * pool with any dilation above 1 therefore switches ND4J's platform helpers off for the rest of the process: the
 * plain kernels are slower but exact. The switch is one-way so that a graph lowered earlier can never run on the
 * helpers afterwards.
 */
final class OneDnnGuard {
    private static final Logger LOG = LoggerFactory.getLogger(OneDnnGuard.class);
    private static final AtomicBoolean DISABLED = new AtomicBoolean();

    private OneDnnGuard() {
    }

    /** Called for every conv and pool node; {@code dilations} are the node's spatial dilations. */
    static void check(long[] dilations) {
        for (long d : dilations) {
            if (d > 1) {
                if (DISABLED.compareAndSet(false, true)) {
                    Nd4j.getEnvironment().allowHelpers(false);
                    LOG.warn("dilated conv/pool in the graph; ND4J's oneDNN kernels are switched"
                            + " off for this process (they are wrong for dilations in ND4J 1.0.0-M2.1)");
                }
                return;
            }
        }
    }
}
