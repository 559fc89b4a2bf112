//! Every binary documents its variables in `--help` and refuses a bad one by name.

use std::process::Command;

use crate::processes::binary;

#[test]
fn help_lists_the_environment_variables() {
    for (name, variables) in [
        (
            "platform",
            &["VITRINE_DATABASE_URL", "VITRINE_PUBLIC_URL", "VITRINE_PLATFORM_ADDR", "VITRINE_GOOGLE_CLIENT_ID"][..],
        ),
        ("worker", &["VITRINE_DATABASE_URL", "VITRINE_SMTP_URL", "VITRINE_OUTBOX_DIR", "VITRINE_WORKER_NAME"][..]),
        ("tenant-router", &["VITRINE_DATABASE_URL", "VITRINE_HTTP_PORT", "VITRINE_PLATFORM_URL"][..]),
    ] {
        let output = Command::new(binary(name)).arg("--help").output().unwrap();
        assert!(output.status.success());
        let help = String::from_utf8_lossy(&output.stdout);
        for variable in variables {
            assert!(help.contains(variable), "{name} --help does not mention {variable}:\n{help}");
        }
    }
}

#[test]
fn a_bad_variable_stops_the_binary_with_its_name() {
    for (name, variable, value) in [
        ("tenant-router", "VITRINE_HTTP_PORT", "eighty"),
        ("platform", "VITRINE_DATABASE_URL", "mysql://nope"),
        ("platform", "VITRINE_PUBLIC_URL", "not a url"),
        ("worker", "VITRINE_EMAIL_FROM", "no address"),
        ("worker", "VITRINE_WORKER_HEARTBEAT_SECONDS", "0"),
    ] {
        let output = Command::new(binary(name)).env_clear().env(variable, value).output().unwrap();
        assert_eq!(output.status.code(), Some(2), "{name} with {variable}={value}");
        let message = String::from_utf8_lossy(&output.stderr);
        assert!(message.contains(variable), "{name}: the message should name {variable}: {message}");
    }
}

#[test]
fn google_sign_in_needs_both_client_id_and_secret() {
    let output = Command::new(binary("platform"))
        .env_clear()
        .env("VITRINE_GOOGLE_CLIENT_ID", "abc")
        .arg("openapi")
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(2));
    let message = String::from_utf8_lossy(&output.stderr);
    assert!(message.contains("VITRINE_GOOGLE_CLIENT_SECRET") || message.contains("google-client-secret"), "{message}");
}
