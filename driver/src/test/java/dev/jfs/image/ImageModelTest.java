package dev.jfs.image;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.jfs.UserError;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ImageModelTest {
    @Test
    void referencesParseAsDockerReadsThem() {
        assertEquals(new ImageRef("busybox", "latest", null), ImageRef.parse("busybox"));
        assertEquals(new ImageRef("localhost:5000/a/b", "v1.2", null), ImageRef.parse("localhost:5000/a/b:v1.2"));
        assertEquals("localhost:5000/a:latest", ImageRef.parse("localhost:5000/a").toString());
        String d = "sha256:" + "a".repeat(64);
        assertEquals(new ImageRef("x", null, d), ImageRef.parse("x@" + d));
        for (String bad : List.of("UPPER", "a:", "a:-x", "a@sha256:12", "", "a b", "-a")) {
            assertNull(ImageRef.tryParse(bad), bad);
        }
        assertThrows(UserError.class, () -> ImageRef.parse("Bad"));
    }

    @Test
    void aConfigKeepsFieldsJfsDoesNotKnowAndWritesTheSameBytesTwice() {
        String json = "{\"architecture\":\"amd64\",\"os\":\"linux\",\"os.features\":[\"x\"],"
                + "\"config\":{\"Env\":[\"A=1\"],\"ArgsEscaped\":true},"
                + "\"rootfs\":{\"type\":\"layers\",\"diff_ids\":[\"sha256:" + "b".repeat(64) + "\"]},"
                + "\"history\":[{\"created_by\":\"x\",\"empty_layer\":true,\"extra\":1}]}";
        ImageConfig c = OciJson.parse(json.getBytes(StandardCharsets.UTF_8), ImageConfig.class, "t");
        assertEquals(List.of("A=1"), c.config.env);
        assertEquals(true, c.config.other().get("ArgsEscaped"));
        assertEquals(List.of("x"), c.other().get("os.features"));
        assertTrue(c.history.get(0).isEmptyLayer());
        byte[] once = OciJson.write(c);
        byte[] twice = OciJson.write(OciJson.parse(once, ImageConfig.class, "t"));
        assertArrayEquals(once, twice);
        String out = new String(once, StandardCharsets.UTF_8);
        assertTrue(out.contains("\"ArgsEscaped\":true") && out.contains("\"extra\":1") && !out.contains("null"), out);
        assertTrue(out.indexOf("\"architecture\"") < out.indexOf("\"config\""), "sorted fields: " + out);
    }

    @Test
    void changesApplyAsDockerCommitChangeDoes() {
        ContainerConfig c = new ContainerConfig();
        c.env = List.of("PATH=/bin", "A=old");
        ConfigChanges.apply(c, List.of("CMD [\"sh\", \"-c\", \"echo hi\"]", "ENTRYPOINT /init --x",
                "ENV A=new B=\"two words\"", "ENV C three words", "WORKDIR /app", "WORKDIR sub", "USER 1000:1000",
                "LABEL a=1 \"b c\"=2", "EXPOSE 80 53/udp", "VOLUME /data", "STOPSIGNAL SIGTERM"));
        assertEquals(List.of("sh", "-c", "echo hi"), c.cmd);
        assertEquals(List.of("/bin/sh", "-c", "/init --x"), c.entrypoint);
        assertEquals(List.of("PATH=/bin", "A=new", "B=two words", "C=three words"), c.env);
        assertEquals("/app/sub", c.workingDir);
        assertEquals("1000:1000", c.user);
        assertEquals(Map.of("a", "1", "b c", "2"), c.labels);
        assertEquals(Map.of("80/tcp", Map.of(), "53/udp", Map.of()), c.exposedPorts);
        assertEquals(Map.of("/data", Map.of()), c.volumes);
        assertEquals("SIGTERM", c.stopSignal);
        for (String bad : List.of("RUN x", "CMD", "EXPOSE http", "CMD [1", "ENV =x", "LABEL \"a=1")) {
            UserError e = assertThrows(UserError.class, () -> ConfigChanges.apply(new ContainerConfig(), bad), bad);
            assertTrue(e.getMessage().startsWith("-c '" + bad + "'"), e.getMessage());
        }
    }
}
