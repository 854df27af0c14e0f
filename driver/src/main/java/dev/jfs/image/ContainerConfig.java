package dev.jfs.image;

import com.fasterxml.jackson.annotation.JsonProperty;
import java.util.List;
import java.util.Map;

/** The {@code config} of an image config: how a container of the image runs (Docker's spelling). */
public final class ContainerConfig extends JsonObject {
    @JsonProperty("User")
    public String user;
    @JsonProperty("ExposedPorts")
    public Map<String, Object> exposedPorts;
    @JsonProperty("Env")
    public List<String> env;
    @JsonProperty("Entrypoint")
    public List<String> entrypoint;
    @JsonProperty("Cmd")
    public List<String> cmd;
    @JsonProperty("Volumes")
    public Map<String, Object> volumes;
    @JsonProperty("WorkingDir")
    public String workingDir;
    @JsonProperty("Labels")
    public Map<String, String> labels;
    @JsonProperty("StopSignal")
    public String stopSignal;
    @JsonProperty("Shell")
    public List<String> shell;
    @JsonProperty("Healthcheck")
    public Map<String, Object> healthcheck;
    @JsonProperty("OnBuild")
    public List<String> onBuild;
}
