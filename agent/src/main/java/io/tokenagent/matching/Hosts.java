package io.tokenagent.matching;

import java.net.IDN;

/** Host names as compared: ASCII lower case, no trailing dot, IPv6 literals without brackets. */
public final class Hosts {

    private Hosts() {
    }

    public static String canonical(String host) {
        String h = Ascii.lowerCase(host);
        if (h.length() > 1 && h.startsWith("[") && h.endsWith("]")) {
            h = h.substring(1, h.length() - 1);
        }
        return h.endsWith(".") ? h.substring(0, h.length() - 1) : h;
    }

    /**
     * A configured host name in the ASCII form it is compared in: an internationalised name (one with any
     * non-ASCII character) becomes its punycode form ({@code bücher.example} is {@code xn--bcher-kva.example}), which
     * is what clients that convert host names themselves send. A request's host is never converted: see
     * {@link UrlPattern#matches}.
     *
     * @throws IllegalArgumentException when the name is not a valid internationalised domain name
     */
    static String toAscii(String host) {
        if (Ascii.isAscii(host, 0, host.length())) {
            return host;
        }
        try {
            return Ascii.lowerCase(IDN.toASCII(host, IDN.USE_STD3_ASCII_RULES));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("host \"" + host + "\" is not a valid internationalised domain name: "
                    + e.getMessage());
        }
    }

    /** Whether a host is this machine: {@code localhost}, 127.0.0.0/8 or {@code ::1}. */
    public static boolean isLoopback(String host) {
        String h = canonical(host);
        return h.equals("localhost") || h.endsWith(".localhost") || h.startsWith("127.") && isIpv4(h)
                || h.equals("::1") || h.equals("0:0:0:0:0:0:0:1");
    }

    private static boolean isIpv4(String h) {
        String[] parts = h.split("\\.", -1);
        if (parts.length != 4) {
            return false;
        }
        for (String part : parts) {
            if (part.isEmpty() || part.length() > 3) {
                return false;
            }
            for (int i = 0; i < part.length(); i++) {
                if (!Character.isDigit(part.charAt(i))) {
                    return false;
                }
            }
            if (Integer.parseInt(part) > 255) {
                return false;
            }
        }
        return true;
    }
}
