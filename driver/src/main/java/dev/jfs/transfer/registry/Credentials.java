package dev.jfs.transfer.registry;

import dev.jfs.UserError;
import java.nio.charset.StandardCharsets;
import java.util.Base64;

/** A user name and password for a registry, as {@code --creds USER:PASS} or auth.json give them. */
public record Credentials(String username, String password) {
    /** {@code USER:PASS} (the password may hold colons), as skopeo's {@code --creds} takes it. */
    public static Credentials parse(String userColonPass) {
        int colon = userColonPass.indexOf(':');
        if (colon <= 0) throw new UserError("--creds: expected USER:PASSWORD");
        return new Credentials(userColonPass.substring(0, colon), userColonPass.substring(colon + 1));
    }

    /** The base64 of {@code USER:PASS}: auth.json's {@code auth} and HTTP Basic's credentials. */
    public String basic() {
        return Base64.getEncoder().encodeToString((username + ":" + password).getBytes(StandardCharsets.UTF_8));
    }

    /** From auth.json's {@code auth} field, or null when it is not base64 of {@code USER:PASS}. */
    static Credentials fromBasic(String base64) {
        try {
            String s = new String(Base64.getDecoder().decode(base64.trim()), StandardCharsets.UTF_8);
            int colon = s.indexOf(':');
            return colon <= 0 ? null : new Credentials(s.substring(0, colon), s.substring(colon + 1));
        } catch (IllegalArgumentException e) {
            return null;
        }
    }

    @Override
    public String toString() {
        return "Credentials[" + username + ", password hidden]";
    }
}
