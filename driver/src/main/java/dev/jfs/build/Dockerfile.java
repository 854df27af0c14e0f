package dev.jfs.build;

import dev.jfs.build.Instruction.Arg;
import dev.jfs.build.Instruction.From;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * A parsed Dockerfile: the ARGs before the first FROM (usable in FROM lines only) and the build
 * stages, each a FROM and the instructions up to the next FROM.
 */
public record Dockerfile(String file, char escape, List<Arg> metaArgs, List<Stage> stages) {

    public record Stage(int index, From from, List<Instruction> instructions) {
        /** The name given with {@code AS}, or null. */
        public String name() {
            return from.stageName();
        }
    }

    public static Dockerfile read(Path path, String displayName) throws java.io.IOException {
        return parse(displayName, Files.readString(path, StandardCharsets.UTF_8));
    }

    public static Dockerfile parse(String file, String text) {
        DockerfileParser.Parsed parsed = DockerfileParser.parse(file, text);
        InstructionParser parser = new InstructionParser(parsed.escape());
        List<Arg> meta = new ArrayList<>();
        List<Stage> stages = new ArrayList<>();
        From from = null;
        List<Instruction> current = null;
        for (SourceLine line : parsed.lines()) {
            Instruction instruction = parser.parse(line);
            if (instruction instanceof From f) {
                if (from != null) stages.add(new Stage(stages.size(), from, List.copyOf(current)));
                for (Stage s : stages) {
                    if (f.stageName() != null && f.stageName().equals(s.name())) {
                        throw line.error("duplicate name for build stage: \"" + f.stageName() + "\" (first used on line " + s.from().source().line() + ")");
                    }
                }
                from = f;
                current = new ArrayList<>();
            } else if (from == null) {
                if (!(instruction instanceof Arg a)) {
                    throw line.error(line.keyword().toUpperCase(Locale.ROOT) + " before the first FROM: only ARG may come before FROM");
                }
                meta.add(a);
            } else {
                current.add(instruction);
            }
        }
        if (from == null) {
            int last = parsed.lines().isEmpty() ? 1 : parsed.lines().get(parsed.lines().size() - 1).line();
            throw new DockerfileException(file, last, "no FROM instruction: a Dockerfile needs at least one build stage");
        }
        stages.add(new Stage(stages.size(), from, List.copyOf(current)));
        return new Dockerfile(file, parsed.escape(), List.copyOf(meta), List.copyOf(stages));
    }

    /** The stage named {@code name} (or numbered so), or null. */
    public Stage stage(String name) {
        String lower = name.toLowerCase(Locale.ROOT);
        for (Stage s : stages) if (lower.equals(s.name())) return s;
        if (name.matches("\\d+")) {
            int i = Integer.parseInt(name);
            if (i < stages.size()) return stages.get(i);
        }
        return null;
    }
}
