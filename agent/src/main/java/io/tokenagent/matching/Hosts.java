package io.tokenagent.matching;

import java.util.Locale;

/** Host names as compared: lower case, no trailing dot, IPv6 literals without brackets. */
public final class Hosts {

    private Hosts() {
    }

    public static String canonical(String host) {
        String h = host.toLowerCase(Locale.ROOT);
        if (h.length() > 1 && h.startsWith("[") && h.endsWith("]")) {
            h = h.substring(1, h.length() - 1);
        }
        return h.endsWith(".") ? h.substring(0, h.length() - 1) : h;
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
