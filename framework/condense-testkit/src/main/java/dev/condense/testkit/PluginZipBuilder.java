package dev.condense.testkit;

import java.io.IOException;
import java.io.OutputStream;
import java.io.StringWriter;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;
import javax.tools.JavaCompiler;
import javax.tools.ToolProvider;

/**
 * Builds small plugin zips inside a test, the way {@code plugins/pom.xml} does: Java sources compiled with
 * {@code javax.tools} (PF4J's annotation processor named explicitly, so {@code META-INF/extensions.idx} is
 * generated) against the Condense API, PF4J, ND4J's API and jakarta.inject taken from the test's own class path;
 * then {@code plugin.properties} + {@code classes/} zipped. Nothing provided is bundled.
 *
 * <p>Sources are compiled once ({@link #compile}); {@link #writeZip} may then write many zips that differ only in
 * their properties or a {@link #stamp} entry (handy to produce a "replaced" zip with a new SHA-256 cheaply).
 */
public final class PluginZipBuilder {
    private static final List<String> CLASS_PATH_MARKERS = List.of("dev.condense.api.extension.Extension",
            "org.pf4j.Extension", "org.nd4j.linalg.api.ndarray.INDArray", "jakarta.inject.Inject", "org.slf4j.Logger");

    private final Map<String, String> properties = new LinkedHashMap<>();
    private final Map<String, String> sources = new LinkedHashMap<>();
    private String rawProperties;
    private String stamp = "";
    private Path classes;

    /** A plugin {@code pluginId}, version 1.0.0, requiring nothing, with no Plugin class. */
    public PluginZipBuilder(String pluginId) {
        properties.put("plugin.id", pluginId);
        properties.put("plugin.version", "1.0.0");
        properties.put("plugin.requires", "*");
        properties.put("plugin.provider", "tests");
        properties.put("plugin.class", "");
        properties.put("plugin.description", "test fixture " + pluginId);
    }

    /** Sets a {@code plugin.*} property, e.g. {@code property("plugin.requires", ">=99.0.0")}. */
    public PluginZipBuilder property(String key, String value) {
        properties.put(key, value);
        return this;
    }

    /** Replaces plugin.properties by {@code text} verbatim (to build broken descriptors). */
    public PluginZipBuilder rawProperties(String text) {
        rawProperties = text;
        return this;
    }

    /** Adds a Java source of class {@code className} (fully qualified). */
    public PluginZipBuilder source(String className, String code) {
        sources.put(className, code);
        classes = null;
        return this;
    }

    /** Text of an extra {@code stamp.txt} entry; changing it changes the zip's bytes and hash, nothing else. */
    public PluginZipBuilder stamp(String text) {
        stamp = text;
        return this;
    }

    /** Compiles the sources into {@code work/classes} (once) and returns that directory. */
    public Path compile(Path work) throws IOException {
        if (classes != null) {
            return classes;
        }
        Path src = Files.createDirectories(work.resolve("src"));
        Path out = Files.createDirectories(work.resolve("classes"));
        List<String> args = new ArrayList<>(List.of("-d", out.toString(), "-classpath", classPath(),
                "-processorpath", classPath(), "-processor", "org.pf4j.processor.ExtensionAnnotationProcessor",
                "-Xlint:none", "--release", "17"));
        for (Map.Entry<String, String> e : sources.entrySet()) {
            Path file = src.resolve(e.getKey().replace('.', '/') + ".java");
            Files.createDirectories(file.getParent());
            Files.writeString(file, e.getValue());
            args.add(file.toString());
        }
        JavaCompiler javac = ToolProvider.getSystemJavaCompiler();
        if (javac == null) {
            throw new IllegalStateException("PluginZipBuilder needs a JDK (javax.tools), not a JRE");
        }
        StringWriter diagnostics = new StringWriter();
        int rc = javac.run(null, null, new java.io.PrintStream(new WriterStream(diagnostics), true), args.toArray(String[]::new));
        if (rc != 0) {
            throw new IllegalStateException("fixture sources do not compile:\n" + diagnostics);
        }
        classes = out;
        return out;
    }

    /** Writes the plugin zip to {@code zip}, compiling first (into a directory beside it) when needed. */
    public Path writeZip(Path zip) throws IOException {
        if (!sources.isEmpty()) {
            compile(Files.createTempDirectory(zip.toAbsolutePath().getParent(), ".fixture-"));
        }
        Path tmp = zip.resolveSibling("." + zip.getFileName() + ".part");
        try (ZipOutputStream z = new ZipOutputStream(Files.newOutputStream(tmp))) {
            entry(z, "plugin.properties", descriptor().getBytes(StandardCharsets.ISO_8859_1));
            if (!stamp.isEmpty()) {
                entry(z, "stamp.txt", stamp.getBytes(StandardCharsets.UTF_8));
            }
            if (classes != null) {
                try (Stream<Path> files = Files.walk(classes)) {
                    for (Path f : files.filter(Files::isRegularFile).sorted().toList()) {
                        entry(z, "classes/" + classes.relativize(f).toString().replace('\\', '/'), Files.readAllBytes(f));
                    }
                }
            }
        }
        return Files.move(tmp, zip, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
    }

    private String descriptor() {
        if (rawProperties != null) {
            return rawProperties;
        }
        StringBuilder b = new StringBuilder();
        properties.forEach((k, v) -> b.append(k).append('=').append(v).append('\n'));
        return b.toString();
    }

    private static void entry(ZipOutputStream z, String name, byte[] bytes) throws IOException {
        ZipEntry e = new ZipEntry(name);
        e.setTime(0);
        z.putNextEntry(e);
        z.write(bytes);
        z.closeEntry();
    }

    /** The jars or directories holding the API, PF4J, ND4J's API, jakarta.inject and SLF4J, as found at run time. */
    static String classPath() {
        Set<String> parts = new LinkedHashSet<>();
        for (String marker : CLASS_PATH_MARKERS) {
            try {
                Class<?> c = Class.forName(marker, false, PluginZipBuilder.class.getClassLoader());
                parts.add(Path.of(c.getProtectionDomain().getCodeSource().getLocation().toURI()).toString());
            } catch (ClassNotFoundException e) {
                // optional on this class path (e.g. no ND4J): sources must then not use it
            } catch (URISyntaxException e) {
                throw new IllegalStateException(e);
            }
        }
        return String.join(java.io.File.pathSeparator, parts);
    }

    /** Adapts a Writer to the OutputStream javac writes diagnostics to. */
    private static final class WriterStream extends OutputStream {
        private final StringWriter w;

        WriterStream(StringWriter w) {
            this.w = w;
        }

        @Override
        public void write(int b) {
            w.write(b);
        }

        @Override
        public void write(byte[] b, int off, int len) {
            w.write(new String(b, off, len, StandardCharsets.UTF_8));
        }
    }

    /**
     * Java source of a fixture scorer extension {@code pkg.cls} with recipe id {@code id} (element granularity, scores
     * = a copy of the weight); its score throws when {@code throwing}. For plugin-loading tests.
     */
    public static String scorerSource(String pkg, String cls, String id, boolean throwing) {
        return """
                package %s;

                import dev.condense.api.extension.NoParams;
                import dev.condense.api.prune.Granularity;
                import dev.condense.api.prune.ImportanceScorer;
                import dev.condense.api.prune.ScoringRequest;
                import java.util.EnumSet;
                import java.util.Set;
                import org.nd4j.linalg.api.ndarray.INDArray;

                @org.pf4j.Extension
                public final class %s implements ImportanceScorer<NoParams> {
                    public String id() { return "%s"; }
                    public Class<NoParams> paramsType() { return NoParams.class; }
                    public String summary() { return "fixture scorer %s"; }
                    public Set<Granularity> granularities() { return EnumSet.of(Granularity.ELEMENT); }
                    public INDArray score(ScoringRequest r, NoParams p) {
                        if (%s) { throw new IllegalStateException("fixture scorer exploded"); }
                        return r.weight().dup();
                    }
                }
                """.formatted(pkg, cls, id, id, throwing);
    }

    /**
     * Java source of a fixture {@code Stage} extension {@code pkg.cls} with recipe id {@code id} that returns the
     * graph unchanged. For plugin-loading tests (e.g. a stage whose id is a built-in kind).
     */
    public static String stageSource(String pkg, String cls, String id) {
        return """
                package %s;

                import dev.condense.api.extension.NoParams;
                import dev.condense.api.model.ModelGraph;
                import dev.condense.api.stage.Stage;
                import dev.condense.api.stage.StageContext;

                @org.pf4j.Extension
                public final class %s implements Stage<NoParams> {
                    public String id() { return "%s"; }
                    public Class<NoParams> paramsType() { return NoParams.class; }
                    public String summary() { return "fixture stage %s"; }
                    public ModelGraph apply(ModelGraph graph, NoParams p, StageContext context) { return graph; }
                }
                """.formatted(pkg, cls, id, id);
    }
}
