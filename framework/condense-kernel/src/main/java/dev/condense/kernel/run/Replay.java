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
        List<String> inputPointers = checkInputs(p, provenance);
        ObjectNode r = ((ObjectNode) recipe).deepCopy();
        absoluteFile(r.path("model"));
        for (String pointer : inputPointers) {
            JsonNode owner = r.at(pointer.substring(0, pointer.lastIndexOf('/')));
            absoluteFile(owner);
        }
        String dir = r.path("output").path("dir").asText();
        r.withObjectProperty("output").put("dir", dir + "-replay");
        Path file = Files.createTempDirectory("condense-replay-").resolve("replay.recipe.yaml");
        Files.writeString(file, Provenance.YAML.writeValueAsString(r));
        return file;
    }

    /**
     * Checks every stage input file provenance lists (each list under a {@code <role>s} key whose entries have
     * {@code file}, {@code sha256} and {@code pointer}: teachers, ...) is still there with the same bytes.
     *
     * @return the pointers of those files in the resolved recipe: they name files as the run saw them, relative to
     *         its working directory, while the replay recipe lives in a temporary directory, so they become absolute
     */
    private static List<String> checkInputs(JsonNode p, Path provenance) throws IOException {
        List<String> pointers = new java.util.ArrayList<>();
        for (var field : (Iterable<Map.Entry<String, JsonNode>>) p::fields) {
            String role = field.getKey().endsWith("s") ? field.getKey().substring(0, field.getKey().length() - 1) : field.getKey();
            for (JsonNode t : field.getValue()) {
                if (!t.isObject() || !t.has("pointer") || !t.has("sha256") || !t.has("file")) {
                    continue;
                }
                Path f = Path.of(t.path("file").asText());
                String sha = t.path("sha256").asText();
                if (!Files.isRegularFile(f) || !Provenance.sha256(f).equals(sha)) {
                    throw new RecipeException(Location.ofFile(provenance), "cannot replay: the " + role + " " + f
                            + " of stage " + t.path("stage").asText() + (Files.isRegularFile(f) ? " has changed" : " is missing")
                            + " since the run (sha256 then: " + sha + ")");
                }
                pointers.add(t.path("pointer").asText());
            }
        }
        return pointers;
    }

    /** Makes {@code owner}'s {@code file} value absolute, when it has one. */
    private static void absoluteFile(JsonNode owner) {
        if (owner.path("file").isTextual()) {
            ((ObjectNode) owner).put("file", Path.of(owner.get("file").asText()).toAbsolutePath().normalize().toString());
        }
    }
}
