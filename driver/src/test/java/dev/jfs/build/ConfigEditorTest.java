package dev.jfs.build;

import static org.junit.jupiter.api.Assertions.*;

import dev.jfs.image.ContainerConfig;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The config instructions as docker applies them, their expansion, and the history text they leave. */
class ConfigEditorTest {
    final ConfigEditor editor = new ConfigEditor('\\');
    final ContainerConfig c = new ContainerConfig();
    final Map<String, String> args = new LinkedHashMap<>();
    final ConfigEditor.StageFlags flags = new ConfigEditor.StageFlags();

    String apply(String line) {
        Instruction in = Dockerfile.parse("Dockerfile", "FROM scratch\n" + line + "\n").stages().get(0).instructions().get(0);
        return editor.apply(in, c, new Variables(c.env, args), flags);
    }

    @Test
    void envExpandsWithTheValuesFromBeforeTheLine() {
        apply("ENV abc=hello");
        assertEquals("/bin/sh -c #(nop)  ENV abc=bye def=hello", apply("ENV abc=bye def=$abc"));
        apply("ENV ghi=$abc");
        assertEquals(List.of("abc=bye", "def=hello", "ghi=bye"), c.env);
        apply("ENV SPACED \"a b\" c");
        assertEquals("SPACED=a b c", c.env.get(3));
        apply("ENV Q=\"x y\" R=a\\ b");
        assertEquals(List.of("Q=x y", "R=a b"), c.env.subList(4, 6));
    }

    @Test
    void envWinsOverArgAndArgsExpand() {
        args.put("V", "from-arg");
        args.put("ONLY", "arg");
        apply("ENV V=from-env");
        apply("LABEL v=$V o=${ONLY} d=${NOPE:-dflt}");
        assertEquals(Map.of("v", "from-env", "o", "arg", "d", "dflt"), c.labels);
        assertEquals(List.of("V=from-env", "ONLY=arg"), Variables.runEnvironment(c.env, args));
    }

    @Test
    void workdirIsRelativeToTheLastAndCleaned() {
        assertEquals("/bin/sh -c #(nop)  WORKDIR /app", apply("WORKDIR /app"));
        apply("WORKDIR sub/../src/");
        assertEquals("/app/src", c.workingDir);
        args.put("D", "/opt");
        apply("WORKDIR $D/x");
        assertEquals("/opt/x", c.workingDir);
    }

    @Test
    void cmdEntrypointAndShell() {
        assertEquals("/bin/sh -c #(nop)  CMD [\"/bin/sh\",\"-c\",\"echo $HOME\"]", apply("CMD echo $HOME"));
        assertEquals(List.of("/bin/sh", "-c", "echo $HOME"), c.cmd);
        // an ENTRYPOINT after a CMD of the same stage keeps it
        apply("ENTRYPOINT [\"ping\"]");
        assertEquals(List.of("/bin/sh", "-c", "echo $HOME"), c.cmd);
        apply("SHELL [\"/bin/bash\", \"-o\", \"pipefail\", \"-c\"]");
        apply("CMD ls | wc");
        assertEquals(List.of("/bin/bash", "-o", "pipefail", "-c", "ls | wc"), c.cmd);
        assertEquals(List.of("/bin/bash", "-o", "pipefail", "-c"), c.shell);
    }

    @Test
    void entrypointClearsAnInheritedCmd() {
        c.cmd = List.of("inherited");
        apply("ENTRYPOINT /bin/ping -c 3");
        assertNull(c.cmd);
        assertEquals(List.of("/bin/sh", "-c", "/bin/ping -c 3"), c.entrypoint);
    }

    @Test
    void exposeVolumeUserStopsignalLabelHealthcheckOnbuild() {
        args.put("P", "8080");
        assertEquals("/bin/sh -c #(nop)  EXPOSE 53/udp 8080/tcp", apply("EXPOSE $P 53/UDP"));
        apply("EXPOSE 7000-7002");
        assertEquals(List.of("53/udp", "7000/tcp", "7001/tcp", "7002/tcp", "8080/tcp"), List.copyOf(c.exposedPorts.keySet()));
        apply("VOLUME [\"/data\"]");
        apply("VOLUME /logs $P");
        assertEquals(List.of("/data", "/logs", "8080"), List.copyOf(c.volumes.keySet()));
        apply("USER app:$P");
        assertEquals("app:8080", c.user);
        apply("STOPSIGNAL SIGKILL");
        assertEquals("SIGKILL", c.stopSignal);
        apply("LABEL \"com.example.vendor\"=\"ACME Inc\" multi=\"a b\"");
        assertEquals("ACME Inc", c.labels.get("com.example.vendor"));
        apply("HEALTHCHECK --interval=5m --timeout=3s CMD curl -f http://localhost/");
        assertEquals(List.of("CMD-SHELL", "curl -f http://localhost/"), c.healthcheck.get("Test"));
        assertEquals(300_000_000_000L, c.healthcheck.get("Interval"));
        apply("ONBUILD RUN echo $P");
        assertEquals(List.of("RUN echo $P"), c.onBuild);
    }

    @Test
    void badValuesNameTheLine() {
        for (String bad : List.of("EXPOSE 99999", "EXPOSE 80/icmp", "EXPOSE abc", "STOPSIGNAL kill me", "ENV A=${B:?must be set}", "LABEL x=\"open")) {
            DockerfileException e = assertThrows(DockerfileException.class, () -> apply(bad), bad);
            assertTrue(e.getMessage().startsWith("Dockerfile:2: "), e.getMessage());
        }
    }

    @Test
    void destinations() {
        assertEquals("/app/", Builder.destination("/app", "."));
        assertEquals("/app/", Builder.destination("/app", "./"));
        assertEquals("/app/x", Builder.destination("/app", "x"));
        assertEquals("/app/x/", Builder.destination("/app", "x/"));
        assertEquals("/x", Builder.destination(null, "x"));
        assertEquals("/etc/", Builder.destination("/app", "/etc//"));
        assertEquals("/", Builder.destination(null, "/"));
    }

    @Test
    void stepKeysDependOnEveryInputAndNothingElse() {
        String k = StepKey.of("sha256:a", "RUN x", "env");
        assertEquals(k, StepKey.of("sha256:a", "RUN x", "env"));
        assertNotEquals(k, StepKey.of("sha256:b", "RUN x", "env"));
        assertNotEquals(k, StepKey.of("sha256:a", "RUN y", "env"));
        assertNotEquals(k, StepKey.of("sha256:a", "RUN x", "env2"));
        assertNotEquals(StepKey.of("p", "a\nb"), StepKey.of("p", "a", "b"));
        assertNotEquals(StepKey.of("p", "a", ""), StepKey.of("p", "a"));
    }
}
