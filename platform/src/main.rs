#![forbid(unsafe_code)]

use anyhow::Context;
use clap::{Parser, Subcommand};
use vitrine_platform::Application;
use vitrine_platform::config::PlatformConfig;

/// Vitrine's HTTP service: the dashboard and partner API, public pages and the web app.
#[derive(Parser)]
#[command(name = "platform", version)]
struct Cli {
    #[command(subcommand)]
    command: Option<Command>,

    #[command(flatten)]
    config: PlatformConfig,
}

#[derive(Subcommand)]
enum Command {
    /// Serve HTTP (the default)
    Serve,
    /// Apply database migrations and set up the job queue, then exit
    Migrate,
    /// Print the OpenAPI document
    Openapi,
    /// Operator tasks
    #[command(subcommand)]
    Admin(Admin),
}

#[derive(Subcommand)]
enum Admin {
    /// Create a user (with a personal workspace) without going through email
    CreateUser {
        #[arg(long)]
        email: String,
        #[arg(long)]
        password: String,
        #[arg(long, default_value = "Operator")]
        full_name: String,
        /// Mark the email as verified
        #[arg(long)]
        verified: bool,
        /// Make the user an operator (admin)
        #[arg(long)]
        admin: bool,
    },
    /// Give an account one published portfolio per template (once)
    SeedDemo {
        #[arg(long)]
        email: String,
    },
}

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    // Dependencies compile in both rustls providers; name the one to use before any TLS.
    let _ = rustls::crypto::ring::default_provider().install_default();
    let cli: Cli = vitrine_core::config::parse();
    let _logging = vitrine_core::telemetry::init_logging(&cli.config.log)?;
    match cli.command.unwrap_or(Command::Serve) {
        Command::Serve => {
            let application = Application::build(cli.config).await?;
            tracing::info!(port = application.port(), "platform listening");
            application.run_until(vitrine_core::shutdown::signal()).await.context("serving HTTP")?;
        }
        Command::Migrate => {
            let pool = vitrine_core::db::connect(&cli.config.database).await?;
            vitrine_core::db::migrate(&pool).await?;
            tracing::info!("migrations applied");
        }
        Command::Openapi => println!("{}", vitrine_platform::openapi_spec()),
        Command::Admin(Admin::CreateUser { email, password, full_name, verified, admin }) => {
            let pool = vitrine_core::db::connect(&cli.config.database).await?;
            let user =
                vitrine_core::accounts::create_by_operator(&pool, &email, &password, &full_name, verified, admin)
                    .await
                    .map_err(|error| anyhow::anyhow!("{error}"))?;
            println!("created user {} ({})", user.email, user.id.0);
        }
        Command::Admin(Admin::SeedDemo { email }) => {
            let pool = vitrine_core::db::connect(&cli.config.database).await?;
            let sites = vitrine_core::sites::Sites::new(&cli.config.public);
            let user = vitrine_core::accounts::find_by_email(&pool, &email)
                .await
                .map_err(|error| anyhow::anyhow!("{error}"))?
                .with_context(|| format!("no account has the email {email}"))?;
            let seeded = vitrine_core::portfolios::seed_demo(&pool, user.id)
                .await
                .map_err(|error| anyhow::anyhow!("{error}"))?;
            for portfolio in seeded {
                println!("{}", sites.page_url(&portfolio.workspace_handle, Some(&portfolio.slug)));
            }
        }
    }
    Ok(())
}
