package dev.condense.kernel.recipe;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.dataformat.yaml.YAMLGenerator;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import dev.condense.kernel.plan.FakeLookup;
import dev.condense.kernel.plan.Planner;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.statistics.Statistics;

/**
 * Property: whatever the text, loading and planning a recipe ends in success or in a {@link RecipeException} located
 * inside the text (line and column within it), never in another exception. Recipes are generated valid
 * ({@link RecipeGenerator}) and then mutated ({@link RecipeMutator}); they are parsed from memory, nothing is written.
 * Seeds are fixed so that the build is reproducible; a failure found with another seed becomes a plain test (as
 * {@code YamlReaderTest.unterminatedQuoteBeforeAMappingIsASyntaxError}); change the seed locally to explore further.
 */
class RecipePropertiesTest {
    private static final Path FILE = Path.of("generated", "recipe.yaml");
    private static final YAMLMapper YAML = YAMLMapper.builder().disable(YAMLGenerator.Feature.WRITE_DOC_START_MARKER).build();

    @Property(tries = 300, seed = "20261201")
    void generatedRecipesLoadAndPlan(@ForAll("valid") String yaml) {
        try {
            load(yaml);
        } catch (RecipeException e) {
            fail("a generated recipe failed: " + e.getMessage() + "\n" + yaml);
        }
    }

    @Property(tries = 1000, seed = "20261201")
    void mutatedRecipesSucceedOrFailAtALocationInTheFile(@ForAll("mutated") String yaml) {
        String outcome = "loaded";
        try {
            load(yaml);
        } catch (RecipeException e) {
            assertInside(e, yaml);
            outcome = e.detail().startsWith("invalid YAML") ? "YAML error" : "recipe error";
        } catch (RuntimeException | StackOverflowError e) {
            throw new AssertionError("not a RecipeException: " + e + "\n--- recipe:\n" + yaml, e);
        }
        Statistics.label("outcome").collect(outcome);
        Statistics.label("outcome").coverage(c -> {
            c.check("recipe error").percentage(p -> p > 30);
            c.check("YAML error").percentage(p -> p > 3);
            c.check("loaded").percentage(p -> p > 3);
        });
    }

    @Provide
    Arbitrary<String> valid() {
        return Arbitraries.randomValue(random -> render(new RecipeGenerator(random).recipe()));
    }

    @Provide
    Arbitrary<String> mutated() {
        return Arbitraries.randomValue(random -> {
            Map<String, Object> tree = new RecipeGenerator(random).recipe();
            RecipeMutator mutator = new RecipeMutator(random);
            boolean onTree = random.nextInt(3) > 0;
            if (onTree) {
                mutator.mutateTree(tree);
            }
            String text = render(tree);
            return onTree && random.nextBoolean() ? text : mutator.mutateText(text);
        });
    }

    private static void load(String yaml) {
        new Planner(new FakeLookup()).plan(RecipeLoader.parse(FILE, yaml, List.of()));
    }

    /** Line and column within the text, counting line breaks as YAML does. */
    private static void assertInside(RecipeException e, String yaml) {
        Location at = e.location();
        assertEquals(FILE, at.file(), e.getMessage());
        String[] lines = yaml.split("\r\n|[\r\n\u0085\u2028\u2029]", -1);
        assertTrue(at.line() >= 1 && at.line() <= lines.length, () -> "line out of the file: " + e.getMessage()
                + "\n--- recipe:\n" + yaml);
        int length = lines[at.line() - 1].length();
        assertTrue(at.column() >= 1 && at.column() <= length + 1, () -> "column out of line " + at.line() + " (length "
                + length + "): " + e.getMessage() + "\n--- recipe:\n" + yaml);
    }

    private static String render(Map<String, Object> tree) {
        try {
            return YAML.writeValueAsString(tree);
        } catch (JsonProcessingException e) {
            throw new UncheckedIOException(e);
        }
    }
}
