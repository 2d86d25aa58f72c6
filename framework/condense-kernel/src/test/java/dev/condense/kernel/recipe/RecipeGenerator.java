package dev.condense.kernel.recipe;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;

/**
 * Random valid recipes as plain maps and lists (rendered to YAML by the caller), for the property test. Every recipe
 * it makes loads and plans against the test {@code FakeLookup}.
 */
final class RecipeGenerator {
    private static final List<String> GRANULARITIES = List.of("element", "neuron", "filter", "channel");
    private static final List<String> METRICS = List.of("accuracy", "size", "latency");

    private final Random random;

    RecipeGenerator(Random random) {
        this.random = random;
    }

    /** A valid recipe. */
    Map<String, Object> recipe() {
        Map<String, Object> r = new LinkedHashMap<>();
        boolean vars = random.nextBoolean();
        if (vars) {
            r.put("vars", new LinkedHashMap<>(Map.of("epochs", random.nextInt(4), "target", 0.5)));
        }
        r.put("recipe", name());
        if (random.nextBoolean()) {
            r.put("seed", random.nextInt(1000));
        }
        r.put("model", Map.of("zoo", "lenet-300-100"));
        Map<String, Object> data = new LinkedHashMap<>();
        data.put("dataset", "mnist");
        if (random.nextBoolean()) {
            data.put("validation", random.nextInt(49) / 100.0);
        }
        if (random.nextBoolean()) {
            data.put("train-limit", random.nextInt(5000));
        }
        r.put("data", data);
        List<Object> stages = new ArrayList<>();
        int n = 1 + random.nextInt(4);
        for (int i = 0; i < n; i++) {
            stages.add(stage(vars));
        }
        r.put("stages", stages);
        if (random.nextBoolean()) {
            r.put("output", Map.of("dir", "runs/" + name()));
        }
        return r;
    }

    private Object stage(boolean vars) {
        return switch (random.nextInt(5)) {
            case 0 -> Map.of("train", train(vars));
            case 1, 2 -> Map.of("prune", prune(vars));
            case 3 -> random.nextBoolean() ? "evaluate" : Map.of("evaluate", Map.of("metrics", metrics(),
                    "batch", 1 + random.nextInt(512)));
            default -> random.nextBoolean() ? "export" : Map.of("export", Map.of("format", "onnx"));
        };
    }

    private Map<String, Object> train(boolean vars) {
        Map<String, Object> t = new LinkedHashMap<>();
        t.put("epochs", vars && random.nextBoolean() ? "${epochs}" : random.nextInt(5));
        if (random.nextBoolean()) {
            t.put("batch", 1 + random.nextInt(256));
        }
        switch (random.nextInt(3)) {
            case 0 -> t.put("optimizer", random.nextBoolean() ? "adam" : "sgd");
            case 1 -> t.put("optimizer", Map.of("sgd", Map.of("lr", 0.05, "momentum", 0.5)));
            default -> {
            }
        }
        return t;
    }

    private Map<String, Object> prune(boolean vars) {
        Map<String, Object> p = new LinkedHashMap<>();
        p.put("scorer", random.nextBoolean() ? "magnitude" : Map.of("magnitude", Map.of("norm", random.nextBoolean() ? "l1" : "l2")));
        p.put("granularity", GRANULARITIES.get(random.nextInt(GRANULARITIES.size())));
        if (random.nextBoolean()) {
            p.put("sparsity", vars && random.nextBoolean() ? "${target}" : random.nextInt(95) / 100.0);
        } else {
            Map<String, Object> s = new LinkedHashMap<>();
            s.put("re:fc[12].*", random.nextInt(95) / 100.0);
            s.put("fc3.weight", 0.2);
            s.put("default", vars ? "${target:-0.3}" : 0.3);
            p.put("sparsity", s);
        }
        if (random.nextBoolean()) {
            p.put("schedule", random.nextBoolean() ? "one-shot" : Map.of("iterative", Map.of("steps", 1 + random.nextInt(5),
                    "ramp", random.nextBoolean() ? "cubic" : "linear", "finetune", Map.of("epochs", 1))));
        }
        if (random.nextBoolean()) {
            p.put("layers", Map.of("include", List.of("re:fc.*"), "exclude", List.of("fc3.weight")));
        }
        return p;
    }

    private List<String> metrics() {
        List<String> m = new ArrayList<>();
        for (String metric : METRICS) {
            if (random.nextBoolean() || m.isEmpty() && metric.equals("latency")) {
                m.add(metric);
            }
        }
        return m;
    }

    private String name() {
        StringBuilder sb = new StringBuilder();
        int words = 1 + random.nextInt(3);
        for (int w = 0; w < words; w++) {
            sb.append(w == 0 ? "" : "-");
            int len = 1 + random.nextInt(6);
            for (int i = 0; i < len; i++) {
                sb.append((char) ('a' + random.nextInt(26)));
            }
        }
        return sb.toString();
    }
}
