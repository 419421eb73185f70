package io.tokenagent.token;

import io.tokenagent.config.ConfigException;
import io.tokenagent.matching.Hosts;
import java.net.MalformedURLException;
import java.net.URI;
import java.net.URISyntaxException;
import java.net.URL;

/** Token endpoints and authorities read from the environment, checked as the configuration's own are. */
final class Endpoints {

    private Endpoints() {
    }

    /**
     * An absolute http(s) URL with a host and no user information or fragment; plain {@code http} only to a
     * loopback host (a platform's local endpoint, a test's stand-in), since a token or a secret would cross the
     * network in clear.
     *
     * @param where what names the value in an error, e.g. {@code environment variable IDENTITY_ENDPOINT}
     * @throws ConfigException saying what is wrong, never quoting more than the URL itself
     */
    static URI parse(String value, String where) throws ConfigException {
        URI uri;
        try {
            uri = new URI(value.trim());
        } catch (URISyntaxException e) {
            throw new ConfigException(where, "\"" + value + "\" is not a URL: " + e.getReason());
        }
        String scheme = uri.getScheme() == null ? "" : uri.getScheme();
        if (!scheme.equals("http") && !scheme.equals("https") || uri.getHost() == null
                || uri.getRawUserInfo() != null || uri.getRawFragment() != null) {
            throw new ConfigException(where, "\"" + value + "\" is not an absolute http or https URL with a host");
        }
        if (scheme.equals("http") && !Hosts.isLoopback(uri.getHost())) {
            throw new ConfigException(where, "\"" + value + "\" is plain http to a host that is not this machine: "
                    + "tokens and secrets would cross the network in clear; use https");
        }
        return uri;
    }

    /** The endpoint with a query appended: {@code endpoint?query}, or {@code endpoint&query} when it has one. */
    static URL withQuery(URI endpoint, Form query) {
        String base = endpoint.toString();
        try {
            return new URL(base + (endpoint.getRawQuery() == null ? "?" : "&") + query);
        } catch (MalformedURLException e) {
            throw new IllegalStateException("the endpoint was checked when the source was built", e);
        }
    }
}
