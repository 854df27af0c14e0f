package dev.jfs.runtime;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.jfs.UserError;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ProcessSpecTest {
    static final ImageSettings IMAGE = new ImageSettings(List.of("/entry"), List.of("default", "cmd"),
            List.of("PATH=/img/bin", "A=1"), "/work", "alice");

    static RunOptions options(String entrypoint, List<String> command, List<String> env) {
        return new RunOptions(entrypoint, command, env, null, null, null, false, List.of());
    }

    @Test
    void entrypointAndCmdComposeAsDockerDoes() {
        assertEquals(List.of("/entry", "default", "cmd"), ProcessSpec.compose(IMAGE, options(null, List.of(), List.of()), "c").args());
        assertEquals(List.of("/entry", "x"), ProcessSpec.compose(IMAGE, options(null, List.of("x"), List.of()), "c").args());
        assertEquals(List.of("sh"), ProcessSpec.compose(IMAGE, options("sh", List.of(), List.of()), "c").args(),
                "an entrypoint given drops the image's Cmd");
        assertEquals(List.of("y", "z"), ProcessSpec.compose(IMAGE, options("", List.of("y", "z"), List.of()), "c").args());
        assertThrows(UserError.class, () -> ProcessSpec.compose(ImageSettings.NONE, options(null, List.of(), List.of()), "c"));
    }

    @Test
    void envOverridesByKeyAndPathHasADefault() {
        ProcessSpec s = ProcessSpec.compose(IMAGE, options(null, List.of(), List.of("A=2", "B=x=y")), "box");
        assertEquals(List.of("PATH=/img/bin", "A=2", "B=x=y", "HOSTNAME=box"), s.env());
        assertEquals("/work", s.cwd());
        assertEquals("alice", s.user());
        ProcessSpec bare = ProcessSpec.compose(ImageSettings.NONE, options(null, List.of("sh"), List.of()), "box");
        assertEquals(ProcessSpec.DEFAULT_PATH, bare.getenv("PATH"));
        assertEquals("/", bare.cwd());
        assertEquals("", bare.user());
    }

    @Test
    void savedAndLoadedTheSame(@TempDir Path tmp) {
        ProcessSpec s = new ProcessSpec(List.of("sh", "-c", "x"), List.of("A=1"), "/w", "1:2", true, "h",
                List.of(new BindMount("/src", "/dst", true)));
        s.save(tmp.resolve("run.json"));
        assertEquals(s, ProcessSpec.load(tmp.resolve("run.json")));
    }

    @Test
    void volumesParse(@TempDir Path tmp) {
        BindMount m = BindMount.parse(tmp + ":/data:ro");
        assertEquals(new BindMount(tmp.toString(), "/data", true), m);
        assertEquals(false, BindMount.parse(tmp + ":/data").readOnly());
        for (String bad : List.of("/nope-not-here:/d", tmp + ":relative", tmp + ":/d:xx", tmp.toString())) {
            UserError e = assertThrows(UserError.class, () -> BindMount.parse(bad), bad);
            assertTrue(e.getMessage().startsWith("-v ") || e.getMessage().contains("absolute"), e.getMessage());
        }
    }
}
