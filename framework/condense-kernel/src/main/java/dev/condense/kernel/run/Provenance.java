package dev.condense.kernel.run;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import com.fasterxml.jackson.dataformat.yaml.YAMLGenerator;
import dev.condense.api.data.Dataset;
import dev.condense.kernel.plan.Plan;
import dev.condense.kernel.stage.InputFile;
import dev.condense.kernel.stage.PlannedStage;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.zip.ZipFile;
import org.nd4j.linalg.factory.Nd4j;

/**
 * Writes provenance.yaml (design invariant 4): the resolved recipe, every installed plugin with version and the
 * SHA-256 of its zip, the data set's hash, the seed, and the versions of Condense, the JVM and the ND4J backend.
 * {@code condense run --replay} reads it back (see {@link Replay}).
 */
public final class Provenance {
    static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory()
            .disable(YAMLGenerator.Feature.WRITE_DOC_START_MARKER).enable(YAMLGenerator.Feature.MINIMIZE_QUOTES));

    private Provenance() {
    }

    static void write(Path file, Plan plan, Dataset data, List<Path> pluginZips, String condenseVersion) throws IOException {
        Map<String, Object> p = new LinkedHashMap<>();
        p.put("condense", condenseVersion);
        p.put("seed", plan.seed());
        p.put("recipe_file", plan.source().toString());
        p.put("plugins", plugins(pluginZips));
        if (data != null) {
            p.put("dataset", Map.of("id", data.id(), "sha256", data.sha256()));
        }
        inputs(p, plan);
        Map<String, Object> env = new LinkedHashMap<>();
        env.put("java", System.getProperty("java.vm.name") + " " + System.getProperty("java.runtime.version"));
        env.put("os", System.getProperty("os.name") + " " + System.getProperty("os.arch"));
        env.put("nd4j", artifactVersion(Nd4j.class, "org.nd4j/nd4j-api"));
        env.put("nd4j_backend", Nd4j.getBackend().getClass().getName());
        env.put("nd4j_blas", Nd4j.factory().blas().getBlasVendor().toString());
        dev.condense.engine.blas.BlasCore blas = dev.condense.engine.blas.OpenBlasProbe.current();
        Map<String, Object> blasInfo = new LinkedHashMap<>();
        blasInfo.put("library", blas.library());
        blasInfo.put("version", blas.version());
        blasInfo.put("core", blas.core());
        blasInfo.put("generic_fallback", blas.fallback());
        blasInfo.put("wrong_double_lapack", blas.unsafe());
        env.put("blas", blasInfo);
        dev.condense.engine.blas.CpuFeatures.current().ifPresent(cpu -> env.put("cpu", Map.of("vendor", cpu.vendor(),
                "instruction_sets", cpu.instructionSets())));
        env.put("nd4j_native_build", org.bytedeco.javacpp.Loader.getPlatform() + System.getProperty("org.bytedeco.javacpp.platform.extension", ""));
        env.put("omp_num_threads", System.getenv().getOrDefault("OMP_NUM_THREADS", "unset"));
        env.put("processors", Runtime.getRuntime().availableProcessors());
        env.put("cpu_placement", dev.condense.engine.runtime.CpuPlacement.current().describe());
        p.put("environment", env);
        p.put("resolved_recipe", ResolvedRecipe.toMap(plan));
        YAML.writeValue(file.toFile(), p);
    }

    /**
     * Every stage's input files ({@link InputFile}: teachers, ...) with their SHA-256, under {@code <role>s}: stage
     * (1-based), file, sha256 and the JSON pointer of the file in the resolved recipe ({@link Replay} makes it
     * absolute there).
     */
    private static void inputs(Map<String, Object> p, Plan plan) throws IOException {
        for (int i = 0; i < plan.stages().size(); i++) {
            PlannedStage stage = plan.stages().get(i);
            for (InputFile f : stage.inputs()) {
                Map<String, Object> m = new LinkedHashMap<>();
                m.put("stage", i + 1);
                m.put("file", f.file().toString());
                m.put("sha256", sha256(f.file()));
                StringBuilder pointer = new StringBuilder("/stages/" + i + "/" + stage.kind());
                f.keys().forEach(k -> pointer.append('/').append(k));
                m.put("pointer", pointer.append("/file").toString());
                @SuppressWarnings("unchecked")
                List<Object> list = (List<Object>) p.computeIfAbsent(f.provenanceKey(), k -> new ArrayList<>());
                list.add(m);
            }
        }
    }

    /** The Maven version of the jar holding {@code type}, from its pom.properties, or "unknown". */
    static String artifactVersion(Class<?> type, String groupAndArtifact) {
        try (InputStream in = type.getResourceAsStream("/META-INF/maven/" + groupAndArtifact + "/pom.properties")) {
            if (in == null) {
                return "unknown";
            }
            Properties p = new Properties();
            p.load(in);
            return p.getProperty("version", "unknown");
        } catch (IOException e) {
            return "unknown";
        }
    }

    /** Id, version and zip SHA-256 of every plugin zip, read from the zips themselves. */
    static List<Map<String, Object>> plugins(List<Path> zips) throws IOException {
        List<Map<String, Object>> out = new ArrayList<>();
        for (Path zip : zips) {
            Properties props = new Properties();
            try (ZipFile z = new ZipFile(zip.toFile())) {
                var entry = z.getEntry("plugin.properties");
                if (entry == null) {
                    continue;
                }
                try (InputStream in = z.getInputStream(entry)) {
                    props.load(in);
                }
            }
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("id", props.getProperty("plugin.id"));
            m.put("version", props.getProperty("plugin.version"));
            m.put("sha256", sha256(zip));
            out.add(m);
        }
        return out;
    }

    static String sha256(Path file) throws IOException {
        try {
            MessageDigest md = MessageDigest.getInstance("SHA-256");
            try (InputStream in = Files.newInputStream(file)) {
                byte[] buf = new byte[1 << 16];
                for (int n; (n = in.read(buf)) > 0; ) {
                    md.update(buf, 0, n);
                }
            }
            return HexFormat.of().formatHex(md.digest());
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    static String sha256(String text) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(text.getBytes(java.nio.charset.StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
