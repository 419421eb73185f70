package io.tokenagent.it;

import java.util.List;

/**
 * OkHttp 3.12 to 5.x, {@code execute} and {@code enqueue}, at the ends of each major version's range, on each JDK.
 * (Whether a redeployed web application's loader is collected is shown with Apache HttpClient: OkHttp's own Okio
 * watchdog thread keeps its loader for a minute, with or without the agent.)
 */
class OkHttpIT extends ClientContract {

    @Override
    List<String> versions() {
        return List.of("okhttp-3.12.0", "okhttp-3.14.9", "okhttp-4.12.0", "okhttp-5.0.0", "okhttp-5.5.1");
    }

    @Override
    String appFor(String version) {
        return "io.tokenagent.it.apps.OkHttpApp";
    }

    @Override
    List<Mode> modes() {
        return List.of(Mode.of("java.io.IOException"), Mode.of("java.io.IOException", "--enqueue"));
    }
}
