//! Helpers for the `kiemchung serve` tests: the server as a child process on a free loopback port,
//! a plain HTTP/1.0 client (no library between the test and the bytes on the wire) and multipart
//! bodies built by hand, so that hostile filenames reach the server exactly as written.
#![allow(dead_code)]

use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpStream;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

pub const BIN: &str = env!("CARGO_BIN_EXE_kiemchung");

pub struct Server {
    child: Child,
    pub address: String,
    pub data: PathBuf,
}

impl Server {
    /// `kiemchung serve --listen 127.0.0.1:0 --data DATA ARGS…`, once it says where it listens.
    pub fn start(data: &Path, args: &[&str]) -> Server {
        let mut child = Command::new(BIN)
            .args(["serve", "--listen", "127.0.0.1:0", "--no-ocr", "--data"])
            .arg(data)
            .args(args)
            .stdout(Stdio::piped())
            .stderr(Stdio::inherit())
            .spawn()
            .expect("start kiemchung serve");
        let mut line = String::new();
        BufReader::new(child.stdout.take().unwrap()).read_line(&mut line).unwrap();
        let address = line.trim().strip_prefix("http://").unwrap_or_else(|| panic!("first line: {line:?}")).to_string();
        Server { child, address, data: data.to_path_buf() }
    }

    pub fn pid(&self) -> u32 {
        self.child.id()
    }

    pub fn get(&self, path: &str, cookie: Option<&str>) -> Response {
        self.request("GET", path, cookie, None)
    }

    pub fn post_form(&self, path: &str, form: &str, cookie: Option<&str>) -> Response {
        self.request("POST", path, cookie, Some(("application/x-www-form-urlencoded", form.as_bytes().to_vec())))
    }

    pub fn upload(&self, parts: &[Part], cookie: Option<&str>) -> Response {
        let (content_type, body) = multipart(parts);
        self.request("POST", "/api/check", cookie, Some((&content_type, body)))
    }

    pub fn request(&self, method: &str, path: &str, cookie: Option<&str>, body: Option<(&str, Vec<u8>)>) -> Response {
        let cookie = cookie.map(|cookie| ("Cookie", cookie));
        self.request_with(method, path, cookie.as_slice(), body)
    }

    /// A request with these extra headers (a cookie, `Accept`, `X-Forwarded-For`…).
    pub fn request_with(
        &self,
        method: &str,
        path: &str,
        headers: &[(&str, &str)],
        body: Option<(&str, Vec<u8>)>,
    ) -> Response {
        let mut stream = TcpStream::connect(&self.address).unwrap();
        stream.set_read_timeout(Some(Duration::from_secs(60))).unwrap();
        let mut head = format!("{method} {path} HTTP/1.0\r\nHost: {}\r\n", self.address);
        for (name, value) in headers {
            head.push_str(&format!("{name}: {value}\r\n"));
        }
        if let Some((content_type, bytes)) = &body {
            head.push_str(&format!("Content-Type: {content_type}\r\nContent-Length: {}\r\n", bytes.len()));
        }
        head.push_str("\r\n");
        // A server may answer (413) and close before reading all: a failed write is not the test's failure.
        let _ = stream.write_all(head.as_bytes());
        if let Some((_, bytes)) = body {
            let _ = stream.write_all(&bytes);
        }
        let mut raw = Vec::new();
        let _ = stream.read_to_end(&mut raw);
        Response::parse(&raw)
    }

    /// Polls a check until it is done or failed (two minutes at most).
    pub fn wait(&self, id: &str, cookie: Option<&str>) -> serde_json::Value {
        let start = Instant::now();
        loop {
            let state = self.get(&format!("/api/check/{id}"), cookie).json();
            if state["state"] == "done" || state["state"] == "failed" {
                return state;
            }
            assert!(start.elapsed() < Duration::from_secs(120), "check {id} still {state}");
            std::thread::sleep(Duration::from_millis(200));
        }
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

#[derive(Debug)]
pub struct Response {
    pub status: u16,
    pub headers: Vec<(String, String)>,
    pub body: Vec<u8>,
}

impl Response {
    pub fn parse(raw: &[u8]) -> Response {
        let split = raw
            .windows(4)
            .position(|w| w == b"\r\n\r\n")
            .unwrap_or_else(|| panic!("no HTTP head in {:?}", String::from_utf8_lossy(raw)));
        let head = String::from_utf8_lossy(&raw[..split]).into_owned();
        let mut lines = head.split("\r\n");
        let status = lines.next().unwrap().split(' ').nth(1).unwrap().parse().unwrap();
        let headers = lines
            .filter_map(|line| line.split_once(':'))
            .map(|(name, value)| (name.trim().to_ascii_lowercase(), value.trim().to_string()))
            .collect();
        Response { status, headers, body: raw[split + 4..].to_vec() }
    }

    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers.iter().find(|(n, _)| n == name).map(|(_, v)| v.as_str())
    }

    pub fn text(&self) -> String {
        String::from_utf8_lossy(&self.body).into_owned()
    }

    pub fn json(&self) -> serde_json::Value {
        serde_json::from_slice(&self.body).unwrap_or_else(|e| panic!("{e}: {} {}", self.status, self.text()))
    }

    /// The session cookie a login set (`name=value`).
    pub fn session_cookie(&self) -> Option<String> {
        let set = self.header("set-cookie")?;
        let pair = set.split(';').next()?.trim();
        pair.split_once('=').filter(|(_, v)| !v.is_empty()).map(|_| pair.to_string())
    }
}

pub enum Part {
    File(String, Vec<u8>),
    Field(&'static str, String),
}

pub fn multipart(parts: &[Part]) -> (String, Vec<u8>) {
    let boundary = "kiemchung-test-boundary-7d1f";
    let mut body = Vec::new();
    for part in parts {
        body.extend_from_slice(format!("--{boundary}\r\n").as_bytes());
        match part {
            Part::File(name, bytes) => {
                body.extend_from_slice(
                    format!("Content-Disposition: form-data; name=\"file\"; filename=\"{name}\"\r\nContent-Type: application/octet-stream\r\n\r\n")
                        .as_bytes(),
                );
                body.extend_from_slice(bytes);
            }
            Part::Field(name, value) => {
                body.extend_from_slice(
                    format!("Content-Disposition: form-data; name=\"{name}\"\r\n\r\n{value}").as_bytes(),
                );
            }
        }
        body.extend_from_slice(b"\r\n");
    }
    body.extend_from_slice(format!("--{boundary}--\r\n").as_bytes());
    (format!("multipart/form-data; boundary={boundary}"), body)
}

/// Every file under `dir`, as parts named `prefix/relative/path` (as a browser sends a folder).
pub fn folder_parts(dir: &Path, prefix: &str) -> Vec<Part> {
    let mut parts = Vec::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(folder) = stack.pop() {
        for entry in std::fs::read_dir(&folder).unwrap() {
            let path = entry.unwrap().path();
            if path.is_dir() {
                stack.push(path);
            } else {
                let relative = path.strip_prefix(dir).unwrap().to_string_lossy().replace('\\', "/");
                let name = if prefix.is_empty() { relative } else { format!("{prefix}/{relative}") };
                parts.push(Part::File(name, std::fs::read(&path).unwrap()));
            }
        }
    }
    parts.sort_by(|a, b| match (a, b) {
        (Part::File(a, _), Part::File(b, _)) => a.cmp(b),
        _ => std::cmp::Ordering::Equal,
    });
    parts
}

pub fn fixtures() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures")
}

/// `kiemchung check PATH --format F --no-cache --no-ocr` run in `cwd`, the report's bytes.
pub fn check_report(cwd: &Path, path: &str, format: &str, extra: &[&str]) -> Vec<u8> {
    let out = tempfile::tempdir().unwrap();
    let output = out.path().join(format!("report.{format}"));
    let status = Command::new(BIN)
        .current_dir(cwd)
        .args(["check", path, "--no-cache", "--no-ocr", "--format", format, "--output"])
        .arg(&output)
        .args(extra)
        .status()
        .unwrap();
    assert!(status.code().is_some_and(|c| c <= 1), "check {path}: {status}");
    std::fs::read(output).unwrap()
}

/// Every regular file under `dir`, relative, sorted.
pub fn files_under(dir: &Path) -> Vec<String> {
    let mut found = Vec::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(folder) = stack.pop() {
        let Ok(entries) = std::fs::read_dir(&folder) else { continue };
        for entry in entries.flatten() {
            let path = entry.path();
            if path.is_dir() {
                stack.push(path);
            } else {
                found.push(path.strip_prefix(dir).unwrap().to_string_lossy().into_owned());
            }
        }
    }
    found.sort();
    found
}
