package dev.jfs.build;

import java.util.List;

/**
 * A Dockerfile instruction with its arguments taken apart but not yet expanded: variables are
 * substituted when the builder reaches the step, with the stage's ENV and ARG values then.
 */
public sealed interface Instruction {
    SourceLine source();

    /** RUN, CMD and ENTRYPOINT's argument: exec form (a JSON array) or shell form (one string). */
    record Command(boolean exec, List<String> args, String shellText) {
        /** The argv to run, the shell form through {@code shell}. */
        public List<String> argv(List<String> shell) {
            if (exec) return args;
            List<String> out = new java.util.ArrayList<>(shell);
            out.add(shellText);
            return out;
        }

        /** The form docker writes in history: the JSON array or the shell text. */
        public String display() {
            return exec ? Json.array(args) : shellText;
        }
    }

    record KeyValue(String key, String value) {}

    record From(SourceLine source, String image, String stageName, String platform) implements Instruction {}

    /** {@code cacheTargets}: the targets of {@code --mount=type=cache}; {@code script}: a lone heredoc run as the shell script. */
    record Run(SourceLine source, Command command, List<String> cacheTargets, String network) implements Instruction {}

    record Copy(SourceLine source, boolean add, List<String> sources, String dest, String from, String chown,
            String chmod, boolean link, List<Heredoc> heredocs) implements Instruction {}

    record Workdir(SourceLine source, String path) implements Instruction {}

    record Env(SourceLine source, List<KeyValue> pairs) implements Instruction {}

    /** {@code value} is null for {@code ARG NAME} without a default. */
    record Arg(SourceLine source, List<KeyValue> args) implements Instruction {}

    record User(SourceLine source, String user) implements Instruction {}

    record Label(SourceLine source, List<KeyValue> pairs) implements Instruction {}

    record Expose(SourceLine source, List<String> ports) implements Instruction {}

    record Volume(SourceLine source, List<String> paths) implements Instruction {}

    record StopSignal(SourceLine source, String signal) implements Instruction {}

    record Shell(SourceLine source, List<String> shell) implements Instruction {}

    record Cmd(SourceLine source, Command command) implements Instruction {}

    record Entrypoint(SourceLine source, Command command) implements Instruction {}

    /** {@code test} is {@code ["NONE"]} for HEALTHCHECK NONE; durations in nanoseconds, 0 = not given. */
    record Healthcheck(SourceLine source, List<String> test, long interval, long timeout, long startPeriod,
            long startInterval, int retries) implements Instruction {}

    record OnBuild(SourceLine source, String expression) implements Instruction {}

    record Maintainer(SourceLine source, String name) implements Instruction {}
}
