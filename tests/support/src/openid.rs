//! A small OpenID Connect provider on loopback that speaks the protocol Google does: discovery,
//! JWKS, an authorization endpoint that consents at once, and a token endpoint that checks the
//! client secret and PKCE and issues RS256-signed ID tokens. It can also forge tokens.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};

use base64::Engine;
use base64::engine::general_purpose::{STANDARD, URL_SAFE_NO_PAD};
use chrono::Utc;
use openidconnect::core::{
    CoreIdToken, CoreIdTokenClaims, CoreIdTokenFields, CoreJsonWebKeySet, CoreJwsSigningAlgorithm,
    CoreProviderMetadata, CoreResponseType, CoreRsaPrivateSigningKey, CoreSubjectIdentifierType, CoreTokenResponse,
    CoreTokenType,
};
use openidconnect::{
    AccessToken, Audience, AuthUrl, EmptyAdditionalClaims, EmptyAdditionalProviderMetadata, EmptyExtraTokenFields,
    EndUserEmail, EndUserName, IssuerUrl, JsonWebKeyId, JsonWebKeySetUrl, LocalizedClaim, Nonce, PrivateSigningKey,
    ResponseTypes, StandardClaims, SubjectIdentifier, TokenUrl,
};
use poem::listener::{Acceptor, Listener, TcpListener};
use poem::web::{Data, Form, Query, Redirect};
use poem::{EndpointExt, IntoResponse, Request, Response, Route, Server, handler};
use serde::Deserialize;
use sha2::{Digest, Sha256};

pub const CLIENT_ID: &str = "vitrine-test-client";
pub const CLIENT_SECRET: &str = "vitrine-test-secret";

/// Who signs in at the provider.
#[derive(Debug, Clone)]
pub struct Identity {
    pub subject: String,
    pub email: String,
    pub email_verified: bool,
    pub name: String,
}

/// How the next ID tokens are made.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Tokens {
    Genuine,
    /// Signed with a key the provider never published.
    ForgedSignature,
    /// Issued for another client.
    WrongAudience,
    /// Carrying a nonce the client never sent.
    WrongNonce,
}

struct Grant {
    nonce: String,
    challenge: String,
    identity: Identity,
}

struct Provider {
    issuer: String,
    key: CoreRsaPrivateSigningKey,
    forger: CoreRsaPrivateSigningKey,
    identity: Mutex<Identity>,
    tokens: Mutex<Tokens>,
    grants: Mutex<HashMap<String, Grant>>,
}

#[derive(Clone)]
pub struct OpenIdProvider {
    pub issuer: String,
    provider: Arc<Provider>,
}

impl OpenIdProvider {
    pub async fn start(identity: Identity) -> Self {
        let acceptor = TcpListener::bind("127.0.0.1:0").into_acceptor().await.expect("a loopback port is free");
        let port = acceptor.local_addr()[0].as_socket_addr().expect("a socket address").port();
        let issuer = format!("http://127.0.0.1:{port}");
        let key = CoreRsaPrivateSigningKey::from_pem(
            include_str!("../keys/provider.pem"),
            Some(JsonWebKeyId::new("provider-1".into())),
        )
        .expect("the provider key parses");
        // The forger claims the published key id, so only the signature gives it away.
        let forger = CoreRsaPrivateSigningKey::from_pem(
            include_str!("../keys/forger.pem"),
            Some(JsonWebKeyId::new("provider-1".into())),
        )
        .expect("the forger key parses");
        let provider = Arc::new(Provider {
            issuer: issuer.clone(),
            key,
            forger,
            identity: Mutex::new(identity),
            tokens: Mutex::new(Tokens::Genuine),
            grants: Mutex::default(),
        });
        let app = Route::new()
            .at("/.well-known/openid-configuration", poem::get(discovery))
            .at("/jwks", poem::get(jwks))
            .at("/authorize", poem::get(authorize))
            .at("/token", poem::post(token))
            .data(provider.clone());
        tokio::spawn(Server::new_with_acceptor(acceptor).run(app));
        OpenIdProvider { issuer, provider }
    }

    pub fn set_identity(&self, identity: Identity) {
        *self.provider.identity.lock().expect("not poisoned") = identity;
    }

    pub fn set_tokens(&self, tokens: Tokens) {
        *self.provider.tokens.lock().expect("not poisoned") = tokens;
    }
}

#[handler]
fn discovery(provider: Data<&Arc<Provider>>) -> Response {
    let url = |path: &str| format!("{}{path}", provider.issuer);
    let metadata = CoreProviderMetadata::new(
        IssuerUrl::new(provider.issuer.clone()).expect("valid"),
        AuthUrl::new(url("/authorize")).expect("valid"),
        JsonWebKeySetUrl::new(url("/jwks")).expect("valid"),
        vec![ResponseTypes::new(vec![CoreResponseType::Code])],
        vec![CoreSubjectIdentifierType::Public],
        vec![CoreJwsSigningAlgorithm::RsaSsaPkcs1V15Sha256],
        EmptyAdditionalProviderMetadata {},
    )
    .set_token_endpoint(Some(TokenUrl::new(url("/token")).expect("valid")));
    poem::web::Json(metadata).into_response()
}

#[handler]
fn jwks(provider: Data<&Arc<Provider>>) -> Response {
    poem::web::Json(CoreJsonWebKeySet::new(vec![provider.key.as_verification_key()])).into_response()
}

#[derive(Deserialize)]
struct AuthorizeQuery {
    client_id: String,
    redirect_uri: String,
    state: String,
    nonce: String,
    code_challenge: String,
    code_challenge_method: String,
}

/// Consents at once, as a person clicking "Continue" would.
#[handler]
fn authorize(provider: Data<&Arc<Provider>>, query: Query<AuthorizeQuery>) -> Response {
    if query.client_id != CLIENT_ID || query.code_challenge_method != "S256" {
        return poem::http::StatusCode::BAD_REQUEST.into_response();
    }
    let code = uuid::Uuid::new_v4().simple().to_string();
    let identity = provider.identity.lock().expect("not poisoned").clone();
    provider
        .grants
        .lock()
        .expect("not poisoned")
        .insert(code.clone(), Grant { nonce: query.nonce.clone(), challenge: query.code_challenge.clone(), identity });
    let mut target = url::Url::parse(&query.redirect_uri).expect("the client sent a URL");
    target.query_pairs_mut().append_pair("code", &code).append_pair("state", &query.state);
    Redirect::see_other(target.as_str()).into_response()
}

#[derive(Deserialize)]
struct TokenForm {
    grant_type: String,
    code: String,
    code_verifier: String,
}

#[handler]
fn token(provider: Data<&Arc<Provider>>, request: &Request, form: Form<TokenForm>) -> Response {
    let expected = format!("Basic {}", STANDARD.encode(format!("{CLIENT_ID}:{CLIENT_SECRET}")));
    let authorised =
        request.headers().get("authorization").and_then(|value| value.to_str().ok()) == Some(expected.as_str());
    let grant = provider.grants.lock().expect("not poisoned").remove(&form.code);
    let Some(grant) = grant.filter(|_| authorised && form.grant_type == "authorization_code") else {
        return invalid_grant();
    };
    if URL_SAFE_NO_PAD.encode(Sha256::digest(form.code_verifier.as_bytes())) != grant.challenge {
        return invalid_grant();
    }
    let tokens = *provider.tokens.lock().expect("not poisoned");
    let audience = if tokens == Tokens::WrongAudience { "someone-else" } else { CLIENT_ID };
    let nonce = if tokens == Tokens::WrongNonce { "not-the-nonce".to_owned() } else { grant.nonce };
    let identity = grant.identity;
    let claims = CoreIdTokenClaims::new(
        IssuerUrl::new(provider.issuer.clone()).expect("valid"),
        vec![Audience::new(audience.into())],
        Utc::now() + chrono::Duration::minutes(5),
        Utc::now(),
        StandardClaims::new(SubjectIdentifier::new(identity.subject))
            .set_email(Some(EndUserEmail::new(identity.email)))
            .set_email_verified(Some(identity.email_verified))
            .set_name(Some(LocalizedClaim::from(EndUserName::new(identity.name)))),
        EmptyAdditionalClaims {},
    )
    .set_nonce(Some(Nonce::new(nonce)));
    let key = if tokens == Tokens::ForgedSignature { &provider.forger } else { &provider.key };
    let access_token = AccessToken::new(uuid::Uuid::new_v4().to_string());
    let id_token =
        CoreIdToken::new(claims, key, CoreJwsSigningAlgorithm::RsaSsaPkcs1V15Sha256, Some(&access_token), None)
            .expect("signing works");
    let response = CoreTokenResponse::new(
        access_token,
        CoreTokenType::Bearer,
        CoreIdTokenFields::new(Some(id_token), EmptyExtraTokenFields {}),
    );
    poem::web::Json(response).into_response()
}

fn invalid_grant() -> Response {
    poem::web::Json(serde_json::json!({ "error": "invalid_grant" }))
        .with_status(poem::http::StatusCode::BAD_REQUEST)
        .into_response()
}
