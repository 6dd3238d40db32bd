package dev.yoq.cluster;

/** Dotted-quad IPv4 addresses as the cluster's wire formats write them: four decimal octets, no leading zeros. */
public final class Ipv4 {
    private Ipv4() {
    }

    public static boolean isValid(String s) {
        if (s == null) return false;
        String[] parts = s.split("\\.", -1);
        if (parts.length != 4) return false;
        for (String p : parts) {
            if (p.isEmpty() || p.length() > 3 || !p.chars().allMatch(Character::isDigit)) return false;
            if (Integer.parseInt(p) > 255 || (p.length() > 1 && p.charAt(0) == '0')) return false;
        }
        return true;
    }
}
