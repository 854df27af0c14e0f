package dev.jfs.build;

import dev.jfs.UserError;
import dev.jfs.build.Instruction.*;
import dev.jfs.image.ContainerConfig;
import dev.jfs.image.ImageConfig;
import dev.jfs.image.ImageRef;
import dev.jfs.store.Image;
import dev.jfs.store.Store;
import dev.jfs.union.UnionFs;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * {@code jfs build}: runs a Dockerfile's stages step by step, each step's result an image in the
 * store, reused from the build cache when its key ({@link StepKey}) was seen before.
 */
public final class Builder {
    /**
     * @param dockerfileName the name errors give the Dockerfile (as the user wrote it)
     * @param timestamp      seconds since the epoch for every date and new file, or null
     */
    public record Options(Path context, Path dockerfile, String dockerfileName, List<String> tags,
            Map<String, String> buildArgs, String target, boolean noCache, Long timestamp) {}

    static final String DEFAULT_PATH = "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin";

    private final Store store;
    private final StepRunner runner;
    private final PrintStream progress;
    private final OutputStream runOut;
    private final OutputStream runErr;

    public Builder(Store store, StepRunner runner, PrintStream progress, OutputStream runOut, OutputStream runErr) {
        this.store = store;
        this.runner = runner;
        this.progress = progress;
        this.runOut = runOut;
        this.runErr = runErr;
    }

    /** Builds and tags the target stage; returns its image. Nothing is tagged when a step fails. */
    public Image build(Options o) throws IOException {
        List<ImageRef> tags = new ArrayList<>();
        for (String t : o.tags()) tags.add(ImageRef.parse(t));
        Dockerfile df = Dockerfile.read(o.dockerfile(), o.dockerfileName());
        String root = o.context().toRealPath().toString();
        ContextDir context = new ContextDir(root, DockerIgnore.read(o.context()));
        Dockerfile.Stage target = o.target() == null ? df.stages().get(df.stages().size() - 1) : df.stage(o.target());
        if (target == null) throw new UserError("--target " + o.target() + ": no such stage in " + o.dockerfileName());
        Map<String, String> metaArgs = metaArgs(df, o.buildArgs());
        List<Dockerfile.Stage> needed = needed(df, target, metaArgs);
        int total = 0;
        for (Dockerfile.Stage s : needed) total += 1 + s.instructions().size();
        BuildImages images = new BuildImages(store, o.timestamp(), progress);
        Session run = new Session(df, context, o, metaArgs, images, total);
        try {
            Image result = null;
            for (Dockerfile.Stage s : needed) {
                result = run.stage(s);
                run.built.put(s.index(), result);
            }
            Set<String> unused = new LinkedHashSet<>(o.buildArgs().keySet());
            unused.removeAll(run.consumed);
            if (!unused.isEmpty()) progress.println("warning: build arguments not consumed by any ARG: " + String.join(", ", unused));
            if (!tags.isEmpty()) {
                for (ImageRef t : tags) {
                    store.images().tag(result.id(), t.toString());
                    progress.println("Tagged " + t);
                }
                result = store.images().resolve(result.id());
            }
            return result;
        } finally {
            images.cleanUp();
        }
    }

    /** The ARGs before the first FROM, with --build-arg values over their defaults. */
    private static Map<String, String> metaArgs(Dockerfile df, Map<String, String> buildArgs) {
        Map<String, String> meta = new LinkedHashMap<>();
        ShellLexer lexer = new ShellLexer(df.escape());
        for (Arg a : df.metaArgs()) {
            for (KeyValue kv : a.args()) {
                String value = buildArgs.containsKey(kv.key()) ? buildArgs.get(kv.key())
                        : kv.value() == null ? null : expand(lexer, a.source(), kv.value(), meta::get);
                meta.put(kv.key(), value);
            }
        }
        return meta;
    }

    /** The target and the stages it needs (FROM a stage, COPY --from a stage), in file order. */
    private static List<Dockerfile.Stage> needed(Dockerfile df, Dockerfile.Stage target, Map<String, String> meta) {
        Set<Integer> want = new java.util.TreeSet<>();
        List<Dockerfile.Stage> todo = new ArrayList<>(List.of(target));
        ShellLexer lexer = new ShellLexer(df.escape());
        while (!todo.isEmpty()) {
            Dockerfile.Stage s = todo.remove(todo.size() - 1);
            if (!want.add(s.index())) continue;
            List<String> refs = new ArrayList<>();
            refs.add(expand(lexer, s.from().source(), s.from().image(), meta::get));
            for (Instruction i : s.instructions()) if (i instanceof Copy c && c.from() != null) refs.add(c.from());
            for (String ref : refs) {
                Dockerfile.Stage dep = df.stage(ref);
                if (dep != null && dep.index() < s.index()) todo.add(dep);
            }
        }
        List<Dockerfile.Stage> out = new ArrayList<>();
        for (int i : want) out.add(df.stages().get(i));
        return out;
    }

    static String expand(ShellLexer lexer, SourceLine src, String text, ShellLexer.Variables vars) {
        try {
            return lexer.word(text, vars);
        } catch (IllegalArgumentException e) {
            throw src.error(e.getMessage());
        }
    }

    /** One build's state: the stages built so far, the step counter, the build args used. */
    private final class Session {
        final Dockerfile df;
        final ContextDir context;
        final Options o;
        final Map<String, String> metaArgs;
        final BuildImages images;
        final BuildCache cache;
        final ShellLexer lexer;
        final ConfigEditor editor;
        int total;
        final Map<Integer, Image> built = new HashMap<>();
        final Set<String> consumed = new LinkedHashSet<>();
        int step;
        /** Whether the step running is one of the base image's ONBUILD triggers. */
        boolean trigger;

        Session(Dockerfile df, ContextDir context, Options o, Map<String, String> metaArgs, BuildImages images, int total) {
            this.df = df;
            this.context = context;
            this.o = o;
            this.metaArgs = metaArgs;
            this.images = images;
            this.cache = new BuildCache(store);
            this.lexer = new ShellLexer(df.escape());
            this.editor = new ConfigEditor(df.escape());
            this.total = total;
            consumed.addAll(metaArgs.keySet());
        }

        Image stage(Dockerfile.Stage s) throws IOException {
            From from = s.from();
            String name = expand(lexer, from.source(), from.image(), metaArgs::get);
            Image current = withDefaultPath(base(name, s));
            Map<String, String> args = new LinkedHashMap<>();
            ConfigEditor.StageFlags flags = new ConfigEditor.StageFlags();
            List<Instruction> steps = new ArrayList<>();
            List<String> triggers = current.config().runConfig().onBuild;
            if (triggers != null && !triggers.isEmpty()) {
                InstructionParser parser = new InstructionParser(df.escape());
                for (String t : triggers) steps.add(parser.parse(DockerfileParser.nested(from.source(), t, df.escape())));
                ImageConfig cleared = BuildImages.copy(current.config());
                cleared.runConfig().onBuild = null;
                current = images.sameHistory(current, cleared); // the triggers run once, here; the new image has none
                total += triggers.size();
            }
            announce(from.source(), "FROM " + name + (s.name() != null ? " AS " + s.name() : ""), false);
            int triggerCount = steps.size();
            steps.addAll(s.instructions());
            for (int i = 0; i < steps.size(); i++) {
                trigger = i < triggerCount;
                current = step(steps.get(i), current, args, flags);
            }
            trigger = false;
            return current;
        }

        /** A stage's config gets docker's PATH when its base has none, as docker and buildah give it. */
        private Image withDefaultPath(Image base) {
            List<String> env = base.config().runConfig().env;
            if (env != null && env.stream().anyMatch(e -> e.startsWith("PATH="))) return base;
            ImageConfig c = BuildImages.copy(base.config());
            ConfigEditor.setEnv(c.runConfig(), "PATH", DEFAULT_PATH);
            return images.sameHistory(base, c);
        }

        private Image base(String name, Dockerfile.Stage s) {
            if (name.equalsIgnoreCase("scratch")) return images.scratch();
            Dockerfile.Stage earlier = df.stage(name);
            if (earlier != null && earlier.index() < s.index() && built.containsKey(earlier.index())) {
                return built.get(earlier.index());
            }
            Image found = store.images().find(name);
            if (found == null) {
                throw s.from().source().error("FROM " + name + ": no such image in the store (jfs build does not pull: "
                        + "jfs pull or jfs load it first)");
            }
            return found;
        }

        private void announce(SourceLine src, String text, boolean cached) {
            step++;
            String line = "STEP " + step + "/" + total + ": " + (trigger ? "ONBUILD " : "") + text.replace("\n", "\\n");
            if (line.length() > 200) line = line.substring(0, 197) + "...";
            progress.println(cached ? line + " CACHED" : line);
            progress.flush();
        }

        private Image step(Instruction in, Image current, Map<String, String> args, ConfigEditor.StageFlags flags)
                throws IOException {
            ContainerConfig cc = current.config().runConfig();
            Variables vars = new Variables(cc.env, args);
            if (in instanceof Arg a) {
                for (KeyValue kv : a.args()) {
                    String value;
                    if (o.buildArgs().containsKey(kv.key())) {
                        value = o.buildArgs().get(kv.key());
                        consumed.add(kv.key());
                    } else if (kv.value() != null) {
                        value = expand(lexer, a.source(), kv.value(), vars);
                    } else {
                        value = metaArgs.get(kv.key());
                    }
                    args.put(kv.key(), value);
                }
                announce(in.source(), in.source().original(), false);
                return current;
            }
            if (in instanceof Run r) return run(r, current, args, vars);
            if (in instanceof Copy c) return copy(c, current, vars);
            ImageConfig next = BuildImages.copy(current.config());
            String createdBy = editor.apply(in, next.runConfig(), vars, flags);
            if (in instanceof Maintainer m) next.author = m.name();
            String key = StepKey.of(current.id(), createdBy);
            Image hit = cached(key);
            announce(in.source(), in.source().original(), hit != null);
            if (hit != null) return hit;
            Image made = images.withConfig(current, next, createdBy);
            cache.put(key, made.id());
            return made;
        }

        private Image cached(String key) {
            return o.noCache() ? null : cache.find(key);
        }

        private Image run(Run r, Image current, Map<String, String> args, Variables vars) throws IOException {
            ContainerConfig cc = current.config().runConfig();
            List<String> argv = r.command().argv(ConfigEditor.shell(cc));
            List<String> env = Variables.runEnvironment(cc.env, args);
            if (env.stream().noneMatch(e -> e.startsWith("PATH="))) env.add("PATH=" + DEFAULT_PATH);
            String cwd = cc.workingDir == null || cc.workingDir.isEmpty() ? "/" : cc.workingDir;
            String user = cc.user == null ? "" : cc.user;
            List<String> argWords = new ArrayList<>();
            args.forEach((k, v) -> {
                if (v != null) argWords.add(k + "=" + v);
            });
            String createdBy = "RUN " + (argWords.isEmpty() ? "" : "|" + argWords.size() + " " + String.join(" ", argWords) + " ")
                    + String.join(" ", argv);
            String key = StepKey.of(current.id(), "RUN", Json.array(argv), Json.array(env), cwd, user,
                    Json.array(r.cacheTargets()), String.valueOf(r.network()));
            Image hit = cached(key);
            announce(r.source(), r.source().original(), hit != null);
            if (hit != null) return hit;
            List<StepRunner.CacheMount> caches = new ArrayList<>();
            for (String t : r.cacheTargets()) caches.add(new StepRunner.CacheMount(cache.mountDir(t), t));
            String container = images.container(current);
            int status = runner.run(container, argv, env, cwd, user, caches, runOut, runErr);
            if (status != 0) {
                images.remove(container);
                throw new BuildFailed(r.source().file() + ":" + r.source().line() + ": STEP " + step + "/" + total + ": "
                        + shortText(r.source().original()) + ": exited with status " + status, status);
            }
            Image made = images.commit(container, current, BuildImages.copy(current.config()), createdBy);
            cache.put(key, made.id());
            return made;
        }

        private Image copy(Copy c, Image current, Variables vars) throws IOException {
            String what = c.add() ? "ADD" : "COPY";
            SourceLine src = c.source();
            ContainerConfig cc = current.config().runConfig();
            List<String> sources = new ArrayList<>();
            for (String s : c.sources()) sources.add(s.matches("\\d*<<-?.+") ? s : expand(lexer, src, s, vars));
            String destWord = expand(lexer, src, c.dest(), vars);
            String dest = destination(cc.workingDir, destWord);
            String chown = c.chown() == null ? null : expand(lexer, src, c.chown(), vars);
            String chmod = c.chmod() == null ? null : expand(lexer, src, c.chmod(), vars);
            String fromRef = c.from() == null ? null : expand(lexer, src, c.from(), vars);
            List<CopyStep.HeredocFile> heredocs = new ArrayList<>();
            for (Heredoc h : c.heredocs()) {
                String body = h.expand() ? expand(lexer, src, h.body(), vars) : h.body();
                heredocs.add(new CopyStep.HeredocFile(h.name(), body.getBytes(StandardCharsets.UTF_8)));
            }
            String label = src.file() + ":" + src.line() + ": " + what;
            Image fromImage = fromRef == null ? null : fromImage(fromRef, src);
            String text = what + (chown != null ? " --chown=" + chown : "") + (chmod != null ? " --chmod=" + chmod : "")
                    + (fromRef != null ? " --from=" + fromRef : "") + " " + String.join(" ", sources) + " " + destWord;
            Integer mode = chmod == null ? null : Integer.parseInt(chmod, 8);
            String key;
            UnionFs fromFs = null;
            String fromContainer = null;
            SourceTree tree;
            if (fromImage != null) {
                fromContainer = images.container(fromImage);
                fromFs = images.open(fromContainer);
                tree = new ImageRoot(fromFs, "image " + fromRef);
                key = StepKey.of(current.id(), text, dest, fromImage.id());
            } else {
                tree = context;
                CopyStep probe = new CopyStep(tree, new CopyStep.Spec(label, c.add(), sources, dest, mode, null, heredocs));
                key = StepKey.of(current.id(), text, dest, probe.digest());
            }
            try {
                Image hit = cached(key);
                announce(src, src.original(), hit != null);
                if (hit != null) return hit;
                String container = images.container(current);
                UnionFs fs = images.open(container);
                RootWriter out = new RootWriter(fs);
                CopyStep.Owner owner = chown == null ? null : Owners.resolve(chown, out.root(), label);
                if (cc.workingDir != null && !cc.workingDir.isEmpty()) out.mkdirs(SourceTree.relative(cc.workingDir), 0, 0);
                new CopyStep(tree, new CopyStep.Spec(label, c.add(), sources, dest, mode, owner, heredocs)).apply(out);
                Image made = images.commit(container, current, BuildImages.copy(current.config()), text + " in " + dest + " ");
                cache.put(key, made.id());
                return made;
            } finally {
                if (fromContainer != null) images.remove(fromContainer);
            }
        }

        private Image fromImage(String ref, SourceLine src) {
            Dockerfile.Stage stage = df.stage(ref);
            if (stage != null) {
                Image img = built.get(stage.index());
                if (img == null) throw src.error("COPY --from=" + ref + ": that stage is not built before this one");
                return img;
            }
            Image found = store.images().find(ref);
            if (found == null) throw src.error("COPY --from=" + ref + ": no such stage or image in the store");
            return found;
        }
    }

    /** A COPY destination: absolute, relative to WORKDIR, cleaned, its trailing slash kept. */
    static String destination(String workdir, String dest) {
        boolean dir = dest.endsWith("/") || dest.endsWith("/.") || dest.equals(".");
        String abs = dest.startsWith("/") ? dest : ConfigEditor.workdir(workdir, dest);
        String cleaned = DockerIgnore.clean(abs.startsWith("/") ? abs : "/" + abs);
        return dir && !cleaned.endsWith("/") ? cleaned + "/" : cleaned;
    }

    private static String shortText(String s) {
        String one = s.replace("\n", "\\n");
        return one.length() > 120 ? one.substring(0, 117) + "..." : one;
    }

}
