//! `GET/POST /login` and `POST /logout`: the session cookie, and the lockout in front of Argon2.
//! A wrong password is answered after a pause that grows; past the lockout's limits the answer is
//! 429 with `Retry-After` (a page for a browser's form, JSON for a program), reached before any
//! Argon2 work.

use super::auth::{self, Account, Accounts};
use super::deadline::BodyCut;
use super::listen::client_address;
use super::lockout::{self, Failure, Lockout};
use super::routes::{error, html_page, LangQuery};
use super::{page, App};
use axum::extract::rejection::FormRejection;
use axum::extract::{ConnectInfo, Form, Query, State};
use axum::http::{header, HeaderMap, StatusCode};
use axum::response::{IntoResponse, Redirect, Response};
use kiemchung::model::Lang;
use serde::Deserialize;
use std::net::{IpAddr, SocketAddr};
use std::sync::Arc;
use std::time::{Duration, Instant};
use tokio::sync::Semaphore;

pub async fn login_page(State(app): State<Arc<App>>) -> Response {
    if app.accounts.is_none() {
        return Redirect::to("/").into_response();
    }
    html_page(page::LOGIN_HTML)
}

#[derive(Deserialize)]
pub struct Credentials {
    name: String,
    password: String,
}

pub async fn login(
    State(app): State<Arc<App>>,
    ConnectInfo(peer): ConnectInfo<SocketAddr>,
    headers: HeaderMap,
    Query(query): Query<LangQuery>,
    form: Result<Form<Credentials>, FormRejection>,
) -> Response {
    let lang = query.lang();
    let Some(accounts) = app.accounts.clone() else { return Redirect::to("/").into_response() };
    let Form(credentials) = match form {
        Ok(form) => form,
        Err(rejection) => return refused_form(&rejection, lang),
    };
    let address = client_address(&headers, peer, app.behind_https);
    match attempt(&app.lockout, &app.login_permits, accounts, credentials, address).await {
        Attempt::SignedIn(account) => {
            let token = app.sessions.start(account);
            let cookie = session_cookie(&token, auth::SESSION_SECONDS, app.behind_https);
            ([(header::SET_COOKIE, cookie)], Redirect::to("/")).into_response()
        }
        Attempt::Wrong(pause) => {
            tokio::time::sleep(pause).await;
            Redirect::to("/login?error=1").into_response()
        }
        Attempt::Locked(wait) => locked(wait, wants_page(&headers), lang),
    }
}

pub async fn logout(State(app): State<Arc<App>>, headers: HeaderMap) -> Response {
    if let Some(token) = auth::token_of(&headers) {
        app.sessions.end(&token);
    }
    let cookie = session_cookie("", 0, app.behind_https);
    ([(header::SET_COOKIE, cookie)], Redirect::to("/login")).into_response()
}

/// HttpOnly and SameSite=Strict always; Secure when the server is told a TLS proxy is in front
/// (over plain HTTP a browser would not send a Secure cookie back).
fn session_cookie(token: &str, max_age: u64, secure: bool) -> String {
    let secure = if secure { "; Secure" } else { "" };
    format!("{}={token}; HttpOnly; SameSite=Strict; Path=/; Max-Age={max_age}{secure}", auth::COOKIE)
}

#[derive(Debug)]
pub enum Attempt {
    SignedIn(Account),
    /// A wrong name or password: answered after this pause.
    Wrong(Duration),
    /// Refused without a look at the password, for this long.
    Locked(Duration),
}

/// One login: refused while the name or the address is locked (checked again once a turn at
/// Argon2 comes, as a lock may have begun meanwhile), else verified off the runtime.
pub async fn attempt(
    lockout: &Lockout,
    permits: &Semaphore,
    accounts: Arc<Accounts>,
    credentials: Credentials,
    address: IpAddr,
) -> Attempt {
    let Credentials { name, password } = credentials;
    if let Some(wait) = lockout.locked_for(&name, address, Instant::now()) {
        return Attempt::Locked(wait);
    }
    let Ok(permit) = permits.acquire().await else { return Attempt::Wrong(Duration::ZERO) };
    if let Some(wait) = lockout.locked_for(&name, address, Instant::now()) {
        return Attempt::Locked(wait);
    }
    let checked_name = name.clone();
    let account = tokio::task::spawn_blocking(move || accounts.verify(&checked_name, &password)).await.ok().flatten();
    // The pause after a wrong password is not spent holding a turn at Argon2.
    drop(permit);
    match account {
        Some(account) => {
            lockout.succeeded(&name, address);
            Attempt::SignedIn(account)
        }
        None => match lockout.failed(&name, address, Instant::now()) {
            Failure::Slowed(pause) => Attempt::Wrong(pause),
            Failure::Locked(wait) => Attempt::Locked(wait),
        },
    }
}

/// A browser's form navigation asks for a page; a program gets JSON.
fn wants_page(headers: &HeaderMap) -> bool {
    headers.get(header::ACCEPT).and_then(|v| v.to_str().ok()).is_some_and(|accept| accept.contains("text/html"))
}

fn locked(wait: Duration, page: bool, lang: Lang) -> Response {
    let message = lockout::retry_message(wait, lang);
    let retry_after = (header::RETRY_AFTER, wait.as_secs().max(1).to_string());
    if !page {
        let mut response = error(StatusCode::TOO_MANY_REQUESTS, message);
        if let Ok(value) = retry_after.1.parse() {
            response.headers_mut().insert(retry_after.0, value);
        }
        return response;
    }
    let (html_lang, back) = match lang {
        Lang::Vi => ("vi", "Quay lại trang đăng nhập"),
        Lang::En => ("en", "Back to the sign-in page"),
    };
    let body = format!(
        "<!doctype html>\n<html lang=\"{html_lang}\">\n<head>\n<meta charset=\"utf-8\">\n\
         <meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n\
         <title>kiemchung</title>\n<link rel=\"stylesheet\" href=\"/app.css\">\n</head>\n<body>\n\
         <main class=\"login\">\n<h1>kiemchung</h1>\n<p class=\"error\">{message}</p>\n\
         <p><a href=\"/login\">{back}</a></p>\n</main>\n</body>\n</html>\n"
    );
    let mut response = html_page(body);
    *response.status_mut() = StatusCode::TOO_MANY_REQUESTS;
    response.headers_mut().insert(retry_after.0, retry_after.1.parse().expect("digits are a header value"));
    response
}

/// A login form that could not be read: cut by the read deadline (408), or malformed (400).
fn refused_form(rejection: &FormRejection, lang: Lang) -> Response {
    match BodyCut::find(rejection) {
        Some(cut) => error(StatusCode::REQUEST_TIMEOUT, cut.message(lang)),
        None => error(
            StatusCode::BAD_REQUEST,
            lang.pick("biểu mẫu đăng nhập hỏng (cần name và password)", "a malformed sign-in form (name and password)")
                .into(),
        ),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::atomic::Ordering;

    fn accounts() -> Arc<Accounts> {
        let password_hash = auth::hash_password("matkhau-dung").unwrap();
        let account = Account { name: "ubnd-a".into(), password_hash, role: auth::Role::Council, units: vec![] };
        Arc::new(Accounts { users: vec![account], ..Accounts::default() })
    }

    fn tried(name: &str, password: &str) -> Credentials {
        Credentials { name: name.into(), password: password.into() }
    }

    #[tokio::test]
    async fn a_locked_name_is_refused_without_argon2_even_with_the_right_password() {
        let (lockout, permits, accounts) = (Lockout::default(), Semaphore::new(2), accounts());
        let address: IpAddr = "192.0.2.1".parse().unwrap();
        for n in 1..lockout::ACCOUNT_FAILURES {
            let outcome = attempt(&lockout, &permits, accounts.clone(), tried("ubnd-a", "sai"), address).await;
            assert!(matches!(outcome, Attempt::Wrong(pause) if pause == Duration::from_secs(n.into())), "{outcome:?}");
        }
        let last = attempt(&lockout, &permits, accounts.clone(), tried("ubnd-a", "sai"), address).await;
        assert!(matches!(last, Attempt::Locked(_)), "{last:?}");
        let verified = accounts.verifications.load(Ordering::SeqCst);
        assert_eq!(verified, lockout::ACCOUNT_FAILURES as usize);
        let right = attempt(&lockout, &permits, accounts.clone(), tried("ubnd-a", "matkhau-dung"), address).await;
        assert!(matches!(right, Attempt::Locked(wait) if wait > Duration::from_secs(14 * 60)), "{right:?}");
        assert_eq!(accounts.verifications.load(Ordering::SeqCst), verified, "Argon2 ran while locked");
    }

    #[tokio::test]
    async fn the_right_password_forgets_the_wrong_ones() {
        let (lockout, permits, accounts) = (Lockout::default(), Semaphore::new(2), accounts());
        let address: IpAddr = "192.0.2.1".parse().unwrap();
        for _ in 1..lockout::ACCOUNT_FAILURES {
            attempt(&lockout, &permits, accounts.clone(), tried("ubnd-a", "sai"), address).await;
        }
        let right = attempt(&lockout, &permits, accounts.clone(), tried("ubnd-a", "matkhau-dung"), address).await;
        assert!(matches!(right, Attempt::SignedIn(ref account) if account.name == "ubnd-a"), "{right:?}");
        let wrong = attempt(&lockout, &permits, accounts.clone(), tried("ubnd-a", "sai"), address).await;
        assert!(matches!(wrong, Attempt::Wrong(pause) if pause == Duration::from_secs(1)), "{wrong:?}");
    }

    #[test]
    fn the_cookie_is_secure_only_behind_https() {
        assert!(session_cookie("abc", 60, true).ends_with("; Secure"));
        assert!(!session_cookie("abc", 60, false).contains("Secure"));
        assert!(session_cookie("abc", 60, false).contains("HttpOnly; SameSite=Strict"));
    }
}
