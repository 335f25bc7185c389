package dev.omnibus.spi;

/**
 * One broker address from a connection URL, validated by {@link DriverConfig#hosts(int)}.
 *
 * @param host a host name, an IPv4 address, or an IPv6 address without brackets
 * @param port 1 to 65535
 */
public record HostAndPort(String host, int port) {
    /** True when {@link #host()} is an IPv6 address (it then needs brackets in a URL). */
    public boolean ipv6() { return host.indexOf(':') >= 0; }

    /** {@code host:port}, with the host in brackets when it is an IPv6 address. */
    @Override public String toString() { return (ipv6() ? "[" + host + "]" : host) + ":" + port; }
}
