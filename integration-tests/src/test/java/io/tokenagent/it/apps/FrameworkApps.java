package io.tokenagent.it.apps;

import java.util.Arrays;
import java.util.List;
import java.util.function.Function;

/**
 * Applications that call HTTP through a framework rather than a client directly. The first argument names the
 * framework and request factory; the rest are URLs, each printed as {@code STATUS 200 <body>} or
 * {@code ERROR <exception class>: <message> <- <cause's message> ...}. Each framework's code is in a class of its
 * own, so that running one needs only that framework's jars.
 */
public final class FrameworkApps {

    public static void main(String[] args) throws Exception {
        System.out.println("MAIN started");
        List<String> urls = Arrays.asList(args).subList(1, args.length);
        Function<String, String> get = switch (args[0]) {
            case "resttemplate-simple" -> Spring.restTemplate(false);
            case "resttemplate-apache" -> Spring.restTemplate(true);
            case "restclient-jdk" -> SpringRestClient.restClient(true);
            case "restclient-default" -> SpringRestClient.restClient(false);
            case "feign" -> FeignApp.client();
            case "retrofit" -> RetrofitApp.client();
            default -> throw new IllegalArgumentException(args[0]);
        };
        for (String url : urls) {
            String line;
            try {
                line = "STATUS 200 " + get.apply(url);
            } catch (Exception e) {
                StringBuilder text = new StringBuilder("ERROR " + e.getClass().getName() + ": " + e.getMessage());
                for (Throwable cause = e.getCause(); cause != null; cause = cause.getCause()) {
                    text.append(" <- ").append(cause.getMessage());
                }
                line = text.toString();
            }
            System.out.println(line);
        }
        System.exit(0); // some frameworks leave non-daemon threads behind
    }

    static final class Spring {
        static Function<String, String> restTemplate(boolean apache) {
            org.springframework.web.client.RestTemplate template = apache
                    ? new org.springframework.web.client.RestTemplate(
                            new org.springframework.http.client.HttpComponentsClientHttpRequestFactory())
                    : new org.springframework.web.client.RestTemplate(
                            new org.springframework.http.client.SimpleClientHttpRequestFactory());
            return url -> template.getForObject(url, String.class);
        }
    }

    static final class SpringRestClient {
        static Function<String, String> restClient(boolean jdk) {
            org.springframework.web.client.RestClient client = jdk
                    ? org.springframework.web.client.RestClient.builder()
                            .requestFactory(new org.springframework.http.client.JdkClientHttpRequestFactory()).build()
                    : org.springframework.web.client.RestClient.create();
            return url -> client.get().uri(url).retrieve().body(String.class);
        }
    }

    static final class FeignApp {
        interface Api {
            @feign.RequestLine("GET")
            String get(java.net.URI url);
        }

        static Function<String, String> client() {
            Api api = feign.Feign.builder().retryer(feign.Retryer.NEVER_RETRY)
                    .target(feign.Target.EmptyTarget.create(Api.class));
            return url -> api.get(java.net.URI.create(url));
        }
    }

    static final class RetrofitApp {
        interface Api {
            @retrofit2.http.GET
            retrofit2.Call<okhttp3.ResponseBody> get(@retrofit2.http.Url String url);
        }

        static Function<String, String> client() {
            Api api = new retrofit2.Retrofit.Builder().baseUrl("http://localhost/").build().create(Api.class);
            return url -> {
                try {
                    retrofit2.Response<okhttp3.ResponseBody> response = api.get(url).execute();
                    return response.body().string();
                } catch (java.io.IOException e) {
                    throw new java.io.UncheckedIOException(e);
                }
            };
        }
    }
}
