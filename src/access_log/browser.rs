//! The browser family of a `User-Agent`, for the access log: enough to tell "the front desk's
//! Chrome" from "a Firefox nobody uses", never the whole string (which, with the address, can
//! single out a device).

/// `Edge`, `Chrome`, `Firefox`, `Safari` or `other`. Order matters: Edge's string names Chrome
/// and Safari too, and Chrome's names Safari.
pub fn browser_family(user_agent: Option<&str>) -> &'static str {
    let Some(agent) = user_agent else {
        return "other";
    };
    if agent.contains("Edg/") || agent.contains("EdgA/") || agent.contains("EdgiOS/") {
        "Edge"
    } else if agent.contains("Firefox/") || agent.contains("FxiOS/") {
        "Firefox"
    } else if agent.contains("Chrome/") || agent.contains("CriOS/") || agent.contains("Chromium/") {
        "Chrome"
    } else if agent.contains("Safari/") {
        "Safari"
    } else {
        "other"
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn families() {
        for (agent, family) in [
            (
                "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36 Edg/131.0.0.0",
                "Edge",
            ),
            (
                "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) HeadlessChrome/131.0.0.0 Safari/537.36",
                "Chrome",
            ),
            (
                "Mozilla/5.0 (Macintosh; Intel Mac OS X 14_0) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.0 Safari/605.1.15",
                "Safari",
            ),
            (
                "Mozilla/5.0 (X11; Linux x86_64; rv:133.0) Gecko/20100101 Firefox/133.0",
                "Firefox",
            ),
            (
                "Mozilla/5.0 (iPhone; CPU iPhone OS 17_0 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) CriOS/131.0 Mobile/15E148 Safari/604.1",
                "Chrome",
            ),
            ("curl/8.5.0", "other"),
        ] {
            assert_eq!(browser_family(Some(agent)), family, "{agent}");
        }
        assert_eq!(browser_family(None), "other");
    }
}
