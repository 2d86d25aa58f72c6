package dev.condense.kernel.run;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.condense.engine.io.InputFiles;
import dev.condense.kernel.recipe.Location;
import dev.condense.kernel.recipe.RecipeException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Turns a run's provenance.yaml back into a recipe to run again, after checking that every plugin the run used is
 * installed at the same version with the same zip bytes. The replay writes to {@code <original output>-replay}, so
 * its model can be compared byte for byte with the original's.
 */
public final class Replay {
    private Replay() {
    }

    /**
     * @return the recipe file to run (written into a new temporary directory; the original run is not touched)
     * @throws RecipeException when the provenance file is unreadable or a plugin differs, naming it and both versions
     */
    public static Path prepare(Path provenance, List<Path> installedZips) throws IOException {
        InputFiles.fileProblem(provenance).ifPresent(problem -> {
            throw new RecipeException(Location.ofFile(provenance), "provenance file " + problem);
        });
        JsonNode p;
        try {
            p = Provenance.YAML.readTree(provenance.toFile());
        } catch (IOException e) {
            throw new RecipeException(Location.ofFile(provenance), "cannot read provenance: " + e.getMessage());
        }
        JsonNode recipe = p.get("resolved_recipe");
        if (recipe == null || !recipe.isObject() || p.get("plugins") == null) {
            throw new RecipeException(Location.ofFile(provenance), "not a Condense provenance file (no resolved_recipe/plugins)");
        }
        Map<String, Map<String, Object>> installed = new HashMap<>();
        for (Map<String, Object> m : Provenance.plugins(installedZips)) {
            installed.put((String) m.get("id"), m);
        }
        for (JsonNode used : p.get("plugins")) {
            String id = used.get("id").asText();
            Map<String, Object> now = installed.get(id);
            if (now == null) {
                throw new RecipeException(Location.ofFile(provenance), "cannot replay: plugin " + id + " "
                        + used.get("version").asText() + " is not installed");
            }
            if (!now.get("version").equals(used.get("version").asText()) || !now.get("sha256").equals(used.get("sha256").asText())) {
                throw new RecipeException(Location.ofFile(provenance), "cannot replay: plugin " + id + " is "
                        + now.get("version") + " (sha256 " + now.get("sha256") + ") but the run used "
                        + used.get("version").asText() + " (sha256 " + used.get("sha256").asText() + ")");
            }
        }
        for (JsonNode t : p.path("teachers")) {
            Path f = Path.of(t.path("file").asText());
            String sha = t.path("sha256").asText();
            if (!Files.isRegularFile(f) || !Provenance.sha256(f).equals(sha)) {
                throw new RecipeException(Location.ofFile(provenance), "cannot replay: the teacher " + f + " of stage "
                        + t.path("stage").asText() + (Files.isRegularFile(f) ? " has changed" : " is missing")
                        + " since the run (sha256 then: " + sha + ")");
            }
        }
        ObjectNode r = ((ObjectNode) recipe).deepCopy();
        absoluteFiles(r);
        String dir = r.path("output").path("dir").asText();
        r.withObjectProperty("output").put("dir", dir + "-replay");
        Path file = Files.createTempDirectory("condense-replay-").resolve("replay.recipe.yaml");
        Files.writeString(file, Provenance.YAML.writeValueAsString(r));
        return file;
    }

    /**
     * The resolved recipe names model and teacher files as the run saw them, relative to its working directory; the
     * replay recipe lives in a temporary directory, against which a file name resolves, so they become absolute here.
     */
    private static void absoluteFiles(ObjectNode recipe) {
        absoluteFile(recipe.path("model"));
        for (JsonNode stage : recipe.path("stages")) {
            absoluteFile(stage.path("distill").path("teacher"));
        }
    }

    /** Makes {@code owner}'s {@code file} value absolute, when it has one. */
    private static void absoluteFile(JsonNode owner) {
        if (owner.path("file").isTextual()) {
            ((ObjectNode) owner).put("file", Path.of(owner.get("file").asText()).toAbsolutePath().normalize().toString());
        }
    }
}
