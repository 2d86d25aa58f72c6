package dev.condense.testkit;

import dev.condense.api.decomp.Decomposition;
import dev.condense.api.loss.LossFunction;
import dev.condense.api.model.ModelGraph;
import dev.condense.api.model.Node;
import dev.condense.api.model.ValueInfo;
import dev.condense.api.quant.Calibrator;
import dev.condense.api.quant.Quantizer;
import dev.condense.api.stage.Stage;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Nested;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.factory.Nd4j;

/** Runs every contract against a real reference implementation, so the contracts themselves are exercised. */
class ReferenceContractsTest {

    @Nested
    class Uniform4Bit extends QuantizerContract<ReferenceExtensions.Bits> {
        protected Quantizer<ReferenceExtensions.Bits> extension() { return new ReferenceExtensions.UniformQuantizer(); }
        protected ReferenceExtensions.Bits params() { return new ReferenceExtensions.Bits(4); }
        protected List<java.util.function.Supplier<? extends Record>> invalidParams() {
            return List.of(() -> new ReferenceExtensions.Bits(0), () -> new ReferenceExtensions.Bits(9));
        }
    }

    @Nested
    class MinMax extends CalibratorContract<ReferenceExtensions.NoParams> {
        protected Calibrator<ReferenceExtensions.NoParams> extension() { return new ReferenceExtensions.MinMaxCalibrator(); }
        protected ReferenceExtensions.NoParams params() { return new ReferenceExtensions.NoParams(); }
        protected boolean coversObservedExtremes() { return true; }
        protected long maxRetainedValues() { return 8; }
    }

    @Nested
    class TruncatedSvd extends DecompositionContract<ReferenceExtensions.Rank> {
        protected Decomposition<ReferenceExtensions.Rank> extension() { return new ReferenceExtensions.SvdDecomposition(); }
        protected ReferenceExtensions.Rank params() { return new ReferenceExtensions.Rank(2); }
    }

    @Nested
    class CrossEntropy extends LossFunctionContract<ReferenceExtensions.Factor> {
        protected LossFunction<ReferenceExtensions.Factor> extension() { return new ReferenceExtensions.CrossEntropyLoss(); }
        protected ReferenceExtensions.Factor params() { return new ReferenceExtensions.Factor(2.0); }
    }

    @Nested
    class Scale extends StageContract<ReferenceExtensions.Factor> {
        protected Stage<ReferenceExtensions.Factor> extension() { return new ReferenceExtensions.ScaleStage(); }
        protected ReferenceExtensions.Factor params() { return new ReferenceExtensions.Factor(0.5); }

        protected ModelGraph graph() {
            return ModelGraph.builder("g")
                    .input(new ValueInfo("x", ValueInfo.ElementType.FLOAT, new long[] {-1, 3}))
                    .output(new ValueInfo("y", ValueInfo.ElementType.FLOAT, new long[] {-1, 2}))
                    .initializer("w", Nd4j.linspace(1, 6, 6, DataType.FLOAT).reshape(2, 3))
                    .node(new Node("fc", "Gemm", List.of("x", "w"), List.of("y"), Map.of("transB", 1L)))
                    .build();
        }
    }
}
