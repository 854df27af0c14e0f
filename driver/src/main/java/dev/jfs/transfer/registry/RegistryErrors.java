package dev.jfs.transfer.registry;

import com.fasterxml.jackson.databind.JsonNode;
import dev.jfs.UserError;
import dev.jfs.image.OciJson;
import dev.jfs.transfer.http.HttpReply;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;

/**
 * A registry's error answer as one line a user can act on. The distribution API's error body is
 * {@code {"errors": [{"code": "MANIFEST_UNKNOWN", "message": "...", "detail": ...}]}}.
 */
final class RegistryErrors {
    private static final int MAX_BODY = 64 << 10;

    private RegistryErrors() {}

    /**
     * @param subject the reference the user typed
     * @param what    what was asked, for the generic message ("GET manifest latest")
     */
    static UserError of(String subject, String what, HttpReply r) {
        List<String> codes = new ArrayList<>();
        List<String> messages = new ArrayList<>();
        try {
            JsonNode errors = OciJson.mapper().readTree(r.bytes(MAX_BODY)).path("errors");
            for (JsonNode e : errors) {
                codes.add(e.path("code").asText(""));
                String m = e.path("message").asText("");
                if (!m.isEmpty()) messages.add(m);
            }
        } catch (IOException | RuntimeException e) {
            // not the API's JSON (a proxy's page, an empty HEAD answer): the status must do
        }
        int status = r.statusCode();
        if (codes.contains("NAME_UNKNOWN")) return new UserError(subject + ": no such repository");
        if (codes.contains("MANIFEST_UNKNOWN") || (status == 404 && what.contains("manifest"))) {
            return new UserError(subject + ": no such image");
        }
        if (codes.contains("BLOB_UNKNOWN") || (status == 404 && what.contains("blob"))) {
            return new UserError(subject + ": the registry lacks a blob the image names (" + what + ")");
        }
        if (status == 403 || codes.contains("DENIED")) {
            return new UserError(subject + ": denied by the registry" + (messages.isEmpty() ? "" : " (" + String.join("; ", messages) + ")"));
        }
        if (status == 429 || codes.contains("TOOMANYREQUESTS")) return new UserError(subject + ": the registry says too many requests; try later");
        return new UserError(subject + ": " + what + ": the registry answered " + status
                + (messages.isEmpty() ? "" : " (" + String.join("; ", messages) + ")"));
    }
}
