package io.tokenagent.it.apps;

import java.time.Duration;
import org.springframework.web.reactive.function.client.WebClient;

/**
 * An application using Spring's WebClient on its default connector (Reactor Netty). Prints {@code STATUS 200 <body>}
 * or {@code ERROR <exception class>: <message> <- <cause's message>...} per URL.
 */
public final class WebClientApp {

    public static void main(String[] args) {
        System.out.println("MAIN started");
        WebClient client = WebClient.create();
        for (String url : args) {
            String line;
            try {
                line = "STATUS 200 " + client.get().uri(url).retrieve().bodyToMono(String.class)
                        .block(Duration.ofSeconds(30));
            } catch (RuntimeException e) {
                line = ReactorNettyApp.error(e);
            }
            System.out.println(line);
        }
    }
}
