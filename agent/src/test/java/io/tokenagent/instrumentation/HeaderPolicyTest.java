package io.tokenagent.instrumentation;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.tokenagent.bootstrap.HeaderPolicy;
import io.tokenagent.bootstrap.HeaderRule;
import io.tokenagent.bootstrap.RequestHeaders;
import io.tokenagent.bootstrap.TokenAgentBridge;
import java.io.IOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The one header policy every hook asks. */
class HeaderPolicyTest {

    private final BridgeStub bridge = BridgeStub.install();
    private final Map<String, List<String>> headers = new LinkedHashMap<>();
    private final RequestHeaders request = new RequestHeaders() {
        @Override
        public List<String> values(String name) {
            return headers.getOrDefault(name, List.of());
        }

        @Override
        public void remove(String name) {
            headers.remove(name);
        }
    };

    @AfterEach
    void uninstall() {
        TokenAgentBridge.install(null);
    }

    @Test
    void anUnmatchedRequestNeverGetsTheHeader() throws Exception {
        assertFalse(HeaderPolicy.applies(null, request));
    }

    @Test
    void theApplicationsOwnHeaderStaysUnlessTheRuleOverwrites() throws Exception {
        assertTrue(HeaderPolicy.applies(bridge, request));
        headers.put("Authorization", List.of("Basic app"));
        assertFalse(HeaderPolicy.applies(bridge, request));
        assertTrue(HeaderPolicy.applies(overwriting(), request));
    }

    @Test
    void onlyTheAgentsOwnHeaderIsTakenOffAHop() throws Exception {
        headers.put("Authorization", new ArrayList<>(List.of("Bearer injected")));
        headers.put("X-Other", List.of("Bearer injected"));
        assertTrue(HeaderPolicy.removeInjected(request));
        assertEquals(List.of("X-Other"), List.copyOf(headers.keySet()));

        headers.put("Authorization", List.of("Basic app"));
        assertFalse(HeaderPolicy.removeInjected(request));
        assertEquals(List.of("Basic app"), headers.get("Authorization"));
    }

    private static HeaderRule overwriting() {
        return new HeaderRule() {
            @Override
            public String headerName() {
                return "Authorization";
            }

            @Override
            public boolean overwrite() {
                return true;
            }

            @Override
            public String headerValue(String scheme, String host, int port) throws IOException {
                return null;
            }

            @Override
            public CompletableFuture<String> headerValueAsync(String scheme, String host, int port) {
                return CompletableFuture.completedFuture(null);
            }
        };
    }
}
