package dev.jfs.store;

import java.security.SecureRandom;
import java.util.function.Predicate;

/** Names for containers made without {@code --name}: {@code adjective_noun}, like Docker's. */
final class ContainerNames {
    private static final String[] ADJECTIVES = {
        "amber", "brave", "calm", "clever", "crisp", "eager", "fancy", "gentle", "happy", "jolly",
        "keen", "lucid", "merry", "nimble", "quiet", "rapid", "sharp", "steady", "tidy", "vivid",
    };
    private static final String[] NOUNS = {
        "badger", "comet", "delta", "falcon", "fjord", "gecko", "harbor", "island", "lagoon", "maple",
        "meadow", "otter", "pebble", "quartz", "raven", "summit", "tundra", "walrus", "willow", "zephyr",
    };
    private static final SecureRandom RANDOM = new SecureRandom();

    private ContainerNames() {}

    /** An unused name: tries plain pairs, then adds a number. */
    static String generate(Predicate<String> taken) {
        for (int attempt = 0; ; attempt++) {
            String n = ADJECTIVES[RANDOM.nextInt(ADJECTIVES.length)] + "_" + NOUNS[RANDOM.nextInt(NOUNS.length)];
            if (attempt >= 20) n += "_" + RANDOM.nextInt(1_000_000);
            if (!taken.test(n)) return n;
        }
    }
}
