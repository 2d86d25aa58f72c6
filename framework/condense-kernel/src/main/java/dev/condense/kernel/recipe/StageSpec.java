package dev.condense.kernel.recipe;

import dev.condense.api.prune.Granularity;
import dev.condense.api.train.TrainSpec;
import java.util.List;
import java.util.Objects;
import java.util.Set;

/**
 * One stage of a recipe, as written (ids not yet resolved). Each item of {@code stages} is a single-key mapping
 * {@code kind: body}; the built-in kinds are {@link #BUILT_IN}, any other kebab-case kind becomes a {@link Custom}
 * stage that the planner looks up among the installed {@code Stage} extensions.
 */
public sealed interface StageSpec {

    /** The kinds the kernel implements itself. */
    Set<String> BUILT_IN = Set.of("train", "prune", "distill", "evaluate", "export");

    /** The stage kind, e.g. {@code prune}. */
    String kind();

    /** Where the stage's kind is written. */
    Location location();

    /** {@code train: {epochs, batch, optimizer, limit}}. */
    record Train(TrainSpec spec, Location location) implements StageSpec {
        public Train {
            Objects.requireNonNull(spec, "spec");
            Objects.requireNonNull(location, "location");
        }

        @Override
        public String kind() {
            return "train";
        }
    }

    /**
     * {@code distill: {teacher: {file}, loss, train}}: train the model with a loss that reads a teacher's logits.
     *
     * @param teacher         the trained teacher model (a file; zoo models are untrained)
     * @param teacherLocation where the teacher's file is written
     * @param loss            the loss extension, e.g. {@code soft-label}
     * @param train           how to train the student
     */
    record Distill(ModelSpec teacher, Location teacherLocation, ExtensionRef loss, TrainSpec train, Location location)
            implements StageSpec {
        public Distill {
            Objects.requireNonNull(teacher, "teacher");
            Objects.requireNonNull(teacherLocation, "teacherLocation");
            Objects.requireNonNull(loss, "loss");
            Objects.requireNonNull(train, "train");
            Objects.requireNonNull(location, "location");
        }

        @Override
        public String kind() {
            return "distill";
        }
    }

    /**
     * {@code prune: {scorer, granularity, sparsity, schedule, layers}}.
     *
     * @param granularityLocation where the granularity is written (the scorer's location when defaulted)
     * @param layers              the layers the stage may touch ({@link LayerFilter#ALL} when not given)
     */
    record Prune(ExtensionRef scorer, Granularity granularity, Location granularityLocation, SparsityRule sparsity,
                 Schedule schedule, LayerFilter layers, Structured structured, Location location) implements StageSpec {
        public Prune {
            Objects.requireNonNull(structured, "structured");
            Objects.requireNonNull(scorer, "scorer");
            Objects.requireNonNull(granularity, "granularity");
            Objects.requireNonNull(granularityLocation, "granularityLocation");
            Objects.requireNonNull(sparsity, "sparsity");
            Objects.requireNonNull(schedule, "schedule");
            Objects.requireNonNull(layers, "layers");
            Objects.requireNonNull(location, "location");
        }

        @Override
        public String kind() {
            return "prune";
        }
    }

    /**
     * {@code evaluate: {metrics, batch, runtime}}.
     *
     * @param metrics metric ids among {@link #METRICS}, no duplicates, at least one
     * @param batch   inference batch size, &gt;= 1
     * @param runtime the runtime executing the exported model; only {@code onnxruntime} for now
     * @param split   the rows the accuracy is measured on: {@code test}, or {@code validation} (the seeded held-out
     *                part of the training data; the recipe's {@code data.validation} must be &gt; 0)
     */
    record Evaluate(List<String> metrics, int batch, String runtime, String split, Location location)
            implements StageSpec {
        /** The metrics the kernel reports. */
        public static final List<String> METRICS = List.of("accuracy", "size", "latency");
        /** The runtimes an evaluation can use. */
        public static final List<String> RUNTIMES = List.of("onnxruntime");
        /** The splits an evaluation can measure accuracy on. */
        public static final List<String> SPLITS = List.of("test", "validation");

        public Evaluate {
            metrics = List.copyOf(metrics);
            if (metrics.isEmpty() || Set.copyOf(metrics).size() != metrics.size() || !METRICS.containsAll(metrics)) {
                throw new IllegalArgumentException("metrics must be distinct values among " + METRICS + ", was " + metrics);
            }
            if (batch < 1 || batch > 1 << 16) {
                throw new IllegalArgumentException("batch must be in [1, 65536], was " + batch);
            }
            if (!RUNTIMES.contains(runtime)) {
                throw new IllegalArgumentException("runtime must be one of " + RUNTIMES + ", was " + runtime);
            }
            if (!SPLITS.contains(split)) {
                throw new IllegalArgumentException("split must be one of " + SPLITS + ", was " + split);
            }
            Objects.requireNonNull(location, "location");
        }

        @Override
        public String kind() {
            return "evaluate";
        }
    }

    /**
     * {@code export: {format}}.
     *
     * @param format the output format; only {@code onnx} for now
     */
    record Export(String format, Location location) implements StageSpec {
        /** The formats the kernel writes. */
        public static final List<String> FORMATS = List.of("onnx");

        public Export {
            if (!FORMATS.contains(format)) {
                throw new IllegalArgumentException("format must be one of " + FORMATS + ", was " + format);
            }
            Objects.requireNonNull(location, "location");
        }

        @Override
        public String kind() {
            return "export";
        }
    }

    /**
     * A stage of a kind the kernel does not implement itself, resolved by the planner among the {@code Stage}
     * extensions.
     *
     * @param params the stage's body, bound into the extension's params record by the planner
     */
    record Custom(String kind, NodeRef params, Location location) implements StageSpec {
        public Custom {
            Objects.requireNonNull(kind, "kind");
            Objects.requireNonNull(params, "params");
            Objects.requireNonNull(location, "location");
        }
    }
}
