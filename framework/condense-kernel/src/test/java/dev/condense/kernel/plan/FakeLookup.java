package dev.condense.kernel.plan;

import dev.condense.api.extension.Extension;
import dev.condense.api.extension.NoParams;
import dev.condense.api.loss.LossFunction;
import dev.condense.api.loss.LossInputs;
import dev.condense.api.model.ModelGraph;
import dev.condense.api.prune.Granularity;
import dev.condense.api.prune.ImportanceScorer;
import dev.condense.api.prune.ScoringRequest;
import dev.condense.api.quant.Calibrator;
import dev.condense.api.quant.QuantizedTensor;
import dev.condense.api.quant.Quantizer;
import dev.condense.api.stage.Stage;
import dev.condense.api.stage.StageContext;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.SortedSet;
import java.util.TreeSet;
import org.nd4j.autodiff.samediff.SDVariable;
import org.nd4j.linalg.api.ndarray.INDArray;

/** An in-memory {@link ExtensionLookup} with fake scorers (magnitude, snip, fpgm) a fake stage (search) and a fake loss (soft-label), a fake calibrator (minmax) and a fake codebook quantizer (kmeans). */
public final class FakeLookup implements ExtensionLookup {
    private final Map<Class<?>, Map<String, Extension<?>>> byPoint = new HashMap<>();

    public FakeLookup() {
        add(ImportanceScorer.class, new FakeScorer<>("magnitude", MagnitudeParams.class, Set.of(Granularity.values()), false));
        add(ImportanceScorer.class, new FakeScorer<>("snip", SnipParams.class, Set.of(Granularity.ELEMENT), true));
        add(ImportanceScorer.class, new FakeScorer<>("fpgm", NoParams.class, Set.of(Granularity.FILTER), false));
        add(Stage.class, new SearchStage());
        add(LossFunction.class, new SoftLabel());
        add(Calibrator.class, new FakeCalibrator());
        add(Quantizer.class, new FakeKmeans());
    }

    private void add(Class<?> point, Extension<?> e) {
        byPoint.computeIfAbsent(point, k -> new HashMap<>()).put(e.id(), e);
    }

    @Override
    public <E extends Extension<?>> Optional<E> find(Class<E> point, String id) {
        return Optional.ofNullable(byPoint.getOrDefault(point, Map.of()).get(id)).map(point::cast);
    }

    @Override
    public <E extends Extension<?>> SortedSet<String> ids(Class<E> point) {
        return new TreeSet<>(byPoint.getOrDefault(point, Map.of()).keySet());
    }

    /** Params of the fake magnitude scorer: norm l1 (default) or l2. */
    public record MagnitudeParams(String norm) {
        public MagnitudeParams {
            norm = norm == null ? "l1" : norm;
            if (!norm.equals("l1") && !norm.equals("l2")) {
                throw new IllegalArgumentException("norm must be l1 or l2, was " + norm);
            }
        }
    }

    /** Params of the fake SNIP scorer: a required primitive. */
    public record SnipParams(int batches) {
        public SnipParams {
            if (batches < 1) {
                throw new IllegalArgumentException("batches must be >= 1, was " + batches);
            }
        }
    }

    /** Params of the fake search stage. */
    public record SearchParams(double budget) {
    }

    /** Params of the fake soft-label loss: temperature in (0, 100], default 4. */
    public record SoftLabelParams(Double temperature) {
        public SoftLabelParams {
            temperature = temperature == null ? 4.0 : temperature;
            if (!(temperature > 0 && temperature <= 100)) {
                throw new IllegalArgumentException("temperature must be in (0, 100], was " + temperature);
            }
        }
    }

    private static final class SoftLabel implements LossFunction<SoftLabelParams> {
        @Override
        public SDVariable loss(LossInputs inputs, SoftLabelParams params) {
            return inputs.sd().loss.softmaxCrossEntropy(inputs.labels(), inputs.logits(), null);
        }

        @Override
        public String id() {
            return "soft-label";
        }

        @Override
        public Class<SoftLabelParams> paramsType() {
            return SoftLabelParams.class;
        }

        @Override
        public String summary() {
            return "fake soft-label distillation";
        }
    }

    private record FakeScorer<P extends Record>(String id, Class<P> paramsType, Set<Granularity> granularities,
                                                boolean needsData) implements ImportanceScorer<P> {
        @Override
        public INDArray score(ScoringRequest request, P params) {
            return request.weight();
        }

        @Override
        public String summary() {
            return "fake " + id;
        }
    }

    private static final class SearchStage implements Stage<SearchParams> {
        @Override
        public ModelGraph apply(ModelGraph graph, SearchParams params, StageContext context) {
            return graph;
        }

        @Override
        public String id() {
            return "search";
        }

        @Override
        public Class<SearchParams> paramsType() {
            return SearchParams.class;
        }

        @Override
        public String summary() {
            return "fake search";
        }
    }

    /** A fake min/max calibrator: always the range [-1, 1]. */
    private static final class FakeCalibrator implements Calibrator<NoParams> {
        @Override
        public Accumulator accumulator(NoParams params) {
            return new Accumulator() {
                @Override
                public int passes() {
                    return 1;
                }

                @Override
                public void observe(int pass, INDArray values) {
                }

                @Override
                public ClipRange range(int bits, boolean symmetric) {
                    return new ClipRange(-1, 1);
                }
            };
        }

        @Override
        public String id() {
            return "minmax";
        }

        @Override
        public Class<NoParams> paramsType() {
            return NoParams.class;
        }

        @Override
        public String summary() {
            return "fake minmax";
        }
    }

    /** Params of the fake k-means quantizer: bits 1 to 8, an initialization name. */
    public record KmeansParams(Integer bits, String init) {
        public KmeansParams {
            bits = bits == null ? 5 : bits;
            if (bits < 1 || bits > 8) {
                throw new IllegalArgumentException("bits must be in [1, 8], was " + bits);
            }
        }
    }

    /** A fake codebook quantizer: every weight on one centroid, its mean. */
    private static final class FakeKmeans implements Quantizer<KmeansParams> {
        @Override
        public QuantizedTensor quantize(INDArray x, KmeansParams params) {
            return new QuantizedTensor(org.nd4j.linalg.factory.Nd4j.zeros(org.nd4j.linalg.api.buffer.DataType.INT32,
                    x.shape()), null, null, org.nd4j.linalg.factory.Nd4j.createFromArray(x.meanNumber().floatValue()),
                    params.bits(), id());
        }

        @Override
        public INDArray dequantize(QuantizedTensor q) {
            return q.codes().castTo(org.nd4j.linalg.api.buffer.DataType.FLOAT).add(q.codebook().getFloat(0));
        }

        @Override
        public String id() {
            return "kmeans";
        }

        @Override
        public Class<KmeansParams> paramsType() {
            return KmeansParams.class;
        }

        @Override
        public String summary() {
            return "fake kmeans";
        }
    }
}
