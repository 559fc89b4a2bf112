//! What a request says about its visitor, read from its headers: robot or person, which kind
//! of device, which site sent them. Nothing here identifies anyone.

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Device {
    Desktop,
    Tablet,
    Phone,
}

impl Device {
    pub fn as_str(self) -> &'static str {
        match self {
            Device::Desktop => "desktop",
            Device::Tablet => "tablet",
            Device::Phone => "phone",
        }
    }
}

/// Marks of crawlers, link-preview fetchers, headless browsers and HTTP libraries, lowercase.
const ROBOTS: &[&str] = &[
    "bot",
    "crawl",
    "spider",
    "slurp",
    "fetch",
    "preview",
    "scrape",
    "headless",
    "lighthouse",
    "pingdom",
    "facebookexternalhit",
    "whatsapp",
    "telegram",
    "skype",
    "embedly",
    "quora link",
    "vkshare",
    "curl/",
    "wget/",
    "python-",
    "python/",
    "go-http-client",
    "java/",
    "okhttp",
    "libwww",
    "httpclient",
    "axios/",
    "node-fetch",
    "undici",
    "phantomjs",
    "puppeteer",
    "playwright",
    "selenium",
    "monitor",
    "uptime",
];

/// Robots announce themselves in the user agent, or send none.
pub fn is_robot(user_agent: &str) -> bool {
    let agent = user_agent.to_ascii_lowercase();
    agent.trim().is_empty() || ROBOTS.iter().any(|mark| agent.contains(mark))
}

/// A speculative load (link prefetch or prerender) that may never be shown.
pub fn is_prefetch(purpose: Option<&str>, sec_purpose: Option<&str>, moz: Option<&str>) -> bool {
    [purpose, sec_purpose, moz].into_iter().flatten().any(|value| {
        let value = value.to_ascii_lowercase();
        value.contains("prefetch") || value.contains("prerender")
    })
}

pub fn device(user_agent: &str) -> Device {
    let agent = user_agent.to_ascii_lowercase();
    if agent.contains("ipad") || agent.contains("tablet") || (agent.contains("android") && !agent.contains("mobile")) {
        Device::Tablet
    } else if agent.contains("mobi") || agent.contains("iphone") || agent.contains("ipod") || agent.contains("phone") {
        Device::Phone
    } else {
        Device::Desktop
    }
}

/// The referring site's domain (`news.ycombinator.com`, without `www.`), or `None` for
/// direct visits, links within `own_host` and anything that is not an http(s) address.
pub fn referrer_domain(referer: Option<&str>, own_host: &str) -> Option<String> {
    let url = url::Url::parse(referer?).ok()?;
    if !matches!(url.scheme(), "http" | "https") {
        return None;
    }
    let host = url.host_str()?.trim_end_matches('.').to_ascii_lowercase();
    let own = own_host.rsplit_once(':').map_or(own_host, |(name, _)| name).to_ascii_lowercase();
    if host == own || host.len() > 253 {
        return None;
    }
    Some(host.strip_prefix("www.").unwrap_or(&host).to_owned())
}

#[cfg(test)]
mod tests {
    use super::*;

    const FIREFOX: &str = "Mozilla/5.0 (X11; Linux x86_64; rv:128.0) Gecko/20100101 Firefox/128.0";
    const IPHONE: &str = "Mozilla/5.0 (iPhone; CPU iPhone OS 17_5 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.5 Mobile/15E148 Safari/604.1";
    const IPAD: &str = "Mozilla/5.0 (iPad; CPU OS 17_5 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.5 Mobile/15E148 Safari/604.1";
    const ANDROID_TABLET: &str =
        "Mozilla/5.0 (Linux; Android 14; SM-X710) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/126.0 Safari/537.36";
    const ANDROID_PHONE: &str = "Mozilla/5.0 (Linux; Android 14; Pixel 8) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/126.0 Mobile Safari/537.36";

    #[test]
    fn robots_are_told_from_people() {
        for robot in [
            "Mozilla/5.0 (compatible; Googlebot/2.1; +http://www.google.com/bot.html)",
            "facebookexternalhit/1.1 (+http://www.facebook.com/externalhit_uatext.php)",
            "LinkedInBot/1.0 (compatible; Mozilla/5.0; Apache-HttpClient +http://www.linkedin.com)",
            "Slackbot-LinkExpanding 1.0 (+https://api.slack.com/robots)",
            "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) HeadlessChrome/126.0 Safari/537.36",
            "curl/8.5.0",
            "WhatsApp/2.23.20.0",
            "",
        ] {
            assert!(is_robot(robot), "{robot}");
        }
        for person in [FIREFOX, IPHONE, IPAD, ANDROID_TABLET, ANDROID_PHONE] {
            assert!(!is_robot(person), "{person}");
        }
    }

    #[test]
    fn devices_are_phones_tablets_or_desktops() {
        assert_eq!(device(FIREFOX), Device::Desktop);
        assert_eq!(device(IPHONE), Device::Phone);
        assert_eq!(device(ANDROID_PHONE), Device::Phone);
        assert_eq!(device(IPAD), Device::Tablet);
        assert_eq!(device(ANDROID_TABLET), Device::Tablet);
    }

    #[test]
    fn prefetches_are_recognised_by_any_of_their_headers() {
        assert!(is_prefetch(None, Some("prefetch;prerender"), None));
        assert!(is_prefetch(Some("prefetch"), None, None));
        assert!(is_prefetch(None, None, Some("prefetch")));
        assert!(!is_prefetch(None, None, None));
    }

    #[test]
    fn referrers_are_other_sites_domains() {
        let own = "maya.vitrine.example:8080";
        assert_eq!(referrer_domain(Some("https://www.Google.com/search?q=maya"), own).as_deref(), Some("google.com"));
        assert_eq!(
            referrer_domain(Some("https://news.ycombinator.com/item?id=1"), own).as_deref(),
            Some("news.ycombinator.com")
        );
        assert_eq!(referrer_domain(Some("http://maya.vitrine.example:8080/projects"), own), None, "within the site");
        assert_eq!(referrer_domain(Some("android-app://com.slack"), own), None);
        assert_eq!(referrer_domain(Some("not a url"), own), None);
        assert_eq!(referrer_domain(None, own), None);
    }
}
