//! The emails the product sends, each with a text and an HTML part. They are composed when the
//! cause happens and sent by the worker.

use serde::{Deserialize, Serialize};
use url::Url;

use crate::notifications::Outgoing;

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct EmailMessage {
    pub to: String,
    pub subject: String,
    pub text: String,
    pub html: String,
}

/// Builds the links emails point at, all under the SPA at `/app`.
#[derive(Debug, Clone)]
pub struct Links {
    public_url: Url,
}

impl Links {
    pub fn new(public_url: Url) -> Self {
        Links { public_url }
    }

    fn app(&self, path: &str, token: &str) -> String {
        let mut url = self.public_url.clone();
        url.set_path(&format!("/app/{path}"));
        url.query_pairs_mut().clear().append_pair("token", token);
        url.to_string()
    }

    pub fn verification(&self, to: &str, full_name: &str, token: &str) -> EmailMessage {
        let link = self.app("verify-email", token);
        compose(
            to,
            "Confirm your email for Vitrine",
            Parts {
                greeting: &format!("Hello {full_name},"),
                body: "Confirm your email address to finish creating your Vitrine account. The link works for 48 hours.",
                action: "Confirm my email",
                link: &link,
                footer: "If you did not sign up, ignore this email.",
                unsubscribe: None,
            },
        )
    }

    pub fn password_reset(&self, to: &str, full_name: &str, token: &str) -> EmailMessage {
        let link = self.app("reset-password", token);
        compose(
            to,
            "Reset your Vitrine password",
            Parts {
                greeting: &format!("Hello {full_name},"),
                body: "Someone asked to reset the password of your Vitrine account. The link works for one hour and only once; using it signs you out everywhere else.",
                action: "Choose a new password",
                link: &link,
                footer: "If it was not you, ignore this email: your password stays as it is.",
                unsubscribe: None,
            },
        )
    }

    pub fn invitation(&self, to: &str, inviter: &str, workspace: &str, role: &str, token: &str) -> EmailMessage {
        let link = self.app("invitations/accept", token);
        let body = format!(
            "{inviter} invited you to join the workspace “{workspace}” on Vitrine as {role}. The invitation is valid for 7 days."
        );
        compose(
            to,
            &format!("{inviter} invited you to {workspace} on Vitrine"),
            Parts {
                greeting: "Hello,",
                body: &body,
                action: "Accept the invitation",
                link: &link,
                footer: "If you do not know this person, ignore this email.",
                unsubscribe: None,
            },
        )
    }

    /// A notification by email, with a link that stops emails of its category.
    pub fn notification(&self, outgoing: &Outgoing) -> EmailMessage {
        let mut link = self.public_url.clone();
        let path = outgoing.link.as_deref().unwrap_or("/app/");
        let (path, query) = path.split_once('?').unwrap_or((path, ""));
        link.set_path(path);
        link.set_query((!query.is_empty()).then_some(query));
        let mut unsubscribe = self.public_url.clone();
        unsubscribe.set_path("/app/unsubscribe");
        unsubscribe
            .query_pairs_mut()
            .clear()
            .append_pair("token", &outgoing.unsubscribe_token)
            .append_pair("category", outgoing.category.as_str());
        let footer = format!("Your notification settings send you emails about {}.", outgoing.category.describe());
        compose(
            &outgoing.to,
            &outgoing.title,
            Parts {
                greeting: &format!("Hello {},", outgoing.full_name),
                body: &format!("{}. {}", outgoing.title, outgoing.body),
                action: "Open Vitrine",
                link: link.as_str(),
                footer: &footer,
                unsubscribe: Some(unsubscribe.as_str()),
            },
        )
    }
}

/// The parts of an email; every one is plain text, escaped for the HTML part.
struct Parts<'a> {
    greeting: &'a str,
    body: &'a str,
    action: &'a str,
    link: &'a str,
    footer: &'a str,
    /// Where to stop emails like this one
    unsubscribe: Option<&'a str>,
}

fn compose(to: &str, subject: &str, parts: Parts<'_>) -> EmailMessage {
    let Parts { greeting, body, action, link, footer, unsubscribe } = parts;
    let mut text = format!("{greeting}\n\n{body}\n\n{action}:\n{link}\n\n{footer}\n\n— Vitrine\n");
    let mut html = format!(
        "<!doctype html><html><body style=\"font-family:system-ui,sans-serif;color:#1f2430;line-height:1.5\">\
         <p>{greeting}</p><p>{body}</p>\
         <p><a href=\"{link}\" style=\"display:inline-block;background:#4f46e5;color:#fff;padding:10px 18px;border-radius:6px;text-decoration:none\">{action}</a></p>\
         <p style=\"font-size:13px;color:#555\">Or open this link: <a href=\"{link}\">{link}</a></p>\
         <p style=\"font-size:13px;color:#555\">{footer}</p></body></html>",
        greeting = escape(greeting),
        body = escape(body),
        action = escape(action),
        link = escape(link),
        footer = escape(footer),
    );
    if let Some(unsubscribe) = unsubscribe {
        text.push_str(&format!("\nStop these emails: {unsubscribe}\n"));
        let stop = format!(
            "<p style=\"font-size:12px;color:#777\"><a href=\"{0}\" style=\"color:#777\">Stop these emails</a></p></body>",
            escape(unsubscribe)
        );
        html = html.replace("</body>", &stop);
    }
    EmailMessage { to: to.to_owned(), subject: subject.to_owned(), text, html }
}

fn escape(text: &str) -> String {
    text.replace('&', "&amp;").replace('<', "&lt;").replace('>', "&gt;").replace('"', "&quot;")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn links_carry_the_token_and_names_are_escaped_in_html() {
        let links = Links::new(Url::parse("https://vitrine.example").unwrap());
        let message = links.invitation("b@example.com", "<Ann>", "Ann's & co", "editor", "tok-123");
        assert!(message.text.contains("https://vitrine.example/app/invitations/accept?token=tok-123"));
        assert!(message.html.contains("&lt;Ann&gt;"));
        assert!(!message.html.contains("<Ann>"));
        assert!(message.subject.contains("Ann's & co"));
    }
}
