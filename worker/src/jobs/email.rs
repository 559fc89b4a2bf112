//! Sends an email composed by the platform. With SMTP configured it goes to that server;
//! without, it is written as an `.eml` file to the outbox and its link is logged, so a local
//! run needs no mail server.

use std::path::PathBuf;

use anyhow::Context;
use apalis::prelude::{Attempt, BoxDynError, Data};
use lettre::message::{Mailbox, MultiPart};
use lettre::{AsyncFileTransport, AsyncSmtpTransport, AsyncTransport, Message, Tokio1Executor};
use sqlx::PgPool;
use vitrine_core::email::EmailMessage;
use vitrine_core::jobs::SendEmail;

use crate::Counters;

#[derive(Clone)]
pub enum Mailer {
    Smtp { transport: AsyncSmtpTransport<Tokio1Executor>, from: Mailbox },
    Outbox { transport: AsyncFileTransport<Tokio1Executor>, from: Mailbox, dir: PathBuf },
}

impl Mailer {
    pub fn smtp(url: &str, from: Mailbox) -> anyhow::Result<Self> {
        let transport = AsyncSmtpTransport::<Tokio1Executor>::from_url(url)
            .context("VITRINE_SMTP_URL is not a valid SMTP URL")?
            .timeout(Some(std::time::Duration::from_secs(30)))
            .build();
        Ok(Mailer::Smtp { transport, from })
    }

    pub fn outbox(dir: PathBuf, from: Mailbox) -> anyhow::Result<Self> {
        std::fs::create_dir_all(&dir)
            .with_context(|| format!("cannot create the outbox {} (VITRINE_OUTBOX_DIR)", dir.display()))?;
        Ok(Mailer::Outbox { transport: AsyncFileTransport::new(&dir), from, dir })
    }

    fn from(&self) -> &Mailbox {
        match self {
            Mailer::Smtp { from, .. } | Mailer::Outbox { from, .. } => from,
        }
    }
}

pub async fn send(
    job: SendEmail,
    mailer: Data<Mailer>,
    pool: Data<PgPool>,
    counters: Data<Counters>,
    attempt: Attempt,
) -> Result<(), BoxDynError> {
    // A job can run twice (a crash after sending, before the job was marked done): the record
    // of sent emails keeps the second run from sending again. Only a crash between the send
    // and the record can still repeat it.
    let run = async {
        if vitrine_core::jobs::email_sent(&pool, job.id).await? {
            tracing::info!(email = %job.id, "email already sent; not sending it again");
            return Ok(());
        }
        deliver(&job.message, &mailer).await?;
        vitrine_core::jobs::record_email_sent(&pool, job.id).await?;
        Ok::<(), anyhow::Error>(())
    };
    counters.measure("email", &attempt, run).await.map_err(|error| {
        tracing::warn!(error = format!("{error:#}"), "sending an email failed; it will be retried");
        error.into()
    })
}

pub async fn deliver(message: &EmailMessage, mailer: &Mailer) -> anyhow::Result<()> {
    let email = Message::builder()
        .from(mailer.from().clone())
        .to(message.to.parse().context("the recipient is not a valid address")?)
        .subject(&message.subject)
        .multipart(MultiPart::alternative_plain_html(message.text.clone(), message.html.clone()))
        .context("composing the email")?;
    match mailer {
        Mailer::Smtp { transport, .. } => {
            transport.send(email).await.context("the SMTP server refused the email")?;
            tracing::info!(subject = %message.subject, "email sent");
        }
        Mailer::Outbox { transport, dir, .. } => {
            let id = transport.send(email).await.context("writing the email to the outbox")?;
            // Local runs have no mail server: the log shows where the email went and its link.
            let link = message.text.split_whitespace().find(|word| word.starts_with("http"));
            tracing::info!(file = %dir.join(format!("{id}.eml")).display(), link = link.unwrap_or(""), "email written to the outbox");
        }
    }
    Ok(())
}
