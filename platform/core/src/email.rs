//! The emails the product sends, each with a text and an HTML part. They are composed when the
//! cause happens and sent by the worker.

use serde::{Deserialize, Serialize};
use url::Url;

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
            &format!("Hello {full_name},"),
            "Confirm your email address to finish creating your Vitrine account. The link works for 48 hours.",
            "Confirm my email",
            &link,
            "If you did not sign up, ignore this email.",
        )
    }

    pub fn password_reset(&self, to: &str, full_name: &str, token: &str) -> EmailMessage {
        let link = self.app("reset-password", token);
        compose(
            to,
            "Reset your Vitrine password",
            &format!("Hello {full_name},"),
            "Someone asked to reset the password of your Vitrine account. The link works for one hour and only once; using it signs you out everywhere else.",
            "Choose a new password",
            &link,
            "If it was not you, ignore this email: your password stays as it is.",
        )
    }

    pub fn invitation(&self, to: &str, inviter: &str, workspace: &str, role: &str, token: &str) -> EmailMessage {
        let link = self.app("invitations/accept", token);
        compose(
            to,
            &format!("{inviter} invited you to {workspace} on Vitrine"),
            "Hello,",
            &format!(
                "{inviter} invited you to join the workspace “{workspace}” on Vitrine as {role}. The invitation is valid for 7 days."
            ),
            "Accept the invitation",
            &link,
            "If you do not know this person, ignore this email.",
        )
    }
}

fn compose(
    to: &str,
    subject: &str,
    greeting: &str,
    body: &str,
    action: &str,
    link: &str,
    footer: &str,
) -> EmailMessage {
    let text = format!("{greeting}\n\n{body}\n\n{action}:\n{link}\n\n{footer}\n\n— Vitrine\n");
    let html = format!(
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
