package dev.condense.kernel.stage.distill;

import dev.condense.api.model.ModelGraph;
import dev.condense.api.model.Node;
import dev.condense.api.model.ValueInfo;
import dev.condense.engine.graph.ShapeInference;
import dev.condense.engine.train.FeaturePair;
import dev.condense.kernel.recipe.LayerPattern;
import dev.condense.kernel.recipe.Location;
import dev.condense.engine.text.Quote;
import dev.condense.kernel.recipe.RecipeException;
import dev.condense.kernel.recipe.Suggestions;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

/**
 * Resolves a {@link FeatureMapEntry} against the student and the teacher graph into {@link FeaturePair}s: the
 * student pattern over the student's inputs and node outputs, the teacher pattern over the teacher's node outputs,
 * both in graph order; k student tensors pair with k teacher tensors chosen by the entry's {@link LayerPick} from the
 * M &ge; k matched. Errors are {@link RecipeException}s at the pattern: a name that does not exist (with "did you
 * mean"), a regex matching nothing, fewer teacher than student tensors, ranks other than 2, 3 or 4 or differing,
 * spatial sizes or sequence lengths ({@code [N, L, D]}) that differ. Widths may differ: a learned projection, or with {@code project: false} none.
 */
final class LayerMap {
    private final ModelGraph student;
    private final ModelGraph teacher;
    private final Map<String, long[]> studentShapes;
    private final Map<String, long[]> teacherShapes;

    LayerMap(ModelGraph student, ModelGraph teacher) {
        this.student = student;
        this.teacher = teacher;
        this.studentShapes = ShapeInference.infer(student);
        this.teacherShapes = ShapeInference.infer(teacher);
    }

    /** @return the entry's pairs, in student order */
    List<FeaturePair> resolve(FeatureMapEntry e) {
        return resolve(e.student(), e.teacher(), e.pick(), e.project(), e.location());
    }

    /**
     * @param project whether differing widths get a learned projection (else the tensors reach the loss as they are)
     * @param at      where the entry is written (for errors about a pair as a whole)
     * @return the pairs, in student order
     */
    List<FeaturePair> resolve(LayerPattern studentPattern, LayerPattern teacherPattern, LayerPick pick,
                              boolean project, Location at) {
        List<String> s = match(studentPattern, tensors(student, true), "the model");
        List<String> t = match(teacherPattern, tensors(teacher, false), "the teacher");
        if (t.size() < s.size()) {
            throw new RecipeException(teacherPattern.location(), "the teacher pattern " + Quote.single(teacherPattern.pattern())
                    + " matches " + t.size() + " tensor(s) but the student pattern matches " + s.size()
                    + "; each student tensor needs a teacher tensor");
        }
        int[] chosen = pick.choose(t.size(), s.size());
        List<FeaturePair> pairs = new ArrayList<>();
        for (int i = 0; i < s.size(); i++) {
            pairs.add(pair(s.get(i), t.get(chosen[i]), teacherPattern.location(), project, at));
        }
        return pairs;
    }

    private FeaturePair pair(String s, String t, Location teacherAt, boolean project, Location at) {
        long[] ss = studentShapes.get(s);
        long[] ts = teacherShapes.get(t);
        String both = "student " + Quote.single(s) + " " + Arrays.toString(ss) + ", teacher " + Quote.single(t) + " "
                + Arrays.toString(ts);
        if (ss == null || ts == null) {
            throw new RecipeException(at, "unknown shape of a feature tensor: " + both);
        }
        if (ss.length != ts.length || ss.length < 2 || ss.length > 4) {
            throw new RecipeException(at, "a feature pair needs two [N, C, H, W] or two [N, D] tensors (or two [N, L, D]"
                    + " token states): " + both);
        }
        if (ss.length == 3 && ss[1] != ts[1]) {
            throw new RecipeException(teacherAt, "the sequence lengths cannot match: " + both
                    + "; student and teacher must take the same sequence length");
        }
        if (ss.length == 4 && (ss[2] != ts[2] || ss[3] != ts[3])) {
            throw new RecipeException(teacherAt, "the spatial sizes cannot match: " + both
                    + "; tap a teacher tensor of spatial size " + ss[2] + "x" + ss[3]);
        }
        return new FeaturePair(s, ss, t, ts, project);
    }

    private static List<String> match(LayerPattern p, List<String> names, String where) {
        List<String> hits = names.stream().filter(p::matches).toList();
        if (hits.isEmpty()) {
            String hint = p.isRegex() ? "" : Suggestions.hint(p.pattern(), names);
            throw new RecipeException(p.location(), (p.isRegex() ? "the pattern " + Quote.single(p.pattern())
                    + " matches no tensor of " + where : "no tensor " + Quote.single(p.pattern()) + " in " + where)
                    + hint + " (a feature names a node output" + (where.equals("the model") ? " or the input" : "")
                    + ")");
        }
        return hits;
    }

    private static List<String> tensors(ModelGraph g, boolean withInputs) {
        List<String> names = new ArrayList<>();
        if (withInputs) {
            g.inputs().stream().map(ValueInfo::name).forEach(names::add);
        }
        for (Node n : g.nodes()) {
            names.addAll(n.outputs());
        }
        return names;
    }
}
