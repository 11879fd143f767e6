//! `kiemchung serve`: the web page for clerks who never open a terminal. Only the library's public
//! API is used; each check runs in a child process of this binary (`worker`), the web stack lives
//! behind the default `serve` feature and never enters the library.

mod auth;
mod deadline;
mod listen;
mod lockout;
mod login;
mod page;
mod queue;
mod quota;
mod routes;
mod store;
mod upload;
pub mod worker;

use auth::{Account, Accounts, Role, Sessions};
use deadline::Timeouts;
use kiemchung::catalog::Catalog;
use kiemchung::model::Lang;
use lockout::Lockout;
use queue::Runner;
use std::net::{SocketAddr, ToSocketAddrs};
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::Duration;
use store::Store;

#[derive(clap::Args)]
pub struct ServeArgs {
    /// Địa chỉ nghe; không có --users thì chỉ được là máy này (127.0.0.1, ::1)
    #[arg(long, default_value = "127.0.0.1:8080")]
    listen: String,
    /// Thư mục lưu tệp tải lên và kết quả (mặc định: ~/.local/share/kiemchung, %LOCALAPPDATA%\kiemchung)
    #[arg(long)]
    data: Option<PathBuf>,
    /// Tệp tài khoản (TOML: name, password_hash Argon2, role unit|council, units)
    #[arg(long)]
    users: Option<PathBuf>,
    /// Thư mục chứng thư gốc tin cậy thêm vào các gốc Việt Nam có sẵn (của máy chủ, không bao giờ của tệp tải lên)
    #[arg(long)]
    trust: Option<PathBuf>,
    /// Bộ tiêu chí của máy chủ: mã nhúng hoặc tệp TOML/JSON
    #[arg(long)]
    catalog: Option<String>,
    /// Số lượt kiểm tra chạy cùng lúc (các lượt khác xếp hàng)
    #[arg(long, default_value_t = 1)]
    max_checks: usize,
    /// Số lượt chờ tối đa trong hàng đợi (quá thì từ chối, 503)
    #[arg(long, default_value_t = 64)]
    max_queue: usize,
    /// Giữ tệp tải lên và kết quả bao nhiêu ngày
    #[arg(long, default_value_t = 30)]
    keep_days: u64,
    /// Dung lượng tối đa một lần tải lên (vd. 2G, 500M)
    #[arg(long, default_value = "2G", value_parser = parse_size)]
    max_upload: u64,
    /// Số tệp tối đa một lần tải lên
    #[arg(long, default_value_t = 50_000)]
    max_files: usize,
    /// Thời gian tối đa một lượt kiểm tra, phút
    #[arg(long, default_value_t = 60)]
    check_minutes: u64,
    /// Không đọc ảnh quét bằng OCR
    #[arg(long)]
    no_ocr: bool,
    /// Tổng dung lượng thư mục --data được dùng (tệp tải lên, kết quả, bộ nhớ đệm); quá thì từ chối tải lên (507)
    #[arg(long, default_value = "50G", value_parser = parse_size)]
    data_quota: u64,
    /// Thời gian chờ tối đa phần đầu của một yêu cầu, và mỗi quãng lặng giữa dữ liệu tải lên (vd. 30s, 2m)
    #[arg(long, default_value = "30s", value_parser = parse_duration)]
    read_timeout: Duration,
    /// Số kết nối mở cùng lúc tối đa; quá thì kết nối mới chờ đến lượt (giữ dưới giới hạn số tệp mở của hệ thống)
    #[arg(long, default_value_t = 256, value_parser = clap::value_parser!(u32).range(1..=65_536))]
    max_connections: u32,
    /// Thời gian tối đa cho cả một lần tải lên (vd. 60m, 2h)
    #[arg(long, default_value = "60m", value_parser = parse_duration)]
    upload_timeout: Duration,
    /// Máy chủ đứng sau một proxy có TLS (HTTPS): cookie phiên có Secure, địa chỉ người dùng lấy từ
    /// địa chỉ cuối của X-Forwarded-For do proxy thêm vào
    #[arg(long)]
    behind_https: bool,
    /// Thêm (hoặc thay) một tài khoản vào tệp --users rồi thoát; mật khẩu đọc từ stdin
    #[arg(long, value_name = "NAME", requires = "users")]
    add_user: Option<String>,
    /// Vai trò của tài khoản thêm: unit (chỉ xem đơn vị của mình) | council (xem tất cả)
    #[arg(long, value_enum, requires = "add_user")]
    role: Option<Role>,
    /// Đơn vị của tài khoản (lặp lại cho nhiều đơn vị)
    #[arg(long, requires = "add_user")]
    unit: Vec<String>,
}

/// `2G`, `500M`, `64K` or bytes (powers of 1024).
fn parse_size(text: &str) -> Result<u64, String> {
    let text = text.trim();
    let (number, unit) = match text.char_indices().last() {
        Some((at, c)) if c.is_ascii_alphabetic() => (&text[..at], c.to_ascii_uppercase()),
        _ => (text, 'B'),
    };
    let shift = match unit {
        'B' => 0,
        'K' => 10,
        'M' => 20,
        'G' => 30,
        _ => return Err(format!("'{text}': K, M, G")),
    };
    let number: u64 = number.trim().parse().map_err(|_| format!("'{text}': 2G, 500M, 1048576"))?;
    number.checked_mul(1 << shift).filter(|n| *n > 0).ok_or_else(|| format!("'{text}'"))
}

/// `30s`, `2m`, `1h` or seconds.
fn parse_duration(text: &str) -> Result<Duration, String> {
    let text = text.trim();
    let (number, seconds_per) = match text.char_indices().last() {
        Some((at, 's')) => (&text[..at], 1),
        Some((at, 'm')) => (&text[..at], 60),
        Some((at, 'h')) => (&text[..at], 3600),
        _ => (text, 1),
    };
    let number: u64 = number.trim().parse().map_err(|_| format!("'{text}': 30s, 2m, 1h"))?;
    number.checked_mul(seconds_per).filter(|n| *n > 0).map(Duration::from_secs).ok_or_else(|| format!("'{text}'"))
}

/// The server's own catalog: the id an upload may name, and what the worker is given.
pub struct ServerCatalog {
    pub id: String,
    pub argument: String,
}

pub struct App {
    pub store: Arc<Store>,
    pub runner: Arc<Runner>,
    pub accounts: Option<Arc<Accounts>>,
    pub sessions: Sessions,
    /// Failed logins by name and by address (bounded), consulted before Argon2.
    pub lockout: Lockout,
    pub timeouts: Arc<Timeouts>,
    /// A TLS proxy is in front: Secure cookie, client address from X-Forwarded-For.
    pub behind_https: bool,
    /// `--keep-days`, told in the 507 answer.
    pub keep_days: u64,
    pub limits: upload::Limits,
    pub catalog: Option<ServerCatalog>,
    pub max_queue: usize,
    /// Uploads being received now: they count against `max_queue` with the waiting checks.
    pub uploading: std::sync::atomic::AtomicUsize,
    /// Argon2 takes ~19 MiB and tens of milliseconds a try: a flood of logins waits here.
    pub login_permits: tokio::sync::Semaphore,
}

pub fn run(args: ServeArgs, lang: Lang) -> Result<u8, String> {
    if let Some(name) = args.add_user {
        return add_user(name, args.role, args.unit, args.users.as_deref(), lang);
    }
    let address = listen_address(&args.listen, args.users.is_some(), lang)?;
    let accounts = args.users.as_deref().map(|file| Accounts::load(file, lang)).transpose()?.map(Arc::new);
    let data = args.data.or_else(store::default_data_dir).ok_or_else(|| {
        lang.pick("không tìm được thư mục dữ liệu, cần --data THƯ_MỤC", "no data folder found, give --data DIR")
            .to_string()
    })?;
    refuse_binary_folder(&data, lang)?;
    crate::trust_store(args.trust.as_deref(), lang)?;
    let trust = args.trust.map(|dir| dir.canonicalize().map_err(|e| format!("--trust: {e}"))).transpose()?;
    let catalog = args.catalog.map(|given| server_catalog(&given)).transpose()?;
    let store = Arc::new(Store::open(&data, args.data_quota).map_err(|e| format!("--data '{}': {e}", data.display()))?);
    let keep = Duration::from_secs(args.keep_days.saturating_mul(24 * 3600));
    store.sweep(keep);
    let max_checks = args.max_checks.max(1);
    let cores = std::thread::available_parallelism().map_or(1, |n| n.get());
    let runner = Runner {
        exe: std::env::current_exe().map_err(|e| e.to_string())?,
        permits: Arc::new(tokio::sync::Semaphore::new(max_checks)),
        deadline: Duration::from_secs(args.check_minutes.max(1) * 60),
        trust,
        cache: Some(store.root().join("cache")),
        jobs: (cores / max_checks).max(1),
        no_ocr: args.no_ocr,
    };
    let app = Arc::new(App {
        store,
        runner: Arc::new(runner),
        accounts,
        sessions: Sessions::default(),
        lockout: Lockout::default(),
        timeouts: Arc::new(Timeouts { read: args.read_timeout, upload: args.upload_timeout }),
        behind_https: args.behind_https,
        keep_days: args.keep_days,
        limits: upload::Limits { max_bytes: args.max_upload, max_files: args.max_files.max(1) },
        catalog,
        max_queue: args.max_queue.max(1),
        uploading: std::sync::atomic::AtomicUsize::new(0),
        login_permits: tokio::sync::Semaphore::new(2),
    });
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .map_err(|e| e.to_string())?;
    let connections = listen::Connections { header_timeout: args.read_timeout, max: args.max_connections as usize };
    runtime.block_on(serve(app, address, connections, keep, lang))
}

async fn serve(
    app: Arc<App>,
    address: SocketAddr,
    connections: listen::Connections,
    keep: Duration,
    lang: Lang,
) -> Result<u8, String> {
    let listener = tokio::net::TcpListener::bind(address).await.map_err(|e| format!("--listen {address}: {e}"))?;
    let bound = listener.local_addr().map_err(|e| e.to_string())?;
    // The first line on stdout is the address (tests and scripts read it; `--listen …:0` picks a port).
    println!("http://{bound}");
    eprintln!(
        "kiemchung serve: {} http://{bound} ({}: {})",
        lang.pick("mở trình duyệt tại", "open a browser at"),
        lang.pick("dữ liệu", "data"),
        app.store.root().display()
    );
    let sweeper = app.store.clone();
    tokio::spawn(async move {
        let mut every_hour = tokio::time::interval(Duration::from_secs(3600));
        loop {
            every_hour.tick().await;
            let store = sweeper.clone();
            let _ = tokio::task::spawn_blocking(move || store.sweep(keep)).await;
        }
    });
    let router = routes::router(app);
    let stop = async {
        let _ = tokio::signal::ctrl_c().await;
    };
    listen::serve(listener, router, connections, stop).await;
    Ok(0)
}

/// Without accounts the page is for the person at this computer only.
fn listen_address(listen: &str, with_users: bool, lang: Lang) -> Result<SocketAddr, String> {
    let address = listen
        .to_socket_addrs()
        .map_err(|e| format!("--listen '{listen}': {e}"))?
        .next()
        .ok_or_else(|| format!("--listen '{listen}'"))?;
    if !with_users && !address.ip().is_loopback() {
        return Err(lang.pick(
            format!("--listen '{listen}': không có --users thì trang chỉ mở cho máy này (127.0.0.1 hoặc [::1]); để các đơn vị khác truy cập qua mạng, tạo tài khoản (--add-user) và chạy với --users TỆP"),
            format!("--listen '{listen}': without --users the page is for this computer only (127.0.0.1 or [::1]); to open it to other units over the network, create accounts (--add-user) and run with --users FILE"),
        ));
    }
    Ok(address)
}

/// Uploads are data, never kept beside the program.
fn refuse_binary_folder(data: &Path, lang: Lang) -> Result<(), String> {
    let exe_dir = std::env::current_exe().ok().and_then(|exe| exe.parent().map(Path::to_path_buf));
    let absolute = std::path::absolute(data).unwrap_or_else(|_| data.to_path_buf());
    let canonical = absolute.canonicalize().unwrap_or(absolute);
    if let Some(exe_dir) = exe_dir.and_then(|dir| dir.canonicalize().ok()) {
        if canonical.starts_with(&exe_dir) {
            return Err(format!(
                "--data '{}': {}",
                data.display(),
                lang.pick("không lưu dữ liệu trong thư mục chương trình", "data is never kept in the program's folder")
            ));
        }
    }
    Ok(())
}

fn server_catalog(given: &str) -> Result<ServerCatalog, String> {
    let catalog = Catalog::resolve(given)?;
    let is_embedded = kiemchung::catalog::EMBEDDED.iter().any(|(id, _)| *id == given);
    let argument = if is_embedded {
        given.to_string()
    } else {
        // The worker runs in the upload's folder: the file is named absolutely.
        Path::new(given).canonicalize().map_err(|e| format!("--catalog: {e}"))?.display().to_string()
    };
    Ok(ServerCatalog { id: catalog.id, argument })
}

fn add_user(
    name: String,
    role: Option<Role>,
    units: Vec<String>,
    file: Option<&Path>,
    lang: Lang,
) -> Result<u8, String> {
    let file = file.ok_or("--users")?;
    let role = role.ok_or_else(|| lang.pick("cần --role unit|council", "--role unit|council is needed").to_string())?;
    if role == Role::Unit && units.is_empty() {
        return Err(lang.pick("tài khoản đơn vị cần --unit MÃ_ĐƠN_VỊ", "a unit account needs --unit UNIT").into());
    }
    if name.trim().is_empty() || name.contains(char::is_whitespace) {
        return Err(lang.pick("tên tài khoản không được rỗng hay có dấu cách", "an account name has no spaces").into());
    }
    let password = auth::read_password(lang)?;
    let password_hash = auth::hash_password(&password)?;
    let units = if role == Role::Council { Vec::new() } else { units };
    auth::add_user(file, Account { name: name.clone(), password_hash, role, units }, lang)?;
    eprintln!("kiemchung: {} '{name}' → {}", lang.pick("đã ghi tài khoản", "wrote account"), file.display());
    Ok(0)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn durations_and_sizes_read_as_the_flags_say() {
        assert_eq!(parse_duration("30s"), Ok(Duration::from_secs(30)));
        assert_eq!(parse_duration("2m"), Ok(Duration::from_secs(120)));
        assert_eq!(parse_duration("1h"), Ok(Duration::from_secs(3600)));
        assert_eq!(parse_duration("45"), Ok(Duration::from_secs(45)));
        assert!(parse_duration("0s").is_err() && parse_duration("abc").is_err() && parse_duration("5d").is_err());
        assert_eq!(parse_size("50G"), Ok(50 << 30));
        assert_eq!(parse_size("8K"), Ok(8 << 10));
    }
}
