package io.tokenagent.instrumentation;

import io.tokenagent.agent.Instrumentations;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import org.junit.jupiter.api.Test;

/** Which class names are taken for relocated copies of a target: only a package prefix in place of the root. */
class RelocatedTargetsTest {

    private final RelocatedTargets targets = new RelocatedTargets(Instrumentations.all());

    @Test
    void aTargetUnderAnotherPackagePrefixIsACandidateWithThatPrefix() {
        RelocatedTargets.Match maven = targets.find(
                "org/apache/maven/wagon/providers/http/httpclient/impl/execchain/MainClientExec");
        assertEquals("org/apache/http/impl/execchain/MainClientExec", maven.originalName);
        assertEquals("org/apache/maven/wagon/providers/http/httpclient/", maven.relocation.prefix());
        assertEquals("io/netty/handler/codec/http/HttpObjectEncoder",
                targets.find("com/acme/shaded/netty/handler/codec/http/HttpObjectEncoder").originalName);
        assertEquals("okhttp3/internal/connection/RealCall",
                targets.find("com/acme/shaded/okhttp3/internal/connection/RealCall").originalName);
    }

    @Test
    void originalsTheAgentsOwnAndBarePathsAreNot() {
        assertNull(targets.find("org/apache/http/impl/execchain/MainClientExec")); // the original, matched exactly
        assertNull(targets.find("okhttp3/internal/connection/RealCall")); // OkHttp 4's, not a relocated 3.x one
        assertNull(targets.find("io/tokenagent/shaded/okhttp3/RealCall"));
        assertNull(targets.find("impl/execchain/MainClientExec"));
        assertNull(targets.find("com/acme/ximpl/execchain/MainClientExec")); // not at a package boundary
        assertNull(targets.find("java/net/HttpURLConnection"));
        assertNull(targets.find("com/acme/shaded/sun/net/www/protocol/http/HttpURLConnection")); // the JDK's own
        assertNull(targets.find("Foo"));
    }
}
