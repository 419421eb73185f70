package io.tokenagent.it.apps;

import java.time.Duration;
import java.util.Arrays;
import org.springframework.http.client.reactive.ReactorClientHttpConnector;
import org.springframework.web.reactive.function.client.WebClient;
import reactor.netty.http.HttpProtocol;
import reactor.netty.http.client.HttpClient;

/**
 * An application using Spring's WebClient on its default connector (Reactor Netty); with {@code --h2c} first, on
 * one that speaks h2c with prior knowledge. Prints {@code STATUS 200 <body>}
 * or {@code ERROR <exception class>: <message> <- <cause's message>...} per URL.
 */
public final class WebClientApp {

    public static void main(String[] args) {
        System.out.println("MAIN started");
        boolean h2c = args.length > 0 && args[0].equals("--h2c");
        WebClient client = h2c ? WebClient.builder().clientConnector(new ReactorClientHttpConnector(
                HttpClient.create().protocol(HttpProtocol.H2C))).build() : WebClient.create();
        for (String url : h2c ? Arrays.copyOfRange(args, 1, args.length) : args) {
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
