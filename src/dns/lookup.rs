//! Asking DNS (hickory's resolver): the server named by `DNS_SERVER` (an IP address and port,
//! for a test's local server or a practice's own resolver), else the system's configured ones.

use super::{DnsRecord, Expect, RecordType, published};
use hickory_resolver::proto::rr::{RData, RecordType as Type};
use hickory_resolver::{Resolver, TokioResolver};
use std::net::SocketAddr;

#[derive(Debug, thiserror::Error)]
pub enum LookupError {
    #[error("DNS_SERVER `{0}` is not an IP address and port (e.g. 127.0.0.1:53)")]
    Server(String),
    #[error("no DNS resolver: {0}")]
    Resolver(String),
    #[error("DNS gave no answer for {name} {kind}: {why}")]
    Unanswered {
        name: String,
        kind: &'static str,
        why: String,
    },
}

/// What DNS says of one record.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Found {
    Published,
    /// Not there: what the name holds instead (nothing when empty).
    Missing(Vec<String>),
}

pub struct DnsLookup {
    resolver: TokioResolver,
}

impl DnsLookup {
    /// `server`: `DNS_SERVER`'s value, when set.
    pub fn new(server: Option<&str>) -> Result<Self, LookupError> {
        use hickory_resolver::config::{NameServerConfig, ResolverConfig};
        use hickory_resolver::net::runtime::TokioRuntimeProvider;
        let mut builder = match server {
            Some(text) => {
                let address: SocketAddr = text
                    .trim()
                    .parse()
                    .map_err(|_| LookupError::Server(text.to_owned()))?;
                let mut name_server = NameServerConfig::udp_and_tcp(address.ip());
                for connection in &mut name_server.connections {
                    connection.port = address.port();
                }
                Resolver::builder_with_config(
                    ResolverConfig::from_name_servers(vec![name_server]),
                    TokioRuntimeProvider::default(),
                )
            }
            None => Resolver::builder_tokio().map_err(|e| LookupError::Resolver(e.to_string()))?,
        };
        let options = builder.options_mut();
        // Each record asked once, as it is now: a record just added must not be hidden by a
        // cached "no such record" (doctor runs again right after the practice fixes one).
        options.cache_size = 0;
        // What DNS publishes, never this machine's /etc/hosts.
        options.use_hosts_file = hickory_resolver::config::ResolveHosts::Never;
        // A server that does not answer costs seconds, not minutes: doctor stops asking after the
        // first record DNS did not answer (`doctor::dns`).
        options.timeout = std::time::Duration::from_secs(3);
        options.attempts = 1;
        let resolver = builder
            .build()
            .map_err(|e| LookupError::Resolver(e.to_string()))?;
        Ok(Self { resolver })
    }

    /// Whether the record is published.
    pub async fn check(&self, record: &DnsRecord) -> Result<Found, LookupError> {
        let found = self.answers(&record.name, record.kind).await?;
        if published(record, &found) {
            return Ok(Found::Published);
        }
        if record.expect == Expect::CnameOrAlias && found.is_empty() {
            // An alias record (at the zone's apex, where a CNAME cannot be): the same addresses.
            let mine = self.addresses(&record.name).await?;
            let target = self.addresses(&record.value).await?;
            if !mine.is_empty() && mine.iter().any(|a| target.contains(a)) {
                return Ok(Found::Published);
            }
        }
        Ok(Found::Missing(found))
    }

    /// The name's records of that type, as text; none when it has none or does not exist.
    async fn answers(&self, name: &str, kind: RecordType) -> Result<Vec<String>, LookupError> {
        let wanted = match kind {
            RecordType::Cname => Type::CNAME,
            RecordType::Mx => Type::MX,
            RecordType::Txt => Type::TXT,
        };
        let lookup = match self.resolver.lookup(format!("{name}."), wanted).await {
            Ok(lookup) => lookup,
            Err(e) if e.is_no_records_found() || e.is_nx_domain() => return Ok(Vec::new()),
            Err(e) => {
                return Err(LookupError::Unanswered {
                    name: name.to_owned(),
                    kind: kind.as_str(),
                    why: e.to_string(),
                });
            }
        };
        Ok(lookup
            .answers()
            .iter()
            .filter_map(|answer| match &answer.data {
                RData::CNAME(target) if wanted == Type::CNAME => Some(host(&target.0)),
                RData::MX(mx) => Some(format!("{} {}", mx.preference, host(&mx.exchange))),
                RData::TXT(txt) => Some(
                    txt.txt_data
                        .iter()
                        .map(|part| String::from_utf8_lossy(part).into_owned())
                        .collect::<String>(),
                ),
                _ => None,
            })
            .collect())
    }

    async fn addresses(&self, name: &str) -> Result<Vec<std::net::IpAddr>, LookupError> {
        match self.resolver.lookup_ip(format!("{name}.")).await {
            Ok(found) => Ok(found.iter().collect()),
            Err(e) if e.is_no_records_found() || e.is_nx_domain() => Ok(Vec::new()),
            Err(e) => Err(LookupError::Unanswered {
                name: name.to_owned(),
                kind: "A",
                why: e.to_string(),
            }),
        }
    }
}

/// A name as the practice's DNS host shows it: no final dot.
fn host(name: &hickory_resolver::proto::rr::Name) -> String {
    name.to_ascii().trim_end_matches('.').to_owned()
}
