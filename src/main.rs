//! The command line: a thin clap layer over the library. Exit codes: 0 = no finding at or above
//! `--fail-on`, 1 = findings, 2 = usage, configuration or output error.

use clap::{Parser, Subcommand, ValueEnum};
use kiemchung::catalog::{Catalog, DEFAULT_ID};
use kiemchung::explain;
use kiemchung::facts::signature::TrustStore;
use kiemchung::facts::{self, Budget};
use kiemchung::model::{Lang, Severity};
use kiemchung::report::{Format, RenderOptions, FORMAT_NAMES};
use std::io::{IsTerminal, Write};
use std::path::{Path, PathBuf};
use std::process::ExitCode;

mod check_args;
#[cfg(feature = "serve")]
mod serve;

/// mimalloc instead of glibc's allocator: parsing a PDF is millions of small allocations, freed on
/// two or more threads, where glibc's arenas spend a fifth of the run (see README, "Dependencies").
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

#[derive(Parser)]
#[command(name = "kiemchung", version, about = "Kiểm tra tài liệu kiểm chứng Chỉ số CCHC (PAR INDEX)")]
struct Cli {
    /// Ngôn ngữ thông báo / message language
    #[arg(long, global = true, value_enum, default_value = "vi")]
    lang: LangArg,
    #[command(subcommand)]
    command: Command,
}

#[derive(Clone, Copy, ValueEnum)]
enum LangArg {
    Vi,
    En,
}

#[derive(Clone, Copy, ValueEnum)]
enum FailOn {
    Zero,
    Warning,
}

#[derive(Subcommand)]
enum CatalogAction {
    /// Nhập phụ lục bộ tiêu chí của tỉnh (xlsx, xls, ods, csv hoặc bảng trong .docx) thành tệp TOML
    Import {
        file: PathBuf,
        /// Tệp TOML sẽ ghi (mặc định: in ra màn hình)
        #[arg(long, short)]
        output: Option<PathBuf>,
        /// Mã của bộ tiêu chí (mặc định: theo tên tệp)
        #[arg(long)]
        id: Option<String>,
        /// Năm đánh giá, khi phụ lục không ghi "năm …"
        #[arg(long)]
        year: Option<i32>,
        /// Cấp: tinh | so | huyen | xa | mixed (mặc định: theo tiêu đề phụ lục)
        #[arg(long)]
        level: Option<String>,
    },
    /// Ghi một bộ tiêu chí (mẫu nhúng hoặc tệp) ra TOML để sửa theo quyết định của tỉnh
    Export {
        id: String,
        #[arg(long, short)]
        output: PathBuf,
    },
}

#[derive(Subcommand)]
enum Command {
    /// Kiểm tra một đơn vị, một tỉnh (thư mục các đơn vị) hoặc từng tệp
    Check {
        /// Thư mục đơn vị, thư mục tỉnh hoặc tệp
        #[arg(required = true)]
        paths: Vec<PathBuf>,
        #[command(flatten)]
        run: check_args::CheckArgs,
        /// text | json | jsonl | csv | xlsx | html (mặc định: theo đuôi tệp của --output, không có thì text)
        #[arg(long, display_order = 6)]
        format: Option<String>,
        /// Ghi kết quả vào tệp (ghi nguyên tử) thay vì stdout
        #[arg(long, short, display_order = 7)]
        output: Option<PathBuf>,
        /// Chỉ các mã này (phân tách bởi dấu phẩy; tiền tố như KC2)
        #[arg(long, value_delimiter = ',', display_order = 8)]
        select: Vec<String>,
        /// Bỏ qua các mã này
        #[arg(long, value_delimiter = ',', display_order = 9)]
        ignore: Vec<String>,
        /// Mức phát hiện làm mã thoát 1
        #[arg(long, value_enum, default_value = "zero", display_order = 11)]
        fail_on: FailOn,
    },
    /// Xem những gì đọc được từ một tệp: chữ ký, số, ngày, mẫu chữ
    Inspect {
        file: PathBuf,
        /// In toàn bộ chữ đọc được, từng trang (như các quy tắc đọc)
        #[arg(long)]
        text: bool,
        /// Thư mục chứng thư gốc tin cậy (PEM/DER/CRT), thêm vào các gốc Việt Nam có sẵn
        #[arg(long)]
        trust: Option<PathBuf>,
    },
    /// Liệt kê quy tắc hoặc giải thích một mã (vd. KC202)
    Rule { code: Option<String> },
    /// Liệt kê bộ tiêu chí mẫu nhúng, hiển thị một bộ (mã hoặc tệp), nhập phụ lục của tỉnh, xuất một bộ
    #[command(args_conflicts_with_subcommands = true)]
    Catalog {
        #[command(subcommand)]
        action: Option<CatalogAction>,
        /// Mã bộ tiêu chí nhúng hoặc tệp TOML/JSON
        id: Option<String>,
    },
    /// Tạo bảng tự chấm điểm trống (xlsx) theo một bộ tiêu chí, để đơn vị điền
    Template {
        /// Mã bộ tiêu chí nhúng hoặc tệp TOML/JSON
        #[arg(long, default_value = DEFAULT_ID)]
        catalog: String,
        /// Tệp .xlsx sẽ ghi
        #[arg(long, short)]
        output: PathBuf,
    },
    /// Trang web để tải hồ sơ lên và xem kết quả (cho người không dùng dòng lệnh)
    #[cfg(feature = "serve")]
    Serve(serve::ServeArgs),
    /// (nội bộ) một lượt kiểm tra của `serve`, chạy trong thư mục tải lên
    #[cfg(feature = "serve")]
    #[command(hide = true)]
    ServeWorker(serve::worker::WorkerArgs),
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    let lang = match cli.lang {
        LangArg::Vi => Lang::Vi,
        LangArg::En => Lang::En,
    };
    match run(cli.command, lang) {
        Ok(code) => ExitCode::from(code),
        Err(message) => {
            eprintln!("kiemchung: {} {message}", lang.pick("lỗi:", "error:"));
            ExitCode::from(2)
        }
    }
}

/// Fewer files than this finish before a bar would be worth drawing.
const PROGRESS_MIN_FILES: usize = 200;

/// A bar on stderr, drawn once a run is known to be long (the library tells how far it is).
fn progress_bar(lang: Lang) -> indicatif::ProgressBar {
    let bar = indicatif::ProgressBar::with_draw_target(None, indicatif::ProgressDrawTarget::stderr());
    let template = lang.pick(
        "{bar:40.cyan/blue} {pos}/{len} tệp · {elapsed_precise} · còn {eta}",
        "{bar:40.cyan/blue} {pos}/{len} files · {elapsed_precise} · {eta} left",
    );
    if let Ok(style) = indicatif::ProgressStyle::with_template(template) {
        bar.set_style(style);
    }
    bar
}

/// Per file and per run: OCR is slow (seconds a page), and a run must end.
const OCR_PER_FILE: std::time::Duration = std::time::Duration::from_secs(90);
const OCR_PER_RUN: std::time::Duration = std::time::Duration::from_secs(30 * 60);

/// Tesseract for scans and unreadable layers, unless `--no-ocr`; when it is not installed, a note
/// says so once and the rules it would feed are "not judged".
fn ocr_engine(off: bool, lang: Lang) -> Option<std::sync::Arc<kiemchung::ocr::Ocr>> {
    if off {
        return None;
    }
    match kiemchung::ocr::Ocr::detect(OCR_PER_FILE, OCR_PER_RUN) {
        Ok(ocr) => Some(std::sync::Arc::new(ocr)),
        Err(why) => {
            eprintln!(
                "kiemchung: {}",
                lang.pick(
                    format!("không đọc được ảnh quét bằng OCR: {why}; số, ngày của ảnh quét được ghi là \"chưa đánh giá\" (cài tesseract-ocr và tesseract-ocr-vie)"),
                    format!("scans cannot be read by OCR: {why}; their number and date are recorded as \"not judged\" (install tesseract-ocr and tesseract-ocr-vie)"),
                )
            );
            None
        }
    }
}

/// The built-in Vietnamese anchors plus those of `--trust DIR` (never anything from a submission).
fn trust_store(dir: Option<&std::path::Path>, lang: Lang) -> Result<TrustStore, String> {
    let mut store = TrustStore::builtin();
    if let Some(dir) = dir {
        if !dir.is_dir() {
            return Err(format!("--trust '{}': {}", dir.display(), lang.pick("không phải thư mục", "not a folder")));
        }
        match store.add_dir(dir) {
            Ok(0) => {
                return Err(format!(
                    "--trust '{}': {}",
                    dir.display(),
                    lang.pick(
                        "không có chứng thư nào (.pem, .crt, .cer, .der)",
                        "no certificate in it (.pem, .crt, .cer, .der)"
                    )
                ))
            }
            Ok(_) => {}
            Err(why) => return Err(format!("--trust: {why}")),
        }
    }
    Ok(store)
}

fn run(command: Command, lang: Lang) -> Result<u8, String> {
    match command {
        #[cfg(feature = "serve")]
        Command::Serve(args) => serve::run(args, lang),
        #[cfg(feature = "serve")]
        Command::ServeWorker(args) => serve::worker::run(args, lang),
        Command::Check { paths, run, format, output, select, ignore, fail_on } => {
            let format = match format {
                Some(format) => Format::parse(&format).ok_or_else(|| {
                    lang.pick(
                        format!("định dạng '{format}' không hỗ trợ ({FORMAT_NAMES})"),
                        format!("unknown format '{format}' ({FORMAT_NAMES})"),
                    )
                })?,
                None => output.as_deref().map_or(Format::Text, Format::for_output),
            };
            let unknown_code = |why: String| format!("--select/--ignore: {why}");
            let select = kiemchung::checks::registry::parse_code_list(&select, lang).map_err(unknown_code)?;
            let ignore = kiemchung::checks::registry::parse_code_list(&ignore, lang).map_err(unknown_code)?;
            let run = run.resolve(lang)?;
            match &output {
                Some(path) => check_output_path(path, lang)?,
                None if format.is_binary() && std::io::stdout().is_terminal() => {
                    return Err(lang.pick(
                        "định dạng xlsx cần --output TỆP.xlsx (không in ra màn hình)".to_string(),
                        "the xlsx format needs --output FILE.xlsx (not printed to a terminal)".to_string(),
                    ))
                }
                None => {}
            }
            let mut builder = run.builder(paths, lang).select(select).ignore(ignore);
            // A bar for people: on a terminal, while a human-facing report is made; never in the
            // middle of JSON or CSV going to the same terminal or down a pipe.
            let bar = (std::io::stderr().is_terminal() && (format == Format::Text || output.is_some()))
                .then(|| progress_bar(lang));
            if let Some(bar) = &bar {
                let bar = bar.clone();
                builder = builder.progress(move |progress| {
                    if progress.total >= PROGRESS_MIN_FILES {
                        bar.set_length(progress.total as u64);
                        bar.set_position(progress.done as u64);
                    }
                });
            }
            let config = builder.build();
            let run = kiemchung::check_streamed(&config).map_err(|error| error.to_string())?;
            if let Some(bar) = bar {
                bar.finish_and_clear();
            }
            for note in &run.notes {
                eprintln!("kiemchung: {note}");
            }
            let color = output.is_none()
                && format == Format::Text
                && std::io::stdout().is_terminal()
                && std::env::var_os("NO_COLOR").is_none();
            let options = RenderOptions { lang, color };
            let write = |out: &mut dyn Write| run.write(format, &options, out);
            match &output {
                Some(path) => write_atomically(path, lang, write)?,
                None => write_stdout_with(write)?,
            }
            let threshold = match fail_on {
                FailOn::Zero => Severity::Zero,
                FailOn::Warning => Severity::Warning,
            };
            let counts = &run.head.summary.findings;
            let at_or_above = match threshold {
                Severity::Zero => counts.zero,
                Severity::Warning => counts.zero + counts.warning,
                Severity::Info => counts.zero + counts.warning + counts.info,
            };
            Ok(u8::from(at_or_above > 0))
        }
        Command::Inspect { file, text: true, .. } => {
            let bytes = std::fs::read(&file).map_err(|e| format!("'{}': {e}", file.display()))?;
            match kiemchung::facts::pdf::page_texts(&bytes, &Budget::default()) {
                Ok(pages) => {
                    let mut out = String::new();
                    for (number, text) in pages {
                        out.push_str(&format!("=== {} {number} ===\n{text}\n", lang.pick("trang", "page")));
                    }
                    write_stdout(out.as_bytes())?;
                    Ok(0)
                }
                Err(outcome) => Err(format!(
                    "'{}': {} ({outcome:?})",
                    file.display(),
                    lang.pick("không đọc được chữ của tệp PDF này", "cannot read this PDF's text")
                )),
            }
        }
        Command::Inspect { file, trust, text: false } => {
            let trust = trust_store(trust.as_deref(), lang)?;
            if !file.is_file() {
                return Err(format!(
                    "'{}': {}",
                    file.display(),
                    lang.pick("không phải tệp hoặc không tồn tại", "not a file or does not exist")
                ));
            }
            let budget = Budget { ocr: ocr_engine(false, lang), ..Budget::default() };
            let facts = facts::extract(&file, &budget, &trust);
            write_stdout(explain::inspect(&file.display().to_string(), &facts, lang).as_bytes())?;
            Ok(0)
        }
        Command::Rule { code: None } => write_stdout(explain::rule_list(lang).as_bytes()).map(|_| 0),
        Command::Rule { code: Some(code) } => {
            let text = explain::rule_explain(&code, lang).ok_or_else(|| {
                lang.pick(
                    format!("không có quy tắc '{code}' (xem: kiemchung rule)"),
                    format!("no rule '{code}' (see: kiemchung rule)"),
                )
            })?;
            write_stdout(text.as_bytes()).map(|_| 0)
        }
        Command::Template { catalog, output } => {
            let catalog = Catalog::resolve(&catalog)?;
            check_output_path(&output, lang)?;
            let bytes = kiemchung::template::workbook(&catalog)?;
            write_bytes_atomically(&output, &bytes, lang)?;
            eprintln!(
                "kiemchung: {} '{}' ({} {})",
                lang.pick("đã ghi", "wrote"),
                output.display(),
                catalog.criteria.len(),
                lang.pick("dòng tiêu chí", "criterion rows")
            );
            Ok(0)
        }
        Command::Catalog { action: Some(CatalogAction::Import { file, output, id, year, level }), .. } => {
            if let Some(path) = &output {
                check_output_path(path, lang)?;
            }
            let options = kiemchung::annex::ImportOptions { id, year, level };
            let imported = kiemchung::annex::import(&file, &options)?;
            let text = imported.catalog.to_toml();
            for line in imported.unplaced.iter().chain(&imported.sums) {
                eprintln!("kiemchung: {}: {line}", lang.pick("cần xem lại", "to review"));
            }
            let criteria =
                imported.catalog.criteria.iter().filter(|c| c.kind == kiemchung::catalog::Kind::Criterion).count();
            match &output {
                Some(path) => write_bytes_atomically(path, text.as_bytes(), lang)?,
                None => write_stdout(text.as_bytes())?,
            }
            eprintln!(
                "kiemchung: {} {} {}, {criteria} {}; {} {}, {} {}",
                lang.pick("đã nhập", "imported"),
                imported.catalog.criteria.len(),
                lang.pick("dòng", "rows"),
                lang.pick("tiêu chí", "criteria"),
                imported.unplaced.len(),
                lang.pick("dòng không đặt được", "rows not placed"),
                imported.sums.len(),
                lang.pick("tổng điểm không khớp", "sums that do not add up"),
            );
            Ok(0)
        }
        Command::Catalog { action: Some(CatalogAction::Export { id, output }), .. } => {
            check_output_path(&output, lang)?;
            let text = Catalog::export_text(&id)?;
            write_bytes_atomically(&output, text.as_bytes(), lang)?;
            Ok(0)
        }
        Command::Catalog { id: None, .. } => write_stdout(explain::catalog_list(lang).as_bytes()).map(|_| 0),
        Command::Catalog { id: Some(id), .. } => {
            let catalog = Catalog::resolve(&id)?;
            write_stdout(explain::catalog_show(&catalog, lang).as_bytes()).map(|_| 0)
        }
    }
}

/// Refused before the run, not after it: a missing folder, a folder given as the file, a read-only
/// file (replacing it by rename would ignore its protection).
fn check_output_path(path: &Path, lang: Lang) -> Result<(), String> {
    let parent = path.parent().filter(|p| !p.as_os_str().is_empty()).unwrap_or(Path::new("."));
    let refuse = |vi: &str, en: &str| Err(format!("--output '{}': {}", path.display(), lang.pick(vi, en)));
    if !parent.is_dir() {
        return refuse("thư mục chứa không tồn tại", "its folder does not exist");
    }
    if path.is_dir() {
        return refuse("là một thư mục, cần tên tệp", "is a folder, a file name is needed");
    }
    if std::fs::metadata(path).is_ok_and(|m| m.permissions().readonly()) {
        return refuse("tệp chỉ đọc, không ghi đè", "the file is read-only, not overwritten");
    }
    Ok(())
}

/// Temp file in the same folder, then rename: a reader never sees half a report. Only a regular file
/// is replaced that way: `--output /dev/null`, a FIFO or a device is written into (renaming over
/// /dev/null as root would turn it into a plain file that every other program then reads and fills),
/// and a symbolic link is followed to the file it names.
/// Writes what `write` produces to stdout (a closed pipe is not an error worth a message).
fn write_stdout_with(
    write: impl FnOnce(&mut dyn Write) -> Result<(), kiemchung::report::WriteError>,
) -> Result<(), String> {
    let mut stdout = std::io::stdout().lock();
    match write(&mut stdout) {
        Ok(()) => Ok(()),
        Err(kiemchung::report::WriteError::Io(e)) if e.kind() == std::io::ErrorKind::BrokenPipe => Ok(()),
        Err(e) => Err(e.to_string()),
    }
}

fn write_bytes_atomically(path: &Path, bytes: &[u8], lang: Lang) -> Result<(), String> {
    write_atomically(path, lang, |out| Ok(out.write_all(bytes)?))
}

/// Writes the report into a temporary file beside `path`, then renames it over `path`: a reader
/// never sees half a report, and a failed run leaves the old one.
fn write_atomically(
    path: &Path,
    lang: Lang,
    write: impl FnOnce(&mut dyn Write) -> Result<(), kiemchung::report::WriteError>,
) -> Result<(), String> {
    let fail = |e: &dyn std::fmt::Display| {
        format!("{} '{}': {e}", lang.pick("không ghi được", "cannot write"), path.display())
    };
    let target = match std::fs::metadata(path) {
        Ok(meta) if !meta.is_file() => {
            let mut special = std::fs::OpenOptions::new().write(true).open(path).map_err(|e| fail(&e))?;
            return write(&mut special).map_err(|e| fail(&e));
        }
        Ok(_) => path.canonicalize().map_err(|e| fail(&e))?,
        Err(_) => path.to_path_buf(),
    };
    let parent = target.parent().filter(|p| !p.as_os_str().is_empty()).unwrap_or(Path::new("."));
    let mut temp = tempfile::NamedTempFile::new_in(parent).map_err(|e| fail(&e))?;
    write(temp.as_file_mut()).map_err(|e| fail(&e))?;
    // The temp file is private (0600); a report is for sharing: the old file's mode, else rw-r--r--.
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let mode = std::fs::metadata(&target).map(|m| m.permissions().mode()).unwrap_or(0o644);
        temp.as_file().set_permissions(std::fs::Permissions::from_mode(mode)).map_err(|e| fail(&e))?;
    }
    temp.persist(&target).map_err(|e| fail(&e.error))?;
    Ok(())
}

fn write_stdout(bytes: &[u8]) -> Result<(), String> {
    let mut stdout = std::io::stdout().lock();
    match stdout.write_all(bytes).and_then(|_| stdout.flush()) {
        Ok(()) => Ok(()),
        // A closed pipe (`| head`) is not an error worth a message.
        Err(e) if e.kind() == std::io::ErrorKind::BrokenPipe => Ok(()),
        Err(e) => Err(e.to_string()),
    }
}
