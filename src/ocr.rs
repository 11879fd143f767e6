//! OCR of scans and unreadable text layers: pages rendered by poppler's `pdftoppm` at a resolution
//! that keeps Vietnamese diacritics apart (300 dpi, grey), read by Tesseract with its Vietnamese
//! model (`tesseract-ocr-vie`). Both are external programs (see README, "Dependencies"): there is no
//! well-kept pure-Rust OCR for Vietnamese, and calling the programs keeps a crash or a hang of
//! either out of our process. Each call runs under a deadline; the whole run has a budget shared by
//! every worker, and a file past it is simply not read (its rules stay "not judged").

use std::io::Read;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{Duration, Instant};

/// Pages read per file: the header is on page 1 (or 2), and the parts a council cites sit early.
pub const MAX_PAGES: u32 = 4;
/// Rendering resolution: diacritics stacked on Vietnamese vowels merge below ~250 dpi.
const DPI: &str = "300";

/// The OCR programs found on this machine, and the time left to the run.
#[derive(Debug)]
pub struct Ocr {
    pdftoppm: PathBuf,
    tesseract: PathBuf,
    /// Per file: rendering and reading all of its pages.
    pub per_file: Duration,
    /// Milliseconds of OCR left to the whole run.
    run_left_ms: AtomicU64,
    /// `tesseract --version`'s first line, for the facts cache key.
    pub version: String,
}

/// Why a file was not read by OCR.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum OcrError {
    /// The run's OCR budget is spent.
    RunBudget,
    /// This file's deadline passed (which program, after how long).
    Deadline(String),
    /// A program failed: what it said.
    Failed(String),
}

impl std::fmt::Display for OcrError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            OcrError::RunBudget => write!(f, "OCR time budget of the run spent"),
            OcrError::Deadline(what) => write!(f, "OCR deadline: {what}"),
            OcrError::Failed(what) => write!(f, "OCR failed: {what}"),
        }
    }
}

impl Ocr {
    /// Finds `pdftoppm` and `tesseract` with the Vietnamese model; Err says what is missing, for a
    /// note shown once.
    pub fn detect(per_file: Duration, run_budget: Duration) -> Result<Ocr, String> {
        let pdftoppm = PathBuf::from("pdftoppm");
        let tesseract = PathBuf::from("tesseract");
        let runs = |program: &Path, arg: &str| Command::new(program).arg(arg).stdin(Stdio::null()).output().ok();
        if !runs(&pdftoppm, "-v").is_some_and(|o| o.status.success()) {
            return Err("không có pdftoppm (gói poppler-utils)".into());
        }
        let Some(version) = runs(&tesseract, "--version").filter(|o| o.status.success()) else {
            return Err("không có Tesseract (gói tesseract-ocr)".into());
        };
        let languages = runs(&tesseract, "--list-langs").map(|o| String::from_utf8_lossy(&o.stdout).into_owned());
        if !languages.is_some_and(|l| l.lines().any(|line| line.trim() == "vie")) {
            return Err("Tesseract không có mô hình tiếng Việt (gói tesseract-ocr-vie)".into());
        }
        let version = String::from_utf8_lossy(&version.stdout).lines().next().unwrap_or("tesseract").trim().to_string();
        Ok(Ocr { pdftoppm, tesseract, per_file, run_left_ms: AtomicU64::new(run_budget.as_millis() as u64), version })
    }

    /// The text of `pages` of the PDF `bytes` (1-based, in order), NFC. Pages that read nothing are
    /// left out.
    pub fn read_pages(&self, bytes: &[u8], pages: &[u32]) -> Result<Vec<(u32, String)>, OcrError> {
        if self.run_left_ms.load(Ordering::Relaxed) == 0 {
            return Err(OcrError::RunBudget);
        }
        let started = Instant::now();
        let result = self.read_within(bytes, pages, started + self.per_file);
        let spent = started.elapsed().as_millis() as u64;
        let _ = self
            .run_left_ms
            .fetch_update(Ordering::Relaxed, Ordering::Relaxed, |left| Some(left.saturating_sub(spent)));
        result
    }

    fn read_within(&self, bytes: &[u8], pages: &[u32], deadline: Instant) -> Result<Vec<(u32, String)>, OcrError> {
        let scratch = tempfile::tempdir().map_err(|e| OcrError::Failed(e.to_string()))?;
        let pdf = scratch.path().join("in.pdf");
        std::fs::write(&pdf, bytes).map_err(|e| OcrError::Failed(e.to_string()))?;
        let mut out = Vec::new();
        for &page in pages {
            let prefix = scratch.path().join(format!("p{page}"));
            let mut render = Command::new(&self.pdftoppm);
            render.args(["-r", DPI, "-gray", "-png", "-singlefile", "-f", &page.to_string(), "-l", &page.to_string()]);
            render.arg(&pdf).arg(&prefix);
            run(render, deadline, "pdftoppm")?;
            let image = prefix.with_extension("png");
            if !image.is_file() {
                continue;
            }
            let mut read = Command::new(&self.tesseract);
            // psm 3: automatic layout, so the two header columns are read one after the other.
            read.arg(&image).arg("stdout").args(["-l", "vie", "--psm", "3"]);
            let text = run(read, deadline, "tesseract")?;
            let text = crate::vn::text::nfc(&text);
            if text.chars().any(char::is_alphanumeric) {
                out.push((page, text));
            }
        }
        Ok(out)
    }
}

/// Runs a program to completion within the deadline (killed past it); its standard output.
fn run(mut command: Command, deadline: Instant, name: &str) -> Result<String, OcrError> {
    let mut child = command
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .env("OMP_THREAD_LIMIT", "1")
        .spawn()
        .map_err(|e| OcrError::Failed(format!("{name}: {e}")))?;
    let mut stdout = child.stdout.take().expect("piped");
    let reader = std::thread::spawn(move || {
        let mut text = Vec::new();
        let _ = stdout.read_to_end(&mut text);
        text
    });
    let status = loop {
        match child.try_wait() {
            Ok(Some(status)) => break status,
            Ok(None) if Instant::now() > deadline => {
                let _ = child.kill();
                let _ = child.wait();
                return Err(OcrError::Deadline(name.to_string()));
            }
            Ok(None) => std::thread::sleep(Duration::from_millis(20)),
            Err(e) => return Err(OcrError::Failed(format!("{name}: {e}"))),
        }
    };
    let text = reader.join().unwrap_or_default();
    if !status.success() {
        return Err(OcrError::Failed(format!("{name}: {status}")));
    }
    Ok(String::from_utf8_lossy(&text).into_owned())
}
