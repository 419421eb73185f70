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
     * A configured host (a rule's or the endpoint's) in the form it is compared in: ASCII, lower case. An
     * internationalised name (one with any non-ASCII character) becomes its punycode form ({@code bücher.example} is
     * {@code xn--bcher-kva.example}), which is what clients that convert host names themselves send. A request's
     * host is never converted: see {@link UrlPattern#matches}.
     *
     * @param host without a trailing dot: a DNS name or an IPv4 address, or when {@code ipv6} an IPv6 address
     *     without its brackets
     * @throws IllegalArgumentException saying why the host cannot be right
     */
    public static String configured(String host, boolean ipv6) {
        if (ipv6) {
            String address = Ascii.lowerCase(host);
            if (!isIpv6(address)) {
                throw new IllegalArgumentException("host [" + host + "] is not an IPv6 address");
            }
            return address;
        }
        String name = Ascii.lowerCase(host);
        if (!Ascii.isAscii(name, 0, name.length())) {
            try {
                name = Ascii.lowerCase(IDN.toASCII(name, IDN.USE_STD3_ASCII_RULES));
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException("host \"" + host + "\" is not a valid internationalised domain "
                        + "name: " + e.getMessage());
            }
        }
        String problem = nameProblem(name);
        if (problem != null) {
            throw new IllegalArgumentException("host \"" + host + "\" " + problem);
        }
        return name;
    }

    /** What is wrong with a DNS name or IPv4 address (ASCII, lower case), or null. */
    private static String nameProblem(String name) {
        if (name.length() > 253) {
            return "is longer than 253 characters";
        }
        int labelStart = 0;
        for (int i = 0; i <= name.length(); i++) {
            if (i < name.length() && name.charAt(i) != '.') {
                char c = name.charAt(i);
                if (!(c >= 'a' && c <= 'z' || c >= '0' && c <= '9' || c == '-' || c == '_')) {
                    return "has '" + c + "': a host name has only letters, digits, - and _ (an IPv6 address goes in "
                            + "[ ])";
                }
            } else if (i == labelStart) {
                return "has an empty label";
            } else if (i - labelStart > 63) {
                return "has a label longer than 63 characters";
            } else {
                labelStart = i + 1;
            }
        }
        String last = name.substring(name.lastIndexOf('.') + 1);
        if (isDigits(last) && !isIpv4(name)) {
            return "ends in a number but is not an IPv4 address (four numbers from 0 to 255)";
        }
        return null;
    }

    /** Whether a host is this machine: {@code localhost}, 127.0.0.0/8 or {@code ::1}. */
    public static boolean isLoopback(String host) {
        String h = canonical(host);
        return h.equals("localhost") || h.endsWith(".localhost") || h.startsWith("127.") && isIpv4(h)
                || h.equals("::1") || h.equals("0:0:0:0:0:0:0:1");
    }

    /** Eight groups of one to four hex digits, or fewer with one {@code ::}; the last two may be an IPv4 address. */
    private static boolean isIpv6(String address) {
        int compressed = address.indexOf("::");
        if (compressed >= 0 && address.indexOf("::", compressed + 1) >= 0
                || address.startsWith(":") && compressed != 0
                || address.endsWith(":") && compressed != address.length() - 2) {
            return false;
        }
        String[] parts = address.split(":", -1);
        int groups = 0;
        for (int i = 0; i < parts.length; i++) {
            String part = parts[i];
            if (part.isEmpty()) {
                continue; // the "::" (checked above to be the only empty group)
            }
            if (i == parts.length - 1 && part.indexOf('.') >= 0) {
                if (!isIpv4(part)) {
                    return false;
                }
                groups += 2;
            } else if (part.length() <= 4 && isHex(part)) {
                groups++;
            } else {
                return false;
            }
        }
        return compressed >= 0 ? groups < 8 : groups == 8;
    }

    private static boolean isHex(String text) {
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (!(c >= '0' && c <= '9' || c >= 'a' && c <= 'f')) {
                return false;
            }
        }
        return true;
    }

    private static boolean isDigits(String text) {
        for (int i = 0; i < text.length(); i++) {
            if (text.charAt(i) < '0' || text.charAt(i) > '9') {
                return false;
            }
        }
        return !text.isEmpty();
    }

    static boolean isIpv4(String h) {
        String[] parts = h.split("\\.", -1);
        if (parts.length != 4) {
            return false;
        }
        for (String part : parts) {
            if (part.length() > 3 || !isDigits(part) || Integer.parseInt(part) > 255) {
                return false;
            }
        }
        return true;
    }
}
