package io.tokenagent.token;

import io.tokenagent.config.ConfigException;
import io.tokenagent.config.Identity;
import io.tokenagent.config.TokenRequest;
import java.net.MalformedURLException;
import java.net.Proxy;
import java.net.URL;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Azure Cloud Shell: {@code POST {MSI_ENDPOINT}} of the form {@code resource=…} with {@code Metadata: true}. It
 * gives the signed-in user's token and nothing else, so any user-assigned identity is refused.
 */
final class CloudShellTokenSource extends ManagedIdentitySource {

    private static final Map<String, String> HEADERS = new LinkedHashMap<String, String>();

    static {
        HEADERS.put("Metadata", "true");
        HEADERS.put("Content-Type", "application/x-www-form-urlencoded");
        HEADERS.put("Accept", "application/json");
    }

    private final URL url;

    CloudShellTokenSource(SourceContext context) throws ConfigException {
        super("Cloud Shell", endpointFrom(context, "MSI_ENDPOINT"), context);
        try {
            url = endpoint.toURL();
        } catch (MalformedURLException e) {
            throw new ConfigException("environment variable MSI_ENDPOINT", "\"" + endpoint + "\" is not a URL");
        }
    }

    @Override
    String unsupportedIdentity(Identity identity) {
        return identity.kind() == Identity.Kind.SYSTEM_ASSIGNED ? null
                : identity + " cannot be asked for: Cloud Shell gives only the signed-in user's token";
    }

    @Override
    EndpointCall.Response exchange(TokenRequest request, Identity identity, List<String> sent)
            throws TokenException {
        return call.send(url, HEADERS, new Form().add("resource", request.resource()).bytes(), Proxy.NO_PROXY);
    }
}
