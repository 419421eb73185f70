package io.tokenagent.it.apps;

import java.util.Set;
import org.apache.commons.httpclient.HttpClient;
import org.apache.commons.httpclient.UsernamePasswordCredentials;
import org.apache.commons.httpclient.auth.AuthScope;
import org.apache.commons.httpclient.methods.GetMethod;

/**
 * An application using Jakarta Commons HttpClient 3 (compiled against 3.0, run against 3.0 and 3.1) that knows
 * nothing of tokens. Its GETs follow redirects ({@code setFollowRedirects(true)}: the client's director follows
 * them, to other hosts too) and answer authentication challenges. Options before the URLs:
 * {@code --header Name:Value}, {@code --threads N}, {@code --credentials user:password} (given to the client for
 * any host, so that it answers a Basic challenge). Prints {@code STATUS <code> <body>} or
 * {@code ERROR <exception class>: <message>} per request.
 */
public final class CommonsHttpClientApp {

    public static void main(String[] args) throws Exception {
        System.out.println("MAIN started");
        AppSupport options = AppSupport.parse(args, Set.of(), Set.of("--credentials"));
        AppSupport.sendOnThreads(options.threads, options.urls, url -> send(url, options));
    }

    private static String send(String url, AppSupport options) {
        HttpClient client = new HttpClient(); // its simple connection manager, one per request
        if (options.has("--credentials")) {
            String[] userAndPassword = options.value("--credentials").split(":", 2);
            client.getState().setCredentials(AuthScope.ANY,
                    new UsernamePasswordCredentials(userAndPassword[0], userAndPassword[1]));
        }
        GetMethod get = new GetMethod(url);
        get.setFollowRedirects(true);
        for (String header : options.headers) {
            int colon = header.indexOf(':');
            get.setRequestHeader(header.substring(0, colon), header.substring(colon + 1));
        }
        try {
            int status = client.executeMethod(get);
            return "STATUS " + status + " " + get.getResponseBodyAsString();
        } catch (Exception e) {
            return "ERROR " + e.getClass().getName() + ": " + e.getMessage();
        } finally {
            get.releaseConnection();
        }
    }
}
