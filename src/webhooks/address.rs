//! Which addresses a webhook may be sent to: public unicast ones only. Never the loopback (the
//! Lambda Runtime API listens there), a private, shared, link-local or unique-local network, an
//! address that embeds an IPv4 one (IPv4-mapped, NAT64, 6to4, Teredo), multicast, or any range
//! the IANA registries reserve. The ranges are `ipnet`'s parsing of the registries' prefixes.

use ipnet::{Ipv4Net, Ipv6Net};
use std::net::{IpAddr, Ipv4Addr, Ipv6Addr};
use std::sync::OnceLock;

/// IPv4 prefixes that are not a public host (RFC 6890 and the IANA special-purpose registry).
const REFUSED_V4: [&str; 16] = [
    "0.0.0.0/8",          // "this network"
    "10.0.0.0/8",         // private
    "100.64.0.0/10",      // shared address space (carrier-grade NAT)
    "127.0.0.0/8",        // loopback
    "169.254.0.0/16",     // link-local (the instance metadata service)
    "172.16.0.0/12",      // private
    "192.0.0.0/24",       // IETF protocol assignments
    "192.0.2.0/24",       // documentation
    "192.88.99.0/24",     // 6to4 relay anycast
    "192.168.0.0/16",     // private
    "198.18.0.0/15",      // benchmarking
    "198.51.100.0/24",    // documentation
    "203.0.113.0/24",     // documentation
    "224.0.0.0/4",        // multicast
    "240.0.0.0/4",        // reserved, and the broadcast address
    "255.255.255.255/32", // broadcast
];

/// IPv6 prefixes that are not a public host.
const REFUSED_V6: [&str; 15] = [
    "::/128",          // unspecified
    "::1/128",         // loopback
    "::/96",           // IPv4-compatible (deprecated)
    "::ffff:0:0/96",   // IPv4-mapped
    "::ffff:0:0:0/96", // IPv4-translated
    "64:ff9b::/96",    // NAT64
    "64:ff9b:1::/48",  // local-use NAT64
    "100::/64",        // discard
    "2001::/32",       // Teredo (embeds an IPv4 address)
    "2001:db8::/32",   // documentation
    "2002::/16",       // 6to4 (embeds an IPv4 address)
    "fc00::/7",        // unique-local
    "fe80::/10",       // link-local
    "fec0::/10",       // site-local (deprecated)
    "ff00::/8",        // multicast
];

fn refused_v4() -> &'static [Ipv4Net] {
    static NETS: OnceLock<Vec<Ipv4Net>> = OnceLock::new();
    NETS.get_or_init(|| {
        REFUSED_V4
            .iter()
            .map(|net| net.parse().expect("the IPv4 prefixes above parse"))
            .collect()
    })
}

fn refused_v6() -> &'static [Ipv6Net] {
    static NETS: OnceLock<Vec<Ipv6Net>> = OnceLock::new();
    NETS.get_or_init(|| {
        REFUSED_V6
            .iter()
            .map(|net| net.parse().expect("the IPv6 prefixes above parse"))
            .collect()
    })
}

/// Whether a webhook may connect to `address`.
pub fn is_public(address: IpAddr) -> bool {
    match address {
        IpAddr::V4(v4) => is_public_v4(v4),
        IpAddr::V6(v6) => is_public_v6(v6),
    }
}

fn is_public_v4(address: Ipv4Addr) -> bool {
    !refused_v4().iter().any(|net| net.contains(&address))
}

fn is_public_v6(address: Ipv6Addr) -> bool {
    !refused_v6().iter().any(|net| net.contains(&address))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn public(text: &str) -> bool {
        is_public(text.parse().unwrap())
    }

    #[test]
    fn public_addresses_are_allowed() {
        for address in [
            "1.1.1.1",
            "8.8.8.8",
            "52.94.236.248",
            "100.63.255.255",
            "100.128.0.0",
            "172.32.0.1",
            "2606:4700:4700::1111",
            "2a00:1450:4001:80b::200e",
        ] {
            assert!(public(address), "{address}");
        }
    }

    #[test]
    fn every_range_that_is_not_a_public_host_is_refused() {
        for address in [
            "127.0.0.1",
            "127.1.2.3",
            "0.0.0.0",
            "0.1.2.3",
            "10.0.0.1",
            "172.16.0.1",
            "172.31.255.255",
            "192.168.1.1",
            "169.254.169.254",
            "100.64.0.1",
            "100.127.255.254",
            "224.0.0.1",
            "239.255.255.250",
            "255.255.255.255",
            "240.0.0.1",
            "198.18.0.1",
            "192.0.2.1",
            "::",
            "::1",
            "::ffff:127.0.0.1",
            "::ffff:10.0.0.1",
            "::ffff:8.8.8.8",
            "::127.0.0.1",
            "64:ff9b::a00:1",
            "64:ff9b:1::1",
            "fc00::1",
            "fd12:3456::1",
            "fe80::1",
            "fec0::1",
            "::ffff:0:a00:1",
            "ff02::1",
            "2002:7f00:1::1",
            "2001:0:4136:e378::1",
            "2001:db8::1",
        ] {
            assert!(!public(address), "{address}");
        }
    }
}
