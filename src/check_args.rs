//! The options a run of the checks takes, defined once for `check` and for `serve`'s hidden worker
//! (which runs the same check in a child process): their flags, their help, and how their values
//! become a [`kiemchung::ConfigBuilder`]. The display orders keep `check --help` in the order of
//! DESIGN.md, with `check`'s own flags (format, output, select, ignore, fail-on) between them.

use kiemchung::catalog::Catalog;
use kiemchung::facts::signature::TrustStore;
use kiemchung::facts::Budget;
use kiemchung::model::Lang;
use kiemchung::{Config, ConfigBuilder};
use std::path::PathBuf;

#[derive(clap::Args)]
pub struct CheckArgs {
    /// Bộ tiêu chí: mã nhúng (kiemchung catalog) hoặc tệp TOML/JSON; không có: bảng tự chấm
    /// của mỗi đơn vị là bộ tiêu chí của đơn vị đó
    #[arg(long, display_order = 0)]
    pub catalog: Option<String>,
    /// Năm đánh giá (mặc định: năm của bộ tiêu chí, hoặc năm ghi trong bảng tự chấm)
    #[arg(long, display_order = 3)]
    pub year: Option<i32>,
    /// Thời điểm chốt số liệu (YYYY-MM-DD; mặc định: của bộ tiêu chí, hoặc 10/12 năm đánh giá)
    #[arg(long, display_order = 4)]
    pub cutoff: Option<String>,
    /// Thư mục chứng thư gốc tin cậy (PEM/DER/CRT), thêm vào các gốc Việt Nam có sẵn
    #[arg(long, display_order = 5)]
    pub trust: Option<PathBuf>,
    /// Số luồng xử lý song song (mặc định: số lõi CPU)
    #[arg(long, short, display_order = 10)]
    pub jobs: Option<usize>,
    /// Thư mục bộ nhớ đệm (mặc định: ~/.cache/kiemchung); chỉ đọc lại tệp đã thay đổi
    #[arg(long, display_order = 12)]
    pub cache: Option<PathBuf>,
    /// Không dùng bộ nhớ đệm
    #[arg(long, conflicts_with = "cache", display_order = 13)]
    pub no_cache: bool,
    /// Không đọc ảnh quét bằng OCR (Tesseract)
    #[arg(long, display_order = 14)]
    pub no_ocr: bool,
}

/// The options' values once checked: what can be refused is refused before any file is read.
pub struct Resolved {
    catalog: Option<Catalog>,
    year: Option<i32>,
    cutoff: Option<jiff::civil::Date>,
    trust: TrustStore,
    jobs: Option<usize>,
    cache_dir: Option<PathBuf>,
    no_ocr: bool,
}

impl CheckArgs {
    /// The catalog, the cutoff and the trust anchors, read and checked (an error is exit 2).
    pub fn resolve(self, lang: Lang) -> Result<Resolved, String> {
        let catalog = self.catalog.as_deref().map(Catalog::resolve).transpose()?;
        let cutoff = self
            .cutoff
            .map(|text| {
                kiemchung::vn::date::parse_loose(&text).ok_or_else(|| {
                    format!(
                        "--cutoff '{text}': {}",
                        lang.pick("không phải ngày (YYYY-MM-DD)", "not a date (YYYY-MM-DD)")
                    )
                })
            })
            .transpose()?;
        let trust = crate::trust_store(self.trust.as_deref(), lang)?;
        let cache_dir = if self.no_cache { None } else { self.cache.or_else(kiemchung::cache::default_dir) };
        Ok(Resolved { catalog, year: self.year, cutoff, trust, jobs: self.jobs, cache_dir, no_ocr: self.no_ocr })
    }
}

impl Resolved {
    /// A run over `paths` with these settings; OCR is looked for here, so its note comes after
    /// every refusal of the command line.
    pub fn builder(self, paths: Vec<PathBuf>, lang: Lang) -> ConfigBuilder {
        let budget = Budget { ocr: crate::ocr_engine(self.no_ocr, lang), ..Budget::default() };
        let builder = Config::builder(paths)
            .catalog(self.catalog)
            .year(self.year)
            .cutoff(self.cutoff)
            .lang(lang)
            .budget(budget)
            .trust(self.trust)
            .cache_dir(self.cache_dir);
        match self.jobs {
            Some(jobs) => builder.jobs(jobs),
            None => builder,
        }
    }
}
