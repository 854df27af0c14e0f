package dev.jfs.nativetest.build;

import static dev.jfs.nativetest.build.BuildFixture.*;

import dev.jfs.nativetest.CliProcess.Result;
import static org.junit.jupiter.api.Assertions.*;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code jfs build} as users run it, on a busybox image, checked against buildah where it can be. */
class BuildCliTest {
    static final List<String> CONFIG_FIELDS = List.of("Env", "Cmd", "Entrypoint", "WorkingDir", "User", "Labels", "ExposedPorts");

    @TempDir Path tmp;
    Path store, ctx, rootfs;

    @BeforeEach
    void base() throws IOException {
        store = tmp.resolve("store");
        ctx = Files.createDirectories(tmp.resolve("ctx"));
        rootfs = busyboxRootfs(tmp);
        ok(jfs(store, "import", rootfs.toString(), "bb:latest"));
    }

    Result build(String... args) {
        String[] all = new String[args.length + 1];
        all[0] = "build";
        System.arraycopy(args, 0, all, 1, args.length);
        return jfs(store, tmp, Map.of(), all);
    }

    List<String> stepLines(Result r) {
        return r.out().lines().filter(l -> l.startsWith("STEP ")).toList();
    }

    long layerCount() throws IOException {
        try (Stream<Path> s = Files.list(store.resolve("layers"))) {
            return s.count();
        }
    }

    /** The Python-app shape of the notes, sh for python: WORKDIR, COPY the requirements, RUN the install, COPY the rest, CMD. */
    void appContext() throws IOException {
        write(ctx, "requirements.txt", "flask==3.0\n");
        write(ctx, "app.sh", "echo serving\n");
        write(ctx, "lib/util.sh", "echo util\n");
        write(ctx, "lib/skip.log", "ignored\n");
        write(ctx, "notes/secret.txt", "never sent\n");
        write(ctx, "archive/pkg/data.txt", "from the tar\n");
        dev.jfs.nativetest.CliProcess.sh("tar -C '" + ctx.resolve("archive") + "' -czf '" + ctx.resolve("pkg.tar.gz") + "' pkg && rm -r '" + ctx.resolve("archive") + "'");
        write(ctx, ".dockerignore", "**/*.log\nnotes\n");
        write(ctx, "Dockerfile", String.join("\n",
                "# syntax=docker/dockerfile:1",
                "FROM bb",
                "ARG VERSION=1.0",
                "LABEL org.opencontainers.image.version=$VERSION maintainer=\"jfs tests\"",
                "WORKDIR /app",
                "COPY requirements.txt .",
                "RUN echo ran-install && echo \"installing $(cat requirements.txt) v$VERSION\" > installed.txt \\",
                "    && mkdir -p /var/lib/app && chown app /var/lib/app",
                "COPY --chown=app:staff --chmod=750 app.sh lib ./",
                "ADD pkg.tar.gz /opt/",
                "COPY . /src/",
                "RUN echo ran-listing && ls -R /src > /app/listing.txt",
                "ENV MODE=prod \\",
                "    PORT=8000",
                "EXPOSE $PORT 53/udp",
                "USER app",
                "ENTRYPOINT [\"sh\"]",
                "CMD [\"app.sh\"]",
                ""));
    }

    @Test
    void copyStepsGiveBuildahsTreeAndConfig() throws IOException {
        appContext();
        Result r = ok(build("-t", "app:1", ctx.toString()));
        assertEquals(15, stepLines(r).size(), r.out());
        assertTrue(stepLines(r).get(0).equals("STEP 1/15: FROM bb"), r.out());
        assertTrue(r.out().contains("\nran-install\n"), "RUN's output is streamed: " + r.out());
        Path bdir = tmp.resolve("buildah");
        buildahBase(bdir, rootfs, "bb");
        ok(run(buildah(bdir, "bud", "--runtime", "/usr/sbin/runc", "--layers", "--no-hosts", "-t", "app:1", ctx.toString()), null, Map.of()));
        Map<String, String> ours = jfsTree(store, "app:1", tmp);
        Map<String, String> theirs = buildahTree(bdir, "localhost/app:1");
        assertEquals(theirs, ours);
        assertTrue(ours.containsKey("/opt/pkg/data.txt"), "ADD extracted the tar");
        assertFalse(ours.containsKey("/src/notes/secret.txt"), ".dockerignore");
        assertFalse(ours.containsKey("/app/skip.log"), ".dockerignore");
        assertTrue(ours.get("/app/app.sh").startsWith("f 750 1000:50 "), ours.get("/app/app.sh"));
        assertTrue(ours.get("/var/lib/app").startsWith("d 755 1000:0 "), ours.get("/var/lib/app"));
        assertConfigsEqual(buildahImage(bdir, "localhost/app:1").get("config"), jfsConfig(store, "app:1"));
        JsonNode ours2 = jfsImage(store, "app:1").get("config");
        assertEquals(buildahImage(bdir, "localhost/app:1").get("rootfs").get("diff_ids").size(), ours2.get("rootfs").get("diff_ids").size(),
                "one layer per COPY/ADD");
    }

    static void assertConfigsEqual(JsonNode buildah, JsonNode jfs) {
        ObjectNode b = buildah.deepCopy();
        if (b.has("Labels")) ((ObjectNode) b.get("Labels")).remove("io.buildah.version");
        for (String f : CONFIG_FIELDS) {
            JsonNode want = b.get(f), got = jfs.get(f);
            boolean emptyBoth = (want == null || want.isNull() || want.isEmpty() && !want.isTextual())
                    && (got == null || got.isNull() || got.isEmpty() && !got.isTextual());
            if (!emptyBoth) assertEquals(want, got, f + ": buildah " + want + ", jfs " + got);
        }
    }

    @Test
    void rebuildIsCachedAndOneChangedFileRebuildsFromItsStep() throws IOException {
        appContext();
        String first = builtId(ok(build("-t", "app:1", ctx.toString())));
        long layers = layerCount();
        Result again = ok(build("-t", "app:1", ctx.toString()));
        assertEquals(first, builtId(again));
        assertEquals(layers, layerCount(), "a cached rebuild writes no layer");
        assertTrue(again.out().lines().noneMatch(l -> l.startsWith("ran-")), "a cached rebuild runs no RUN: " + again.out());
        for (String line : stepLines(again)) {
            if (!line.contains(": FROM ") && !line.contains(": ARG ")) assertTrue(line.endsWith(" CACHED"), line);
        }
        Files.writeString(ctx.resolve("lib/skip.log"), "ignored, changed\n");
        Files.setLastModifiedTime(ctx.resolve("requirements.txt"), FileTime.fromMillis(86_400_000L));
        assertEquals(first, builtId(ok(build(ctx.toString()))), "ignored files and mtimes never bust the cache");
        Files.writeString(ctx.resolve("lib/util.sh"), "echo util v2\n");
        Result changed = ok(build("-t", "app:2", ctx.toString()));
        assertNotEquals(first, builtId(changed));
        List<String> steps = stepLines(changed);
        assertTrue(steps.get(4).startsWith("STEP 5/15: COPY requirements.txt") && steps.get(4).endsWith("CACHED"), steps.get(4));
        assertTrue(steps.get(5).startsWith("STEP 6/15: RUN echo ran-install") && steps.get(5).endsWith("CACHED"), steps.get(5));
        assertTrue(steps.get(6).startsWith("STEP 7/15: COPY --chown") && !steps.get(6).endsWith("CACHED"), steps.get(6));
        for (String line : steps.subList(7, steps.size())) assertFalse(line.endsWith("CACHED"), line);
        assertTrue(changed.out().lines().noneMatch(l -> l.equals("ran-install")), changed.out());
        assertTrue(changed.out().lines().anyMatch(l -> l.equals("ran-listing")), changed.out());
        Result noCache = ok(build("--no-cache", ctx.toString()));
        assertTrue(stepLines(noCache).stream().noneMatch(l -> l.endsWith("CACHED")), noCache.out());
    }

    @Test
    void timestampGivesTheSameImageIdTwice() throws IOException {
        appContext();
        String a = builtId(ok(jfs(store, tmp, Map.of("SOURCE_DATE_EPOCH", "1700000000"), "build", ctx.toString())));
        Path other = store; // the same base image (an import's date is its own), nothing reused
        try (Stream<Path> files = Files.walk(ctx)) {
            for (Path p : (Iterable<Path>) files::iterator) Files.setLastModifiedTime(p, FileTime.fromMillis(System.currentTimeMillis()));
        }
        String b = builtId(ok(jfs(other, tmp, Map.of(), "build", "--no-cache", "--timestamp", "1700000000", ctx.toString())));
        assertEquals(a, b);
        JsonNode config = jfsImage(other, b).get("config");
        assertEquals("2023-11-14T22:13:20Z", config.get("created").asText());
    }

    @Test
    void multiStageCopyFromAndTarget() throws IOException {
        write(ctx, "main.c", "int main() {}\n");
        write(ctx, "Dockerfile", String.join("\n",
                "ARG BASE=bb",
                "FROM ${BASE} AS build",
                "COPY main.c /src/",
                "COPY main.c /out/bin/tool",
                "FROM scratch AS unused",
                "COPY main.c /",
                "FROM $BASE",
                "COPY --from=build /out/bin/ /usr/local/bin/",
                "COPY --from=0 /src/main.c /main.c",
                "CMD [\"tool\"]",
                ""));
        Result r = ok(build("-t", "multi", ctx.toString()));
        assertFalse(r.out().contains("FROM scratch"), "an unused stage is not built: " + r.out());
        Map<String, String> tree = jfsTree(store, "multi", tmp);
        assertTrue(tree.containsKey("/usr/local/bin/tool"), tree.keySet().toString());
        assertTrue(tree.containsKey("/main.c"));
        assertFalse(tree.containsKey("/src/main.c"));
        ok(build("--target", "build", "-t", "stage", ctx.toString()));
        assertTrue(jfsTree(store, "stage", tmp).containsKey("/src/main.c"));
        Result bad = build("--target", "nope", ctx.toString());
        assertEquals(1, bad.exit());
        assertEquals("jfs: --target nope: no such stage in Dockerfile\n", bad.err());
    }

    @Test
    void errorsAreOneLineNamingFileAndLineAndTagNothing() throws IOException {
        write(ctx, "Dockerfile", "FROM bb\nCOPY missing.txt /\nBOGUS x\n");
        Result unknown = build("-t", "never", ctx.toString());
        assertEquals(1, unknown.exit(), unknown.toString());
        assertTrue(unknown.err().startsWith("jfs: Dockerfile:3: unknown instruction: BOGUS"), unknown.err());
        assertEquals(1, unknown.err().lines().count(), unknown.err());
        write(ctx, "Dockerfile", "FROM bb\nCOPY missing.txt /\n");
        Result missing = build("-t", "never", ctx.toString());
        assertEquals(1, missing.exit());
        assertTrue(missing.err().startsWith("jfs: Dockerfile:2: COPY: missing.txt: not found in the build context"), missing.err());
        write(ctx, "other.Dockerfile", "FROM nothing-here\n");
        Result noBase = build("-f", ctx.resolve("other.Dockerfile").toString(), ctx.toString());
        assertTrue(noBase.err().contains("other.Dockerfile:1: FROM nothing-here: no such image"), noBase.err());
        assertEquals(1, ok(jfs(store, "images")).out().lines().filter(l -> l.contains("never")).count() == 0 ? 1 : 0);
        assertEquals("", ok(jfs(store, "ls")).out().lines().skip(1).reduce("", String::concat), "no build container left behind");
    }

    @Test
    void pingerWithEntrypointAndCmdAndCombinedRunMatchBuildah() throws IOException {
        write(ctx, "Dockerfile", String.join("\n",
                "FROM bb",
                "RUN mkdir -p /opt/tools /var/log/pinger \\",
                " && echo '#!/bin/sh' > /opt/tools/hello && echo 'echo hello' >> /opt/tools/hello \\",
                " && chmod +x /opt/tools/hello && ln -s /opt/tools/hello /usr/bin/hello \\",
                " && rm -rf /tmp/* && touch /etc/pinger.conf && rm /etc/group && echo root:x:0: > /etc/group",
                "ENTRYPOINT [\"ping\"]",
                "CMD [\"-c\", \"1\", \"127.0.0.1\"]",
                ""));
        ok(build("-t", "pinger", ctx.toString()));
        Path bdir = tmp.resolve("buildah");
        buildahBase(bdir, rootfs, "bb");
        ok(run(buildah(bdir, "bud", "--runtime", "/usr/sbin/runc", "--layers", "--no-hosts", "-t", "pinger", ctx.toString()), null, Map.of()));
        assertEquals(buildahTree(bdir, "localhost/pinger"), jfsTree(store, "pinger", tmp));
        assertConfigsEqual(buildahImage(bdir, "localhost/pinger").get("config"), jfsConfig(store, "pinger"));
        JsonNode config = jfsConfig(store, "pinger");
        assertEquals("[\"ping\"]", config.get("Entrypoint").toString());
        assertEquals("[\"-c\",\"1\",\"127.0.0.1\"]", config.get("Cmd").toString());
        JsonNode image = jfsImage(store, "pinger").get("config");
        assertEquals(2, image.get("rootfs").get("diff_ids").size(), "the base's layer and one for the RUN");
        JsonNode history = image.get("history");
        JsonNode last = history.get(history.size() - 1);
        assertEquals("/bin/sh -c #(nop)  CMD [\"-c\",\"1\",\"127.0.0.1\"]", last.get("created_by").asText());
        assertTrue(last.get("empty_layer").asBoolean());
        assertTrue(history.get(history.size() - 3).get("created_by").asText().startsWith("RUN /bin/sh -c mkdir -p /opt/tools"));
    }

    @Test
    void failingRunStopsWithItsStatusAndTagsNothing() throws IOException {
        write(ctx, "Dockerfile", "FROM bb\nRUN echo before\nRUN echo failing-now && exit 3\nRUN echo never-reached\n");
        Result r = build("-t", "broken", ctx.toString());
        assertEquals(3, r.exit(), r.toString());
        assertTrue(r.out().contains("failing-now"), r.out());
        assertFalse(r.out().contains("never-reached"), r.out());
        assertEquals("jfs build: Dockerfile:3: STEP 3/4: RUN echo failing-now && exit 3: exited with status 3", r.err().strip());
        assertFalse(ok(jfs(store, "images")).out().contains("broken"));
        assertEquals(1, ok(jfs(store, "ls")).out().lines().count(), "no build container left: " + ok(jfs(store, "ls")).out());
        write(ctx, "Dockerfile", "FROM bb\nRUN no-such-command\n");
        Result notFound = build(ctx.toString());
        assertEquals(127, notFound.exit(), notFound.toString());
    }

    @Test
    void runCacheMountKeepsItsFilesOutOfTheLayerAndAcrossBuilds() throws IOException {
        write(ctx, "Dockerfile", "FROM bb\nRUN --mount=type=cache,target=/var/cache/pkgs echo x >> /var/cache/pkgs/log && echo lines=$(wc -l < /var/cache/pkgs/log) && echo made > /made\n");
        Result first = ok(build("-t", "cm", ctx.toString()));
        assertTrue(first.out().contains("lines=1"), first.out());
        Result second = ok(build("--no-cache", "-t", "cm", ctx.toString()));
        assertTrue(second.out().contains("lines=2"), "the cache dir outlives the build: " + second.out());
        Map<String, String> tree = jfsTree(store, "cm", tmp);
        assertTrue(tree.containsKey("/made"));
        assertFalse(tree.containsKey("/var/cache/pkgs/log"), "the cache's files are not in the image");
        assertFalse(tree.containsKey("/var/cache/pkgs"), "nor its mount point");
    }

    @Test
    void onbuildTriggersRunInTheChildOnly() throws IOException {
        write(ctx, "t.txt", "trig\n");
        write(ctx, "Dockerfile", "FROM bb\nONBUILD COPY t.txt /triggered.txt\nONBUILD RUN echo trigger-ran\n");
        Result base = ok(build("-t", "obbase", ctx.toString()));
        assertFalse(base.out().lines().anyMatch(l -> l.equals("trigger-ran")), base.out());
        write(ctx, "child.Dockerfile", "FROM obbase\nRUN cat /triggered.txt\n");
        Result child = ok(build("-f", ctx.resolve("child.Dockerfile").toString(), "-t", "obchild", ctx.toString()));
        List<String> steps = stepLines(child);
        assertEquals(List.of("STEP 1/4: FROM obbase", "STEP 2/4: ONBUILD COPY t.txt /triggered.txt",
                "STEP 3/4: ONBUILD RUN echo trigger-ran", "STEP 4/4: RUN cat /triggered.txt"), steps);
        assertTrue(child.out().lines().anyMatch(l -> l.equals("trig")), child.out());
        assertNull(jfsConfig(store, "obchild").get("OnBuild"), "the triggers ran; the child has none");
        assertEquals(2, jfsConfig(store, "obbase").get("OnBuild").size());
    }
}
