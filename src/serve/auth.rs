//! Accounts (`--users FILE`: a TOML list of name, Argon2 hash, role and units) and sessions: a
//! random token in an HttpOnly cookie, kept in memory for twelve hours.

use argon2::password_hash::rand_core::{OsRng, RngCore};
use argon2::password_hash::{PasswordHash, PasswordHasher, PasswordVerifier, SaltString};
use argon2::Argon2;
use kiemchung::model::Lang;
use serde::{Deserialize, Serialize};
use std::collections::HashMap;
use std::path::Path;
use std::sync::Mutex;
use std::time::{Duration, Instant};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, clap::ValueEnum)]
#[serde(rename_all = "lowercase")]
pub enum Role {
    /// Sees only the checks of its own units.
    Unit,
    /// Sees every check and the province summary.
    Council,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Account {
    pub name: String,
    pub password_hash: String,
    pub role: Role,
    #[serde(default)]
    pub units: Vec<String>,
}

#[derive(Debug, Default, Serialize, Deserialize)]
pub struct Accounts {
    #[serde(default, rename = "user")]
    pub users: Vec<Account>,
    /// Argon2 verifications run: a locked-out login must run none.
    #[serde(skip)]
    pub verifications: std::sync::atomic::AtomicUsize,
}

/// Who is asking: anyone on a loopback server without accounts, else a signed-in account.
#[derive(Debug, Clone)]
pub enum Viewer {
    Open,
    Account(Account),
}

impl Viewer {
    /// A unit account sees the checks uploaded for its units; a council and an open server see all.
    pub fn may_see(&self, owner: Option<&str>) -> bool {
        match self {
            Viewer::Open => true,
            Viewer::Account(account) => match account.role {
                Role::Council => true,
                Role::Unit => owner.is_some_and(|owner| account.units.iter().any(|u| u == owner)),
            },
        }
    }

    pub fn sees_all(&self) -> bool {
        match self {
            Viewer::Open => true,
            Viewer::Account(account) => account.role == Role::Council,
        }
    }
}

impl Accounts {
    pub fn load(path: &Path, lang: Lang) -> Result<Accounts, String> {
        let text = std::fs::read_to_string(path).map_err(|e| format!("--users '{}': {e}", path.display()))?;
        let accounts: Accounts = toml::from_str(&text).map_err(|e| format!("--users '{}': {e}", path.display()))?;
        for account in &accounts.users {
            PasswordHash::new(&account.password_hash).map_err(|e| {
                format!("--users: '{}': {}: {e}", account.name, lang.pick("mã băm Argon2 hỏng", "a broken Argon2 hash"))
            })?;
            if account.role == Role::Unit && account.units.is_empty() {
                return Err(format!(
                    "--users: '{}': {}",
                    account.name,
                    lang.pick("tài khoản đơn vị cần ít nhất một đơn vị (units)", "a unit account needs its units")
                ));
            }
        }
        if accounts.users.is_empty() {
            return Err(format!("--users '{}': {}", path.display(), lang.pick("không có tài khoản", "no account")));
        }
        Ok(accounts)
    }

    /// The account whose name and password match (Argon2 is slow on purpose: call off the runtime).
    /// An unknown name costs one verification too, so the time taken does not tell which names exist.
    pub fn verify(&self, name: &str, password: &str) -> Option<Account> {
        self.verifications.fetch_add(1, std::sync::atomic::Ordering::SeqCst);
        let account = self.users.iter().find(|a| a.name == name);
        let hash_text = account.map_or_else(no_such_account_hash, |a| &a.password_hash);
        let hash = PasswordHash::new(hash_text).ok()?;
        let matches = Argon2::default().verify_password(password.as_bytes(), &hash).is_ok();
        account.filter(|_| matches).cloned()
    }
}

/// A hash no password is checked against for real: what an unknown name is verified with.
fn no_such_account_hash<'a>() -> &'a str {
    static HASH: std::sync::OnceLock<String> = std::sync::OnceLock::new();
    HASH.get_or_init(|| hash_password("kiemchung: no such account").unwrap_or_default())
}

pub fn hash_password(password: &str) -> Result<String, String> {
    let salt = SaltString::generate(&mut OsRng);
    Argon2::default().hash_password(password.as_bytes(), &salt).map(|h| h.to_string()).map_err(|e| e.to_string())
}

/// `--add-user`: adds the account to FILE (created if absent), or replaces the one of that name.
pub fn add_user(file: &Path, account: Account, lang: Lang) -> Result<(), String> {
    let mut accounts = if file.exists() {
        let text = std::fs::read_to_string(file).map_err(|e| format!("'{}': {e}", file.display()))?;
        toml::from_str::<Accounts>(&text).map_err(|e| format!("'{}': {e}", file.display()))?
    } else {
        Accounts::default()
    };
    accounts.users.retain(|a| a.name != account.name);
    accounts.users.push(account);
    let text = toml::to_string(&accounts).map_err(|e| e.to_string())?;
    crate::write_atomically(file, lang, |out| Ok(out.write_all(text.as_bytes())?))?;
    #[cfg(unix)]
    {
        // Hashes are not passwords, but nobody else needs to read them.
        use std::os::unix::fs::PermissionsExt;
        let _ = std::fs::set_permissions(file, std::fs::Permissions::from_mode(0o600));
    }
    Ok(())
}

pub const COOKIE: &str = "kiemchung_session";
/// Twelve hours: the cookie's Max-Age and the session's life on the server.
pub const SESSION_SECONDS: u64 = 12 * 3600;
const SESSION_LIFETIME: Duration = Duration::from_secs(SESSION_SECONDS);
/// Sessions kept at most; the oldest go first (a flood of logins cannot grow memory).
const MAX_SESSIONS: usize = 10_000;

#[derive(Default)]
pub struct Sessions {
    by_token: Mutex<HashMap<String, (Account, Instant)>>,
}

impl Sessions {
    pub fn start(&self, account: Account) -> String {
        let mut bytes = [0u8; 32];
        OsRng.fill_bytes(&mut bytes);
        let token: String = bytes.iter().map(|b| format!("{b:02x}")).collect();
        let mut sessions = self.lock();
        let now = Instant::now();
        sessions.retain(|_, (_, started)| now.duration_since(*started) < SESSION_LIFETIME);
        if sessions.len() >= MAX_SESSIONS {
            if let Some(oldest) = sessions.iter().min_by_key(|(_, (_, t))| *t).map(|(k, _)| k.clone()) {
                sessions.remove(&oldest);
            }
        }
        sessions.insert(token.clone(), (account, now));
        token
    }

    pub fn account(&self, token: &str) -> Option<Account> {
        let sessions = self.lock();
        let (account, started) = sessions.get(token)?;
        (started.elapsed() < SESSION_LIFETIME).then(|| account.clone())
    }

    pub fn end(&self, token: &str) {
        self.lock().remove(token);
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, HashMap<String, (Account, Instant)>> {
        self.by_token.lock().unwrap_or_else(|poisoned| poisoned.into_inner())
    }
}

/// The session token in a request's `Cookie` header.
pub fn token_of(headers: &axum::http::HeaderMap) -> Option<String> {
    headers
        .get_all(axum::http::header::COOKIE)
        .iter()
        .filter_map(|value| value.to_str().ok())
        .flat_map(|value| value.split(';'))
        .filter_map(|pair| pair.trim().split_once('='))
        .find(|(name, _)| *name == COOKIE)
        .map(|(_, value)| value.to_string())
}

/// The password for `--add-user`: one line of stdin, typed without echo on a terminal.
pub fn read_password(lang: Lang) -> Result<String, String> {
    use std::io::IsTerminal;
    let stdin = std::io::stdin();
    let terminal = stdin.is_terminal();
    if terminal {
        eprint!("{}", lang.pick("Mật khẩu: ", "Password: "));
    }
    let _echo = terminal.then(EchoOff::new);
    let mut line = String::new();
    stdin.read_line(&mut line).map_err(|e| e.to_string())?;
    if terminal {
        eprintln!();
    }
    let password = line.trim_end_matches(['\r', '\n']).to_string();
    if password.chars().count() < 8 {
        return Err(lang.pick("mật khẩu cần ít nhất 8 ký tự".into(), "the password needs 8 characters or more".into()));
    }
    Ok(password)
}

/// Terminal echo off while the password is typed, back on when dropped.
struct EchoOff {
    #[cfg(unix)]
    saved: Option<libc::termios>,
}

impl EchoOff {
    fn new() -> EchoOff {
        #[cfg(unix)]
        {
            // SAFETY: tcgetattr/tcsetattr on stdin with a zeroed termios they fill in.
            unsafe {
                let mut term: libc::termios = std::mem::zeroed();
                if libc::tcgetattr(0, &mut term) != 0 {
                    return EchoOff { saved: None };
                }
                let saved = term;
                term.c_lflag &= !libc::ECHO;
                libc::tcsetattr(0, libc::TCSANOW, &term);
                EchoOff { saved: Some(saved) }
            }
        }
        #[cfg(not(unix))]
        EchoOff {}
    }
}

impl Drop for EchoOff {
    fn drop(&mut self) {
        #[cfg(unix)]
        if let Some(saved) = &self.saved {
            // SAFETY: restores the settings read in `new`.
            unsafe {
                libc::tcsetattr(0, libc::TCSANOW, saved);
            }
        }
    }
}
