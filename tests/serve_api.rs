//! `kiemchung serve` as a client sees it: every route of DESIGN.md "The web page", its limits,
//! hostile upload names, accounts and sessions, the loopback rule and the retention sweep.

#[path = "common/serve.rs"]
mod serve;

use serve::{check_report, files_under, fixtures, folder_parts, Part, Server, BIN};
use std::process::{Command, Stdio};

fn upload_id(server: &Server, parts: &[Part], cookie: Option<&str>) -> String {
    let response = server.upload(parts, cookie);
    assert_eq!(response.status, 202, "{}", response.text());
    response.json()["id"].as_str().unwrap().to_string()
}

/// A folder with one small PDF: checked file by file, in a moment.
fn tiny_unit(name: &str) -> Vec<Part> {
    vec![Part::File(format!("{name}/a.pdf"), b"%PDF-1.4\nnot really\n%%EOF\n".to_vec())]
}

#[test]
fn healthz_and_an_offline_vietnamese_page() {
    let data = tempfile::tempdir().unwrap();
    let server = Server::start(data.path(), &[]);
    let health = server.get("/healthz", None);
    assert_eq!((health.status, health.text().as_str()), (200, "ok"));
    let page = server.get("/", None);
    assert_eq!(page.status, 200);
    let html = page.text();
    assert!(html.contains("lang=\"vi\"") && html.contains("Kiểm tra"), "{html}");
    assert!(html.contains("webkitdirectory") && html.contains("type=\"file\""));
    let policy = page.header("content-security-policy").unwrap();
    assert!(policy.contains("default-src 'self'"), "{policy}");
    for asset in ["/", "/app.js", "/app.css", "/login"] {
        let text = server.get(asset, None).text();
        for external in ["http://", "https://", "//cdn", "@import"] {
            assert!(!text.contains(external), "{asset} loads something from elsewhere: {external}");
        }
    }
    assert!(server.get("/app.js", None).text().contains("English"));
}

#[test]
fn an_uploaded_demo_gives_the_reports_of_check_byte_for_byte() {
    let data = tempfile::tempdir().unwrap();
    let trust = fixtures().join("trust");
    let server = Server::start(data.path(), &["--trust", trust.to_str().unwrap()]);
    let id = upload_id(&server, &folder_parts(&fixtures().join("demo"), "demo"), None);
    let state = server.wait(&id, None);
    assert_eq!(state["state"], "done", "{state}");
    assert!(state["total"].as_u64().unwrap() > 10 && state["done"] == state["total"], "{state}");
    for format in ["json", "html", "xlsx", "csv"] {
        let served = server.get(&format!("/api/check/{id}/report.{format}"), None);
        assert_eq!(served.status, 200, "{format}");
        let expected = check_report(&fixtures(), "demo", format, &["--trust", "trust"]);
        assert!(served.body == expected, "report.{format} differs from `check demo --trust trust`");
    }
    let json = server.get(&format!("/api/check/{id}/report.json"), None).json();
    assert!(json["findings"].as_array().unwrap().iter().any(|f| f["code"] == "KC202"));
    assert!(json["units"][0]["path"] == "demo/ubnd-xa-demo", "no server path in the report: {}", json["units"]);
    let download = server.get(&format!("/api/check/{id}/report.xlsx"), None);
    assert!(download.header("content-disposition").unwrap().starts_with("attachment"));
    let html = server.get(&format!("/api/check/{id}/report.html"), None);
    assert!(html.header("content-security-policy").unwrap().contains("sandbox"));
    // The same check is found again after a restart of the server on the same data.
    drop(server);
    let again = Server::start(data.path(), &["--trust", trust.to_str().unwrap()]);
    assert_eq!(again.get(&format!("/api/check/{id}"), None).json()["state"], "done");
    assert_eq!(again.get(&format!("/api/check/{id}/report.csv"), None).status, 200);
}

#[test]
fn files_named_relative_to_the_unit_are_checked_as_that_unit() {
    let data = tempfile::tempdir().unwrap();
    let server = Server::start(data.path(), &[]);
    let unit = fixtures().join("demo").join("ubnd-xa-demo");
    let mut parts = folder_parts(&unit, "");
    parts.push(Part::Field("unit", "ubnd-xa-demo".into()));
    parts.push(Part::Field("year", "2023".into()));
    let id = upload_id(&server, &parts, None);
    assert_eq!(server.wait(&id, None)["state"], "done");
    let expected = check_report(&fixtures().join("demo"), "ubnd-xa-demo", "json", &["--year", "2023"]);
    assert!(server.get(&format!("/api/check/{id}/report.json"), None).body == expected);
}

#[test]
fn too_big_or_too_many_is_413_and_leaves_nothing() {
    let data = tempfile::tempdir().unwrap();
    let server = Server::start(data.path(), &["--max-upload", "4K", "--max-files", "3"]);
    let big = server.upload(&[Part::File("u/big.pdf".into(), vec![b'x'; 64 * 1024])], None);
    assert_eq!(big.status, 413, "{}", big.text());
    let many: Vec<Part> = (0..5).map(|i| Part::File(format!("u/{i}.pdf"), b"%PDF".to_vec())).collect();
    let refused = server.upload(&many, None);
    assert_eq!(refused.status, 413, "{}", refused.text());
    assert!(refused.json()["error"].as_str().unwrap().contains("quá nhiều tệp"));
    assert!(files_under(&data.path().join("checks")).is_empty(), "{:?}", files_under(data.path()));
    // Within the limits the same server takes an upload.
    let id = upload_id(&server, &tiny_unit("u"), None);
    assert_eq!(server.wait(&id, None)["state"], "done");
}

#[test]
fn a_filename_that_climbs_out_is_refused_and_nothing_is_written_outside() {
    let root = tempfile::tempdir().unwrap();
    let data = root.path().join("data");
    let server = Server::start(&data, &[]);
    let hostile = [
        "../evil.pdf",
        "u/../../evil.pdf",
        "u/../../../evil.pdf",
        "/tmp/evil.pdf",
        "C:evil.pdf",
        "C:\\\\evil.pdf",
        "u\\\\..\\\\..\\\\evil.pdf",
        "..\\\\evil.pdf",
        "u//evil.pdf",
        "./evil.pdf",
        "u/./evil.pdf",
        "",
    ];
    for name in hostile {
        let response = server.upload(
            &[Part::File("ok/a.pdf".into(), b"%PDF".to_vec()), Part::File(name.into(), b"evil".to_vec())],
            None,
        );
        assert_eq!(response.status, 400, "{name}: {}", response.text());
    }
    assert!(files_under(root.path()).iter().all(|f| !f.contains("evil")), "{:?}", files_under(root.path()));
    assert!(files_under(&data.join("checks")).is_empty());
    assert!(!std::path::Path::new("/tmp/evil.pdf").exists());
    // The same name twice is refused too, not overwritten.
    let twice = server
        .upload(&[Part::File("u/a.pdf".into(), b"1".to_vec()), Part::File("u/a.pdf".into(), b"2".to_vec())], None);
    assert_eq!(twice.status, 400);
}

#[test]
fn fields_name_only_what_the_server_has() {
    let data = tempfile::tempdir().unwrap();
    let catalog = tempfile::NamedTempFile::new().unwrap();
    let server = Server::start(data.path(), &[]);
    let path = catalog.path().display().to_string();
    for (field, value) in
        [("catalog", path.as_str()), ("catalog", "khong-co"), ("year", "abc"), ("cutoff", "31/02/x"), ("lang", "fr")]
    {
        let mut parts = tiny_unit("u");
        parts.push(Part::Field(field, value.to_string()));
        let response = server.upload(&parts, None);
        assert_eq!(response.status, 400, "{field}={value}: {}", response.text());
    }
    let mut parts = tiny_unit("u");
    parts.push(Part::Field("catalog", "tinh-2023".into()));
    let id = upload_id(&server, &parts, None);
    assert_eq!(server.wait(&id, None)["state"], "done");
    assert_eq!(server.get(&format!("/api/check/{id}/report.json"), None).json()["catalog"]["id"], "tinh-2023");
    // English errors on request.
    let english = server.upload(&[Part::File("../x".into(), vec![])], None);
    assert!(english.text().contains("tên") || english.text().contains("đường dẫn"));
    let request = server.request(
        "POST",
        "/api/check?lang=en",
        None,
        Some(&serve::multipart(&[Part::File("../x".into(), vec![])])).map(|(t, b)| (t.as_str(), b.clone())),
    );
    assert!(request.text().contains("leaving the upload"), "{}", request.text());
}

#[test]
fn unknown_and_malformed_ids_are_404() {
    let data = tempfile::tempdir().unwrap();
    let server = Server::start(data.path(), &[]);
    for path in [
        "/api/check/0123456789abcdef0123456789abcdef",
        "/api/check/..%2F..%2Fetc",
        "/api/check/0123456789abcdef0123456789abcdef/report.json",
    ] {
        assert_eq!(server.get(path, None).status, 404, "{path}");
    }
    let id = upload_id(&server, &tiny_unit("u"), None);
    server.wait(&id, None);
    assert_eq!(server.get(&format!("/api/check/{id}/meta.json"), None).status, 404);
    assert_eq!(server.get(&format!("/api/check/{id}/report.exe"), None).status, 404);
}

#[test]
fn without_accounts_only_loopback_is_allowed() {
    let data = tempfile::tempdir().unwrap();
    let output =
        Command::new(BIN).args(["serve", "--listen", "0.0.0.0:0", "--data"]).arg(data.path()).output().unwrap();
    assert_eq!(output.status.code(), Some(2));
    let said = String::from_utf8_lossy(&output.stderr);
    assert!(said.contains("chỉ mở cho máy này") && said.contains("--users"), "{said}");
}

#[test]
fn data_is_never_kept_in_the_programs_folder() {
    let exe_dir = std::path::Path::new(BIN).parent().unwrap().join("kiemchung-data-test");
    let output = Command::new(BIN).args(["serve", "--listen", "127.0.0.1:0", "--data"]).arg(&exe_dir).output().unwrap();
    assert_eq!(output.status.code(), Some(2), "{}", String::from_utf8_lossy(&output.stderr));
    assert!(!exe_dir.exists());
}

#[test]
fn old_checks_are_swept_at_start() {
    let data = tempfile::tempdir().unwrap();
    let old = "0000000000000000000000000000000a";
    let recent = "0000000000000000000000000000000b";
    let now = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).unwrap().as_secs();
    for (id, created) in [(old, now - 40 * 86400), (recent, now - 86400)] {
        let dir = data.path().join("checks").join(id);
        std::fs::create_dir_all(&dir).unwrap();
        let meta = serde_json::json!({"id": id, "owner": null, "uploaded_by": null, "name": "u", "created": created,
            "state": "done", "done": 1, "total": 1, "error": null, "units": []});
        std::fs::write(dir.join("meta.json"), meta.to_string()).unwrap();
    }
    let server = Server::start(data.path(), &["--keep-days", "30"]);
    assert_eq!(server.get(&format!("/api/check/{old}"), None).status, 404);
    assert!(!data.path().join("checks").join(old).exists());
    assert_eq!(server.get(&format!("/api/check/{recent}"), None).json()["state"], "done");
}

fn add_user(users: &std::path::Path, name: &str, password: &str, role_args: &[&str]) -> std::process::Output {
    let mut child = Command::new(BIN)
        .args(["serve", "--add-user", name, "--users"])
        .arg(users)
        .args(role_args)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    use std::io::Write;
    child.stdin.take().unwrap().write_all(format!("{password}\n").as_bytes()).unwrap();
    child.wait_with_output().unwrap()
}

fn login(server: &Server, name: &str, password: &str) -> Option<String> {
    let response = server.post_form("/login", &format!("name={name}&password={password}"), None);
    assert_eq!(response.status, 303);
    response.session_cookie()
}

#[test]
fn accounts_sessions_and_who_sees_what() {
    let root = tempfile::tempdir().unwrap();
    let users = root.path().join("users.toml");
    assert_eq!(add_user(&users, "ubnd-a", "short", &["--role", "unit", "--unit", "so-a"]).status.code(), Some(2));
    for (name, args) in [
        ("ubnd-a", vec!["--role", "unit", "--unit", "so-a"]),
        ("ubnd-b", vec!["--role", "unit", "--unit", "so-b"]),
        ("hoidong", vec!["--role", "council"]),
    ] {
        let output = add_user(&users, name, &format!("matkhau-{name}"), &args);
        assert!(output.status.success(), "{}", String::from_utf8_lossy(&output.stderr));
    }
    let file = std::fs::read_to_string(&users).unwrap();
    assert!(file.contains("$argon2id$") && !file.contains("matkhau-"), "{file}");
    assert_eq!(file.matches("[[user]]").count(), 3);

    let server = Server::start(&root.path().join("data"), &["--users", users.to_str().unwrap()]);
    assert_eq!(server.get("/healthz", None).text(), "ok");
    assert_eq!(server.get("/login", None).status, 200);
    assert_eq!(server.get("/", None).status, 303);
    assert_eq!(server.get("/api/checks", None).status, 401);
    assert_eq!(server.upload(&tiny_unit("u"), None).status, 401);
    assert_eq!(login(&server, "ubnd-a", "wrong-password"), None);

    let a = login(&server, "ubnd-a", "matkhau-ubnd-a").expect("a session");
    let b = login(&server, "ubnd-b", "matkhau-ubnd-b").expect("a session");
    let council = login(&server, "hoidong", "matkhau-hoidong").expect("a session");
    assert!(server
        .post_form("/login", "name=ubnd-a&password=matkhau-ubnd-a", None)
        .header("set-cookie")
        .unwrap()
        .contains("HttpOnly"));
    assert_eq!(server.get("/", Some(&a)).status, 200);
    let id = upload_id(&server, &tiny_unit("so-a"), Some(&a));
    assert_eq!(server.wait(&id, Some(&a))["state"], "done");
    // Another unit: the check does not exist for it.
    assert_eq!(server.get(&format!("/api/check/{id}"), Some(&b)).status, 404);
    assert_eq!(server.get(&format!("/api/check/{id}/report.json"), Some(&b)).status, 404);
    assert!(server.get("/api/checks", Some(&b)).json()["checks"].as_array().unwrap().is_empty());
    assert_eq!(server.get("/api/checks", Some(&a)).json()["checks"][0]["id"], id.as_str());
    // A unit may not upload for another unit.
    let mut for_b = tiny_unit("x");
    for_b.push(Part::Field("unit", "so-b".into()));
    assert_eq!(server.upload(&for_b, Some(&a)).status, 400);
    // The council sees every check and the province summary; a unit does not see the summary.
    assert_eq!(server.get(&format!("/api/check/{id}/report.json"), Some(&council)).status, 200);
    assert_eq!(server.get("/api/summary", Some(&a)).status, 403);
    let demo = folder_parts(&fixtures().join("demo").join("ubnd-xa-demo"), "so-b");
    let demo_id = upload_id(&server, &demo, Some(&b));
    assert_eq!(server.wait(&demo_id, Some(&b))["state"], "done");
    let report = server.get(&format!("/api/check/{demo_id}/report.json"), Some(&b)).json();
    let summary = server.get("/api/summary", Some(&council)).json();
    let checks = summary["checks"].as_array().unwrap();
    assert_eq!(checks.len(), 2, "{summary}");
    let row = checks.iter().find(|c| c["check"] == demo_id.as_str()).expect("the demo's check");
    assert_eq!(row["owner"], "so-b");
    assert_eq!(row["units"][0]["id"], "so-b");
    assert_eq!(row["units"][0]["claimed"], report["units"][0]["claimed"]);
    assert_eq!(row["units"][0]["at_risk"], report["units"][0]["at_risk"]);
    assert!(row["at_risk"].as_f64().unwrap() > 0.0);
    // Logout ends the session.
    assert_eq!(server.post_form("/logout", "", Some(&a)).status, 303);
    assert_eq!(server.get("/api/checks", Some(&a)).status, 401);
    assert_eq!(server.get("/api/checks", Some(&council)).status, 200);
}

#[test]
fn with_accounts_any_address_may_be_listened_on() {
    let root = tempfile::tempdir().unwrap();
    let users = root.path().join("users.toml");
    assert!(add_user(&users, "hoidong", "matkhau-dai", &["--role", "council"]).status.success());
    let mut child = Command::new(BIN)
        .args(["serve", "--listen", "0.0.0.0:0", "--users"])
        .arg(&users)
        .arg("--data")
        .arg(root.path().join("data"))
        .stdout(Stdio::piped())
        .spawn()
        .unwrap();
    let mut line = String::new();
    std::io::BufRead::read_line(&mut std::io::BufReader::new(child.stdout.take().unwrap()), &mut line).unwrap();
    child.kill().unwrap();
    child.wait().unwrap();
    assert!(line.starts_with("http://0.0.0.0:"), "{line}");
}

#[test]
fn concurrent_uploads_wait_for_their_turn_and_all_get_the_right_report() {
    let data = tempfile::tempdir().unwrap();
    let server = Server::start(data.path(), &["--max-checks", "1"]);
    let ids: Vec<String> = std::thread::scope(|scope| {
        let uploads: Vec<_> = (0..4)
            .map(|_| scope.spawn(|| upload_id(&server, &folder_parts(&fixtures().join("demo"), "demo"), None)))
            .collect();
        uploads.into_iter().map(|upload| upload.join().unwrap()).collect()
    });
    let mut most_running = 0;
    let start = std::time::Instant::now();
    loop {
        let states: Vec<String> =
            ids.iter().map(|id| server.get(&format!("/api/check/{id}"), None).json()["state"].to_string()).collect();
        most_running = most_running.max(states.iter().filter(|s| s.contains("running")).count());
        if states.iter().all(|s| s.contains("done") || s.contains("failed")) {
            break;
        }
        assert!(start.elapsed() < std::time::Duration::from_secs(240), "{states:?}");
        std::thread::sleep(std::time::Duration::from_millis(50));
    }
    assert_eq!(most_running, 1, "--max-checks 1 ran {most_running} at once");
    let expected = check_report(&fixtures(), "demo", "json", &[]);
    for id in &ids {
        assert!(server.get(&format!("/api/check/{id}/report.json"), None).body == expected, "{id}");
    }
}

#[test]
fn a_full_queue_is_503_counting_uploads_in_progress() {
    use std::io::Write;
    let data = tempfile::tempdir().unwrap();
    let server = Server::start(data.path(), &["--max-queue", "1"]);
    // An upload whose body is still coming: it holds the only place.
    let (content_type, body) = serve::multipart(&tiny_unit("slow"));
    let mut slow = std::net::TcpStream::connect(&server.address).unwrap();
    write!(
        slow,
        "POST /api/check HTTP/1.1\r\nHost: x\r\nContent-Type: {content_type}\r\nContent-Length: {}\r\n\r\n",
        body.len()
    )
    .unwrap();
    slow.write_all(&body[..body.len() / 2]).unwrap();
    slow.flush().unwrap();
    std::thread::sleep(std::time::Duration::from_millis(300));
    let refused = server.upload(&tiny_unit("u"), None);
    assert_eq!(refused.status, 503, "{}", refused.text());
    // Once it is gone, the place is free again.
    drop(slow);
    std::thread::sleep(std::time::Duration::from_millis(300));
    let id = upload_id(&server, &tiny_unit("u"), None);
    assert_eq!(server.wait(&id, None)["state"], "done");
}
