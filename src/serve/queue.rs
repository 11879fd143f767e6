//! The queue: each upload becomes a task that waits for one of `--max-checks` permits, then runs
//! the check in a child process (`serve-worker`) in the upload's folder, with a deadline, reading
//! its progress lines into the store.

use super::store::{State, Store, UnitSummary};
use kiemchung::model::Lang;
use std::path::PathBuf;
use std::sync::Arc;
use std::time::Duration;
use tokio::io::{AsyncBufReadExt, AsyncReadExt, BufReader};
use tokio::sync::Semaphore;

/// What every check of this server shares: the server's trust anchors and catalog, never the
/// upload's.
pub struct Runner {
    pub exe: PathBuf,
    pub permits: Arc<Semaphore>,
    pub deadline: Duration,
    pub trust: Option<PathBuf>,
    pub cache: Option<PathBuf>,
    pub jobs: usize,
    pub no_ocr: bool,
}

pub struct Job {
    pub id: String,
    /// The path under the check's `upload/` folder the check runs on.
    pub root: String,
    /// An embedded catalog id or the server's catalog file (absolute).
    pub catalog: Option<String>,
    pub year: Option<i32>,
    pub cutoff: Option<String>,
    pub lang: Lang,
}

/// Keeps the last part of what the worker said on stderr, for a failed check's message.
const STDERR_TAIL: usize = 4096;

pub fn start(runner: Arc<Runner>, store: Arc<Store>, job: Job) {
    tokio::spawn(async move {
        let Ok(_permit) = runner.permits.clone().acquire_owned().await else { return };
        store.update(&job.id, true, |check| check.state = State::Running);
        let outcome = run(&runner, &store, &job).await;
        // Counted before the check is seen to end: the reports and the cache's growth.
        let counting = store.clone();
        let id = job.id.clone();
        let _ = tokio::task::spawn_blocking(move || counting.recount(&id)).await;
        store.update(&job.id, true, |check| match outcome {
            Ok(()) => check.state = State::Done,
            Err(why) => {
                check.state = State::Failed;
                check.error = Some(why);
            }
        });
    });
}

async fn run(runner: &Runner, store: &Store, job: &Job) -> Result<(), String> {
    let check_dir = store.dir(&job.id);
    let mut command = tokio::process::Command::new(&runner.exe);
    command
        .arg("--lang")
        .arg(job.lang.pick("vi", "en"))
        .arg("serve-worker")
        .arg(&job.root)
        .arg("--out")
        .arg(&check_dir)
        .arg("--jobs")
        .arg(runner.jobs.to_string());
    if let Some(catalog) = &job.catalog {
        command.arg("--catalog").arg(catalog);
    }
    if let Some(year) = job.year {
        command.arg("--year").arg(year.to_string());
    }
    if let Some(cutoff) = &job.cutoff {
        command.arg("--cutoff").arg(cutoff);
    }
    if let Some(trust) = &runner.trust {
        command.arg("--trust").arg(trust);
    }
    match &runner.cache {
        Some(cache) => command.arg("--cache").arg(cache),
        None => command.arg("--no-cache"),
    };
    if runner.no_ocr {
        command.arg("--no-ocr");
    }
    command
        .current_dir(check_dir.join("upload"))
        .stdin(std::process::Stdio::null())
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .kill_on_drop(true);
    let mut child = command.spawn().map_err(|e| format!("{}: {e}", runner.exe.display()))?;
    let stdout = child.stdout.take().ok_or("no stdout")?;
    let mut stderr = child.stderr.take().ok_or("no stderr")?;
    let stderr_tail = tokio::spawn(async move {
        let mut all = Vec::new();
        let mut buffer = [0u8; 8192];
        while let Ok(read @ 1..) = stderr.read(&mut buffer).await {
            all.extend_from_slice(&buffer[..read]);
            if all.len() > 2 * STDERR_TAIL {
                all.drain(..all.len() - STDERR_TAIL);
            }
        }
        String::from_utf8_lossy(&all).into_owned()
    });
    let follow = async {
        let mut lines = BufReader::new(stdout).lines();
        while let Ok(Some(line)) = lines.next_line().await {
            follow_line(store, &job.id, &line);
        }
        child.wait().await
    };
    let outcome = tokio::time::timeout(runner.deadline, follow).await;
    if outcome.is_err() {
        let _ = child.kill().await;
    }
    let said = stderr_tail.await.unwrap_or_default();
    // What `check` would have said on stderr (notes: no OCR, an unusable cache…), kept beside the reports.
    let _ = tokio::fs::write(check_dir.join("notes.txt"), &said).await;
    let status = match outcome {
        Ok(status) => status.map_err(|e| e.to_string())?,
        Err(_) => {
            return Err(job.lang.pick(
                format!("quá thời gian kiểm tra ({} phút)", runner.deadline.as_secs() / 60),
                format!("the check ran out of time ({} minutes)", runner.deadline.as_secs() / 60),
            ));
        }
    };
    if status.success() {
        return Ok(());
    }
    let last = said.lines().rev().find(|line| !line.trim().is_empty()).unwrap_or("").trim();
    Err(if last.is_empty() { format!("{status}") } else { last.to_string() })
}

fn follow_line(store: &Store, id: &str, line: &str) {
    if let Some(rest) = line.strip_prefix("progress ") {
        let mut numbers = rest.split(' ').filter_map(|n| n.parse::<usize>().ok());
        if let (Some(done), Some(total)) = (numbers.next(), numbers.next()) {
            store.update(id, false, |check| {
                check.done = done;
                check.total = total;
            });
        }
    } else if let Some(json) = line.strip_prefix("units ") {
        if let Ok(units) = serde_json::from_str::<Vec<UnitSummary>>(json) {
            store.update(id, false, |check| check.units = units);
        }
    } else if let Some(peak) = line.strip_prefix("peak_rss_kib ") {
        let peak = peak.trim().parse().ok();
        store.update(id, false, |check| check.peak_rss_kib = peak);
    }
}
