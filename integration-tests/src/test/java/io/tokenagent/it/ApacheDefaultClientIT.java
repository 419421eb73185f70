package io.tokenagent.it;

import java.util.List;

/**
 * Apache HttpClient 4's {@code AbstractHttpClient} API ({@code new DefaultHttpClient().execute(...)}), whose
 * requests go through {@code DefaultRequestDirector} rather than {@code MainClientExec}: 4.0 as the oldest, 4.2 as
 * the last before {@code HttpClientBuilder}, and 4.5.14 where both APIs live side by side.
 */
class ApacheDefaultClientIT extends ClientContract {

    @Override
    List<String> versions() {
        return List.of("apache-4.0.3", "apache-4.2.6", "apache-4.5.14");
    }

    @Override
    String appFor(String version) {
        return "io.tokenagent.it.apps.ApacheDefaultClientApp";
    }

    @Override
    List<Mode> modes() {
        return List.of(Mode.of("java.io.IOException"));
    }
}
