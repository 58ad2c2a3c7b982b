//! Web origins and absolute URLs, read with the `url` crate: what `ALLOWED_ORIGINS` lists, what a
//! browser's `Origin` and `Referer` say, and the URLs the function links or posts to.

use url::Url;

/// An exact origin such as `https://www.example.com`: scheme, host, optional port; no path.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Origin {
    /// `scheme://host[:port]`, lower-case, default port left out.
    serialized: String,
    host: String,
}

impl Origin {
    /// Parses an origin as written in configuration or sent in an `Origin` header. `null`, paths,
    /// trailing slashes, credentials and other schemes are refused.
    pub fn parse(text: &str) -> Result<Self, String> {
        let text = text.trim();
        let authority = text
            .strip_prefix("https://")
            .or_else(|| text.strip_prefix("http://"))
            .ok_or_else(|| format!("`{text}` must start with https:// or http://"))?;
        if authority.is_empty() || authority.contains(['/', '?', '#', '@', '\\']) {
            return Err(format!(
                "`{text}` must be an origin: scheme and host, optional port, no path or trailing slash"
            ));
        }
        Self::of_url(text).ok_or_else(|| format!("`{text}` is not a valid origin"))
    }

    /// The origin of an absolute http(s) URL (a `Referer`, say).
    pub fn of_url(text: &str) -> Option<Self> {
        let url = Url::parse(text).ok()?;
        if !matches!(url.scheme(), "http" | "https") {
            return None;
        }
        let host = url.host_str()?.to_ascii_lowercase();
        Some(Self {
            serialized: url.origin().ascii_serialization(),
            host,
        })
    }

    pub fn as_str(&self) -> &str {
        &self.serialized
    }

    /// The host alone (`[::1]` for an IPv6 address), as Turnstile reports where a token was made.
    pub fn host(&self) -> &str {
        &self.host
    }
}

impl std::fmt::Display for Origin {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.serialized)
    }
}

/// The list of origins whose pages may post to the function.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AllowedOrigins(Vec<Origin>);

impl AllowedOrigins {
    /// `ALLOWED_ORIGINS`: exact origins. The list is also the hosted form's `frame-ancestors`,
    /// where a wildcard would let any site (or every subdomain) frame the practice's form, so a
    /// wildcard is refused, as is plain `http` anywhere but on this machine.
    pub fn parse(raw: &str) -> Result<Self, String> {
        let origins = raw
            .split(',')
            .filter(|s| !s.trim().is_empty())
            .map(|text| {
                let text = text.trim();
                if text.contains('*') {
                    return Err(format!(
                        "`{text}` is a wildcard: list each origin exactly, like https://www.example.com"
                    ));
                }
                let origin = Origin::parse(text)?;
                let local = matches!(origin.host.as_str(), "localhost" | "127.0.0.1" | "[::1]");
                if origin.serialized.starts_with("http://") && !local {
                    return Err(format!(
                        "`{text}` is plain http: only localhost and 127.0.0.1 may be; use https://"
                    ));
                }
                Ok(origin)
            })
            .collect::<Result<Vec<_>, _>>()?;
        if origins.is_empty() {
            return Err("list at least one origin".to_owned());
        }
        Ok(Self(origins))
    }

    /// Whether `origin` (as a browser sends it) is one of the list.
    pub fn allows(&self, origin: &str) -> bool {
        Origin::parse(origin).is_ok_and(|origin| self.contains(&origin))
    }

    pub fn contains(&self, origin: &Origin) -> bool {
        self.0.contains(origin)
    }

    /// Whether Turnstile's `hostname` belongs to one of the allowed origins.
    pub fn has_host(&self, hostname: &str) -> bool {
        self.0.iter().any(|o| o.host.eq_ignore_ascii_case(hostname))
    }

    pub fn iter(&self) -> impl Iterator<Item = &Origin> {
        self.0.iter()
    }

    /// The list and the API's own origins, from which the hosted form posts.
    pub fn with(&self, own: &[Origin]) -> Self {
        let mut origins = self.0.clone();
        for origin in own {
            if !origins.contains(origin) {
                origins.push(origin.clone());
            }
        }
        Self(origins)
    }
}

/// An absolute http(s) URL, checked once (`THANK_YOU_URL`, `TURNSTILE_VERIFY_URL`).
pub fn absolute_http_url(text: &str) -> Result<String, String> {
    let invalid = || "must be an absolute http(s) URL".to_owned();
    if text
        .chars()
        .any(|c| c.is_whitespace() || c.is_control() || matches!(c, '"' | '<' | '>'))
    {
        return Err(invalid());
    }
    // `url` reads `https:///x` as the host `x`; a URL written like that is a mistake.
    let authority = text.split_once("://").map_or("", |(_, rest)| rest);
    let url = Url::parse(text).map_err(|_| invalid())?;
    if !matches!(url.scheme(), "http" | "https")
        || authority.is_empty()
        || authority.starts_with('/')
    {
        return Err(invalid());
    }
    Ok(text.to_owned())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn origins_are_exact() {
        let allowed =
            AllowedOrigins::parse("https://www.example.com,http://localhost:8080").unwrap();
        for origin in [
            "https://www.example.com",
            "https://WWW.Example.com",
            "http://localhost:8080",
        ] {
            assert!(allowed.allows(origin), "{origin}");
        }
        for origin in [
            "https://evil.example",
            "https://www.example.com.evil.example",
            "http://www.example.com",
            "https://www.example.com:8443",
            "https://www.example.com/",
            "https://user@www.example.com",
            "null",
            "",
        ] {
            assert!(!allowed.allows(origin), "{origin}");
        }
        assert!(allowed.has_host("LOCALHOST"));
        assert!(!allowed.has_host("evil.example"));
    }

    #[test]
    fn a_wildcard_a_path_or_plain_http_beyond_this_machine_is_refused() {
        for bad in [
            "https://*",
            "https://*.practice.example",
            "https://www.practice.example,https://*",
            "http://www.practice.example",
            "https://www.practice.example/contact",
            "https://www.practice.example/",
        ] {
            assert!(AllowedOrigins::parse(bad).is_err(), "{bad}");
        }
        for good in [
            "https://www.practice.example",
            "http://localhost:8080,http://127.0.0.1:8080",
            "https://www.practice.example:8443,http://[::1]:8080",
        ] {
            assert!(AllowedOrigins::parse(good).is_ok(), "{good}");
        }
        let error = AllowedOrigins::parse("https://*.practice.example").unwrap_err();
        assert!(error.contains("wildcard"), "{error}");
    }

    #[test]
    fn origins_of_urls() {
        let of = |url: &str| Origin::of_url(url).map(|o| o.as_str().to_owned());
        assert_eq!(
            of("https://www.example.com/contact?x=1").as_deref(),
            Some("https://www.example.com")
        );
        assert_eq!(
            of("http://localhost:8080#top").as_deref(),
            Some("http://localhost:8080")
        );
        assert_eq!(of("/relative"), None);
        assert_eq!(of("javascript:alert(1)"), None);
        assert_eq!(Origin::parse("http://[::1]:8080").unwrap().host(), "[::1]");
    }

    #[test]
    fn urls_must_be_absolute_http() {
        assert!(absolute_http_url("https://www.example.com/thanks").is_ok());
        assert!(absolute_http_url("http://127.0.0.1:9999/siteverify").is_ok());
        for bad in [
            "/thanks",
            "ftp://verify",
            "https:///x",
            "https://a b",
            "mailto:a@b.c",
        ] {
            assert!(absolute_http_url(bad).is_err(), "{bad}");
        }
    }
}
