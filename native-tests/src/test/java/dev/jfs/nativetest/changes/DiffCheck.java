package dev.jfs.nativetest.changes;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * Checks `jfs diff` output against two snapshots (path to Tree description): M, the merged view,
 * and L, the lowers alone, with the rules of SPEC 4 and issue 3.
 */
final class DiffCheck {
    record Line(String kind, String path) {
        @Override
        public String toString() {
            return kind + " " + path;
        }
    }

    private DiffCheck() {}

    static List<Line> parseText(String out) {
        List<Line> lines = new ArrayList<>();
        for (String l : out.split("\n", -1)) {
            if (l.isEmpty()) continue;
            if (l.length() < 3 || l.charAt(1) != ' ') throw new AssertionError("not a diff line: '" + l + "'");
            lines.add(new Line(l.substring(0, 1), l.substring(2)));
        }
        return lines;
    }

    static List<Line> parseJson(String out) throws Exception {
        JsonNode a = new ObjectMapper().readTree(out);
        if (a == null || !a.isArray()) throw new AssertionError("not a JSON array: " + out);
        List<Line> lines = new ArrayList<>();
        for (JsonNode n : a) {
            if (n.size() != 2 || !n.has("kind") || !n.has("path")) throw new AssertionError("not {kind, path}: " + n);
            lines.add(new Line(n.get("kind").asText(), n.get("path").asText()));
        }
        return lines;
    }

    /**
     * Every broken rule. {@code madeAgain}: directories of L the upper shows as removed and made
     * again (opaque, or redirected from elsewhere), which must be D although they exist.
     */
    static List<String> problems(List<Line> lines, Map<String, String> merged, Map<String, String> lowers,
            Set<String> madeAgain) {
        List<String> p = new ArrayList<>();
        Map<String, String> m = without(merged), l = without(lowers);
        Map<String, String> kinds = new LinkedHashMap<>();
        String prev = null;
        for (Line line : lines) {
            if (!Set.of("A", "C", "D").contains(line.kind())) p.add(line + ": unknown kind");
            if (!line.path().startsWith("/") || line.path().equals("/") || line.path().endsWith("/")) {
                p.add(line + ": not an absolute path below the root");
            }
            if (kinds.put(line.path(), line.kind()) != null) p.add(line + ": path listed twice");
            if (prev != null && TreeOrder.compare(prev, line.path()) >= 0) p.add(line + ": out of tree order after " + prev);
            prev = line.path();
        }
        Set<String> dLines = new HashSet<>();
        kinds.forEach((path, k) -> {
            if (k.equals("D")) dLines.add(path);
        });
        // A == M - L exactly.
        Set<String> wantA = new TreeSet<>(TreeOrder.PATHS);
        for (String path : m.keySet()) if (!l.containsKey(path)) wantA.add(path);
        Set<String> gotA = new TreeSet<>(TreeOrder.PATHS);
        kinds.forEach((path, k) -> {
            if (k.equals("A")) gotA.add(path);
        });
        for (String path : wantA) if (!gotA.contains(path)) p.add("missing: A " + path + " (" + m.get(path) + ")");
        for (String path : gotA) if (!wantA.contains(path)) p.add("wrong: A " + path + (m.containsKey(path)
                ? " is in the lowers too: " + l.get(path) : " is not in the merged view"));
        // Removed paths are covered by a D (on them or an ancestor).
        for (String path : l.keySet()) {
            if (m.containsKey(path) || coveredByD(path, dLines)) continue;
            p.add("missing: D " + path + " (or on an ancestor): gone from the merged view, was " + l.get(path));
        }
        // Changed paths are C (D if a directory in both).
        for (String path : m.keySet()) {
            if (!l.containsKey(path)) continue;
            boolean dirBoth = isDir(m.get(path)) && isDir(l.get(path));
            String k = kinds.get(path);
            if (madeAgain.contains(path) && dirBoth) {
                if (!"D".equals(k)) p.add("missing: D " + path + " (removed and made again), got " + k);
                continue;
            }
            if (!m.get(path).equals(l.get(path))) {
                boolean ok = "C".equals(k) || (dirBoth && "D".equals(k));
                if (!ok) p.add("missing: C " + path + ", got " + k + ": lowers " + l.get(path) + " / merged " + m.get(path));
            }
        }
        for (Map.Entry<String, String> e : kinds.entrySet()) {
            String path = e.getKey(), k = e.getValue();
            String parent = TreeOrder.parent(path);
            if (!parent.equals("/") && !kinds.containsKey(parent)) p.add("missing: a line for " + parent + ", parent of " + e.getValue() + " " + path);
            if (k.equals("C")) {
                if (!m.containsKey(path) || !l.containsKey(path)) {
                    p.add("wrong: C " + path + ": " + (m.containsKey(path) ? "not in the lowers" : "not in the merged view"));
                } else if (m.get(path).equals(l.get(path)) && kinds.keySet().stream().noneMatch(q -> TreeOrder.isAncestor(path, q))) {
                    p.add("wrong: C " + path + ": unchanged (" + m.get(path) + ") and no change below it");
                }
            }
            if (k.equals("D")) {
                if (!madeAgain.contains(path) && dLines.stream().anyMatch(a -> TreeOrder.isAncestor(a, path))) {
                    p.add("wrong: D " + path + ": below another D (topmost only)");
                }
                if (!l.containsKey(path)) p.add("wrong: D " + path + ": never in the lowers");
                else if (m.containsKey(path) && !(isDir(m.get(path)) && isDir(l.get(path)))) {
                    p.add("wrong: D " + path + ": exists, and is not a directory in both: " + l.get(path) + " / " + m.get(path));
                } else if (m.containsKey(path) && !madeAgain.contains(path) && dLines.stream().noneMatch(a -> TreeOrder.isAncestor(a, path))) {
                    p.add("wrong: D " + path + ": a directory in both that the upper does not show removed and made again");
                }
            }
        }
        return p;
    }

    private static boolean coveredByD(String path, Set<String> dLines) {
        for (String q = path; !q.equals("/"); q = TreeOrder.parent(q)) if (dLines.contains(q)) return true;
        return false;
    }

    static boolean isDir(String treeDescription) {
        return treeDescription.startsWith("4 ");
    }

    private static Map<String, String> without(Map<String, String> snapshot) {
        Map<String, String> m = new LinkedHashMap<>(snapshot);
        m.remove("/");
        return m;
    }
}
