package dev.condense.engine.graph;

import dev.condense.api.model.ChannelGroup;
import dev.condense.api.model.ChannelSlice;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Union-find over channel spaces for {@link ChannelDependencies}. A space is the set of channels one node
 * creates (a Conv's or Gemm's outputs, a graph input's channels); spaces joined by a residual Add become one
 * group. A space is fixed (never prunable) when any joined space is.
 */
final class ChannelSpaces {
    private final List<Integer> parent = new ArrayList<>();
    private final List<Long> sizes = new ArrayList<>();
    private final List<String> sources = new ArrayList<>();
    private final List<Boolean> fixed = new ArrayList<>();
    private final List<List<ChannelSlice>> members = new ArrayList<>();

    /** A new space of {@code size} channels created by node {@code source}; returns its id. */
    int create(String source, long size, boolean isFixed) {
        int id = parent.size();
        parent.add(id);
        sizes.add(size);
        sources.add(source);
        fixed.add(isFixed);
        members.add(new ArrayList<>());
        return id;
    }

    long size(int space) {
        return sizes.get(space);
    }

    int find(int s) {
        while (parent.get(s) != s) {
            parent.set(s, parent.get(parent.get(s)));
            s = parent.get(s);
        }
        return s;
    }

    void add(int space, ChannelSlice slice) {
        members.get(space).add(slice);
    }

    void fix(int space) {
        fixed.set(find(space), true);
    }

    /** Joins two spaces of equal size (channel {@code c} of one is channel {@code c} of the other). */
    void union(int a, int b) {
        int ra = find(a);
        int rb = find(b);
        if (ra == rb) {
            return;
        }
        if (!sizes.get(ra).equals(sizes.get(rb))) {
            fix(ra);
            fix(rb);
            return;
        }
        int root = Math.min(ra, rb);
        int other = Math.max(ra, rb);
        parent.set(other, root);
        fixed.set(root, fixed.get(root) || fixed.get(other));
    }

    /** The prunable groups: one per unfixed root, members and sources in creation order. */
    List<ChannelGroup> groups() {
        Map<Integer, List<Integer>> byRoot = new TreeMap<>();
        for (int s = 0; s < parent.size(); s++) {
            byRoot.computeIfAbsent(find(s), k -> new ArrayList<>()).add(s);
        }
        List<ChannelGroup> out = new ArrayList<>();
        byRoot.forEach((root, spaces) -> {
            if (!fixed.get(root)) {
                List<String> src = spaces.stream().map(sources::get).toList();
                List<ChannelSlice> m = spaces.stream().flatMap(s -> members.get(s).stream()).toList();
                out.add(new ChannelGroup(src, sizes.get(root), m));
            }
        });
        return out;
    }
}
