//! `kiemchung serve` hosted by a province for all its units: login lockout, slow clients, the disk
//! quota across the queue, the Secure cookie behind a TLS proxy, and `serve-worker` taking `check`'s
//! options from one definition.

#[path = "common/serve.rs"]
mod serve;

use serve::{files_under, multipart, Part, Response, Server, BIN};
use std::io::{Read, Write};
use std::net::TcpStream;
use std::path::Path;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

fn add_user(users: &Path, name: &str, password: &str) {
    let mut child = Command::new(BIN)
        .args(["serve", "--add-user", name, "--role", "council", "--users"])
        .arg(users)
        .stdin(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    child.stdin.take().unwrap().write_all(format!("{password}\n").as_bytes()).unwrap();
    assert!(child.wait_with_output().unwrap().status.success());
}

fn login_from(server: &Server, form: &str, headers: &[(&str, &str)]) -> Response {
    let body = ("application/x-www-form-urlencoded", form.as_bytes().to_vec());
    server.request_with("POST", "/login", headers, Some(body))
}

#[test]
fn wrong_passwords_lock_the_account_with_a_vietnamese_429_that_says_when_and_success_resets() {
    let root = tempfile::tempdir().unwrap();
    let users = root.path().join("users.toml");
    add_user(&users, "hoidong", "matkhau-hoidong");
    add_user(&users, "ubnd-a", "matkhau-ubnd-a");
    let server = Server::start(&root.path().join("data"), &["--users", users.to_str().unwrap()]);

    // A wrong password, then the right one: the count starts again.
    assert_eq!(login_from(&server, "name=hoidong&password=sai", &[]).header("location"), Some("/login?error=1"));
    assert!(login_from(&server, "name=hoidong&password=matkhau-hoidong", &[]).session_cookie().is_some());
    // Four wrong passwords are answered more and more slowly, the fifth locks the account.
    let start = Instant::now();
    for _ in 0..4 {
        let wrong = login_from(&server, "name=hoidong&password=sai", &[]);
        assert_eq!((wrong.status, wrong.header("location")), (303, Some("/login?error=1")));
    }
    assert!(start.elapsed() >= Duration::from_secs(1 + 2 + 3 + 4), "not slowed: {:?}", start.elapsed());
    let locked = login_from(&server, "name=hoidong&password=sai", &[]);
    assert_eq!(locked.status, 429, "{}", locked.text());
    let message = locked.json()["error"].as_str().unwrap().to_string();
    assert!(message.contains("thử lại sau 15 phút"), "{message}");
    let retry_after: u64 = locked.header("retry-after").unwrap().parse().unwrap();
    assert!((14 * 60..=15 * 60).contains(&retry_after), "{retry_after}");
    // While locked even the right password is refused, at once (Argon2 is not run).
    let start = Instant::now();
    let right = login_from(&server, "name=hoidong&password=matkhau-hoidong", &[]);
    assert_eq!(right.status, 429);
    assert!(right.session_cookie().is_none());
    assert!(start.elapsed() < Duration::from_secs(1), "{:?}", start.elapsed());
    // In English on request; a browser's form gets a page, not JSON.
    let english = server.request_with(
        "POST",
        "/login?lang=en",
        &[],
        Some(("application/x-www-form-urlencoded", b"name=hoidong&password=x".to_vec())),
    );
    assert!(english.json()["error"].as_str().unwrap().contains("try again in 15 minutes"), "{}", english.text());
    let page = login_from(&server, "name=hoidong&password=x", &[("Accept", "text/html,application/xhtml+xml")]);
    assert_eq!(page.status, 429);
    assert!(page.header("content-type").unwrap().starts_with("text/html"));
    assert!(page.text().contains("thử lại sau 15 phút") && page.text().contains("href=\"/login\""), "{}", page.text());
    // Another account from the same address is not locked by it.
    assert!(login_from(&server, "name=ubnd-a&password=matkhau-ubnd-a", &[]).session_cookie().is_some());
}

#[test]
fn one_address_trying_many_names_is_locked_and_behind_https_the_cookie_is_secure() {
    let root = tempfile::tempdir().unwrap();
    let users = root.path().join("users.toml");
    add_user(&users, "hoidong", "matkhau-hoidong");
    let users = users.to_str().unwrap();
    let server = Server::start(&root.path().join("data"), &["--users", users, "--behind-https"]);
    // Behind the TLS proxy, each client is the address the proxy appends to X-Forwarded-For.
    let attacker = [("X-Forwarded-For", "203.0.113.9, 10.9.9.9")];
    std::thread::scope(|scope| {
        for n in 0..20 {
            let server = &server;
            scope.spawn(move || {
                let wrong = login_from(server, &format!("name=ai-do-{n}&password=doan"), &attacker);
                assert!(wrong.status == 303 || wrong.status == 429, "{}", wrong.status);
            });
        }
    });
    let refused = login_from(&server, "name=hoidong&password=matkhau-hoidong", &attacker);
    assert_eq!(refused.status, 429, "{}", refused.text());
    assert!(refused.header("retry-after").is_some());
    let clerk = login_from(&server, "name=hoidong&password=matkhau-hoidong", &[("X-Forwarded-For", "10.1.1.1")]);
    let cookie = clerk.header("set-cookie").expect("a session for another address");
    assert!(
        cookie.contains("HttpOnly") && cookie.contains("SameSite=Strict") && cookie.ends_with("; Secure"),
        "{cookie}"
    );
    let session = clerk.session_cookie().unwrap();
    let logout = server.post_form("/logout", "", Some(&session));
    assert!(logout.header("set-cookie").unwrap().ends_with("; Secure"));
    drop(server);

    // Without --behind-https: no Secure (a browser on plain HTTP would never send it back).
    let server = Server::start(&root.path().join("data2"), &["--users", users]);
    let cookie =
        login_from(&server, "name=hoidong&password=matkhau-hoidong", &[]).header("set-cookie").unwrap().to_string();
    assert!(cookie.contains("HttpOnly") && !cookie.contains("Secure"), "{cookie}");
}

/// Sends `first`, then one `step` every `pause` until the server answers or closes; returns what
/// it answered (empty when it closed without a word) and when.
fn trickle(server: &Server, first: &[u8], step: &[u8], pause: Duration) -> (Vec<u8>, Duration) {
    let mut stream = TcpStream::connect(&server.address).unwrap();
    let mut reader = stream.try_clone().unwrap();
    reader.set_read_timeout(Some(Duration::from_secs(30))).unwrap();
    let start = Instant::now();
    let answer = std::thread::spawn(move || {
        let mut raw = Vec::new();
        let _ = reader.read_to_end(&mut raw);
        (raw, start.elapsed())
    });
    let _ = stream.write_all(first);
    while !answer.is_finished() && start.elapsed() < Duration::from_secs(20) {
        std::thread::sleep(pause);
        if stream.write_all(step).is_err() {
            break;
        }
    }
    answer.join().unwrap()
}

#[test]
fn a_request_head_sent_a_byte_at_a_time_is_closed_at_the_read_timeout() {
    let data = tempfile::tempdir().unwrap();
    let server = Server::start(data.path(), &["--read-timeout", "1s"]);
    let (said, after) = trickle(&server, b"GET /healthz HTTP/1.1\r\nHost: x\r\n", b"X", Duration::from_millis(100));
    assert!(said.is_empty(), "{}", String::from_utf8_lossy(&said));
    assert!(after >= Duration::from_millis(900) && after < Duration::from_secs(4), "closed after {after:?}");
    // A connection that says nothing at all is closed too; the server goes on answering.
    let (said, after) = trickle(&server, b"", b"", Duration::from_millis(100));
    assert!(said.is_empty() && after < Duration::from_secs(4), "{after:?}");
    assert_eq!(server.get("/healthz", None).text(), "ok");
}

#[test]
fn past_max_connections_a_new_client_waits_for_a_place_and_is_then_answered() {
    let data = tempfile::tempdir().unwrap();
    let server = Server::start(data.path(), &["--max-connections", "2", "--read-timeout", "60s"]);
    // Two clients that connect and say nothing hold both places (for up to the read timeout).
    let silent: Vec<TcpStream> = (0..2).map(|_| TcpStream::connect(&server.address).unwrap()).collect();
    std::thread::sleep(Duration::from_millis(500));
    let address = server.address.clone();
    let third = std::thread::spawn(move || {
        let start = Instant::now();
        let mut stream = TcpStream::connect(&address).unwrap();
        stream.set_read_timeout(Some(Duration::from_secs(30))).unwrap();
        stream.write_all(b"GET /healthz HTTP/1.0\r\nHost: x\r\n\r\n").unwrap();
        let mut raw = Vec::new();
        let _ = stream.read_to_end(&mut raw);
        (Response::parse(&raw), start.elapsed())
    });
    std::thread::sleep(Duration::from_secs(2));
    assert!(!third.is_finished(), "a third connection was served while two held every place");
    let freed = Instant::now();
    drop(silent);
    let (answer, _) = third.join().unwrap();
    assert_eq!(answer.text(), "ok");
    assert!(freed.elapsed() < Duration::from_secs(10), "served {:?} after a place freed", freed.elapsed());
    // The cap is a count of connections: zero is refused before the server starts.
    let refused = Command::new(BIN)
        .args(["serve", "--listen", "127.0.0.1:0", "--max-connections", "0", "--data"])
        .arg(data.path())
        .stdout(Stdio::null())
        .output()
        .unwrap();
    assert_eq!(refused.status.code(), Some(2), "{}", String::from_utf8_lossy(&refused.stderr));
}

/// The head of an upload of `parts` and its body.
fn upload_bytes(path: &str, parts: &[Part]) -> (Vec<u8>, Vec<u8>) {
    let (content_type, body) = multipart(parts);
    let head = format!(
        "POST {path} HTTP/1.1\r\nHost: x\r\nContent-Type: {content_type}\r\nContent-Length: {}\r\n\r\n",
        body.len()
    );
    (head.into_bytes(), body)
}

#[test]
fn an_upload_that_trickles_or_stops_is_cut_with_a_408_in_the_pages_language_and_frees_its_place() {
    let data = tempfile::tempdir().unwrap();
    let server = Server::start(data.path(), &["--read-timeout", "1s", "--upload-timeout", "3s", "--max-queue", "1"]);
    let parts = [Part::File("u/a.pdf".into(), vec![b'x'; 64 * 1024])];
    // Sixteen bytes every quarter second: never a pause of a second, but never done in 3 s.
    let (head, body) = upload_bytes("/api/check", &parts);
    let first = [head.as_slice(), &body[..200]].concat();
    let (said, after) = trickle(&server, &first, &body[200..216], Duration::from_millis(250));
    let answer = Response::parse(&said);
    assert_eq!(answer.status, 408, "{}", answer.text());
    let message = answer.json()["error"].as_str().unwrap().to_string();
    assert!(message.contains("tải lên bị ngắt") && message.contains("3 giây"), "{message}");
    assert!(after >= Duration::from_millis(2900) && after < Duration::from_secs(7), "cut after {after:?}");
    // Half a body, then nothing: cut after one second of silence (here asked in English).
    let (head, body) = upload_bytes("/api/check?lang=en", &parts);
    let first = [head.as_slice(), &body[..body.len() / 2]].concat();
    let (said, after) = trickle(&server, &first, b"", Duration::from_millis(100));
    let answer = Response::parse(&said);
    assert_eq!(answer.status, 408, "{}", answer.text());
    assert!(answer.text().contains("no data arrived for 1 second"), "{}", answer.text());
    assert!(after < Duration::from_secs(5), "cut after {after:?}");
    // Nothing is kept of either, and the only place in the queue is free again.
    assert!(files_under(&data.path().join("checks")).is_empty(), "{:?}", files_under(data.path()));
    let accepted = server.upload(&[Part::File("u/a.pdf".into(), b"%PDF-1.4\n%%EOF\n".to_vec())], None);
    assert_eq!(accepted.status, 202, "{}", accepted.text());
}

/// A check of the server's data folder that finished `days` ago, holding `bytes` of upload.
fn seed_old_check(data: &Path, id: &str, days: u64, bytes: usize) {
    let dir = data.join("checks").join(id);
    std::fs::create_dir_all(dir.join("upload/u")).unwrap();
    std::fs::write(dir.join("upload/u/a.pdf"), vec![b'x'; bytes]).unwrap();
    let now = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).unwrap().as_secs();
    let meta = serde_json::json!({"id": id, "owner": null, "uploaded_by": null, "name": "u",
        "created": now - days * 86400, "state": "done", "done": 1, "total": 1, "error": null, "units": []});
    std::fs::write(dir.join("meta.json"), meta.to_string()).unwrap();
}

/// An upload sent with `Transfer-Encoding: chunked`: no length to refuse it by in advance.
fn chunked_upload(server: &Server, parts: &[Part]) -> Response {
    let (content_type, body) = multipart(parts);
    let mut stream = TcpStream::connect(&server.address).unwrap();
    stream.set_read_timeout(Some(Duration::from_secs(30))).unwrap();
    let head = format!(
        "POST /api/check HTTP/1.1\r\nHost: x\r\nConnection: close\r\nContent-Type: {content_type}\r\nTransfer-Encoding: chunked\r\n\r\n"
    );
    let _ = stream.write_all(head.as_bytes());
    for chunk in body.chunks(1024) {
        let _ = stream.write_all(format!("{:x}\r\n", chunk.len()).as_bytes());
        let _ = stream.write_all(chunk);
        let _ = stream.write_all(b"\r\n");
    }
    let _ = stream.write_all(b"0\r\n\r\n");
    let mut raw = Vec::new();
    let _ = stream.read_to_end(&mut raw);
    Response::parse(&raw)
}

#[test]
fn uploads_past_the_data_quota_are_507_counting_reports_and_what_retention_frees() {
    let root = tempfile::tempdir().unwrap();
    let data = root.path().join("data");
    let old = "00000000000000000000000000000001";
    seed_old_check(&data, old, 40, 6 * 1024);
    let server = Server::start(&data, &["--data-quota", "8K", "--keep-days", "30"]);
    assert!(!data.join("checks").join(old).exists(), "the old check is swept at start");
    // Over the quota by its declared length: refused before it is read.
    let big = [Part::File("u/big.pdf".into(), vec![b'x'; 16 * 1024])];
    let refused = server.upload(&big, None);
    assert_eq!(refused.status, 507, "{}", refused.text());
    let message = refused.json()["error"].as_str().unwrap().to_string();
    assert!(
        message.contains("hết dung lượng") && message.contains("8 KiB") && message.contains("30 ngày"),
        "{message}"
    );
    // Without a length: refused at the chunk that passes the quota.
    let refused = chunked_upload(&server, &big);
    assert_eq!(refused.status, 507, "{}", refused.text());
    assert!(files_under(&data.join("checks")).is_empty(), "{:?}", files_under(&data));
    // 4 KiB fits only because the swept 6 KiB and the refused uploads' bytes were given back.
    let fits = [Part::File("u/a.pdf".into(), vec![b'x'; 4 * 1024])];
    let accepted = server.upload(&fits, None);
    assert_eq!(accepted.status, 202, "{}", accepted.text());
    let id = accepted.json()["id"].as_str().unwrap().to_string();
    assert_eq!(server.wait(&id, None)["state"], "done");
    // Its reports count too: the folder now holds more than the quota, and a few bytes more are refused.
    let stored: u64 = files_under(&data).iter().map(|f| std::fs::metadata(data.join(f)).unwrap().len()).sum();
    assert!(stored > 8 * 1024, "{stored}");
    let tiny = [Part::File("u/b.pdf".into(), b"%PDF".to_vec())];
    let refused = server.request(
        "POST",
        "/api/check?lang=en",
        None,
        Some(multipart(&tiny)).as_ref().map(|(t, b)| (t.as_str(), b.clone())),
    );
    assert_eq!(refused.status, 507, "{}", refused.text());
    assert!(refused.text().contains("storage for checks is full"), "{}", refused.text());
}

#[test]
fn an_upload_larger_than_the_disk_is_507_before_a_byte_is_read_even_within_the_quota() {
    let data = tempfile::tempdir().unwrap();
    // Quota and upload limit far beyond any disk this runs on: only the disk can refuse.
    let server = Server::start(data.path(), &["--data-quota", "100000000G", "--max-upload", "100000000G"]);
    let declared = 1u64 << 56;
    for (path, words) in
        [("/api/check", "ổ đĩa của máy chủ không còn đủ chỗ"), ("/api/check?lang=en", "disk has no room left")]
    {
        let mut stream = TcpStream::connect(&server.address).unwrap();
        stream.set_read_timeout(Some(Duration::from_secs(30))).unwrap();
        let head = format!(
            "POST {path} HTTP/1.0\r\nHost: x\r\nContent-Type: multipart/form-data; boundary=b\r\nContent-Length: {declared}\r\n\r\n"
        );
        stream.write_all(head.as_bytes()).unwrap();
        let mut raw = Vec::new();
        let _ = stream.read_to_end(&mut raw);
        let refused = Response::parse(&raw);
        assert_eq!(refused.status, 507, "{}", refused.text());
        assert!(refused.json()["error"].as_str().unwrap().contains(words), "{}", refused.text());
    }
    assert!(files_under(&data.path().join("checks")).is_empty(), "{:?}", files_under(data.path()));
    assert_eq!(server.get("/healthz", None).text(), "ok");
}

/// A flag's entry in `--help`, its words only (columns and wrapping differ between commands).
fn flag_help(help: &str, flag: &str) -> String {
    let mut lines = help.lines().skip_while(|line| !line.contains(&format!("{flag} ")));
    let first = lines.next().unwrap_or_default();
    let rest = lines.take_while(|line| !line.trim_start().starts_with('-'));
    std::iter::once(first).chain(rest).flat_map(str::split_whitespace).collect::<Vec<_>>().join(" ")
}

#[test]
fn serve_worker_takes_checks_options_from_one_definition_in_checks_order() {
    let help = |args: &[&str]| {
        let output = Command::new(BIN).args(args).output().unwrap();
        assert!(output.status.success());
        String::from_utf8(output.stdout).unwrap()
    };
    let check = help(&["check", "--help"]);
    let order = [
        "--catalog",
        "--year",
        "--cutoff",
        "--trust",
        "--format",
        "--output",
        "--select",
        "--ignore",
        "--jobs",
        "--fail-on",
        "--cache",
        "--no-cache",
        "--no-ocr",
    ];
    let at: Vec<usize> = order.iter().map(|flag| check.find(&format!("{flag} ")).expect(flag)).collect();
    assert!(at.windows(2).all(|pair| pair[0] < pair[1]), "check --help order changed:\n{check}");
    let worker = help(&["serve-worker", "--help"]);
    for flag in ["--catalog", "--year", "--cutoff", "--trust", "--jobs", "--cache", "--no-cache", "--no-ocr"] {
        let (in_worker, in_check) = (flag_help(&worker, flag), flag_help(&check, flag));
        assert!(in_check.len() > flag.len() + 10, "{flag}: {in_check}");
        assert_eq!(in_worker, in_check, "{flag}");
    }
    for own in ["--format", "--select", "--fail-on"] {
        assert!(!worker.contains(own), "{own} is check's own");
    }
}
