//! What a run is asked to do: built with [`Config::builder`], read by the pipeline.

use crate::catalog::Catalog;
use crate::facts::signature::TrustStore;
use crate::facts::Budget;
use crate::model::Lang;
use jiff::civil::Date;
use std::path::PathBuf;
use std::sync::Arc;

/// How far a run has come: files whose facts are read, of all discovered files.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Progress {
    pub done: usize,
    pub total: usize,
}

/// Called from worker threads as files are read; must be cheap (a bar, a counter, a channel send).
pub type ProgressFn = Arc<dyn Fn(Progress) + Send + Sync>;

pub struct Config {
    pub(crate) paths: Vec<PathBuf>,
    pub(crate) catalog: Option<Catalog>,
    pub(crate) year: Option<i32>,
    pub(crate) cutoff: Option<Date>,
    pub(crate) lang: Lang,
    pub(crate) jobs: usize,
    pub(crate) select: Vec<String>,
    pub(crate) ignore: Vec<String>,
    pub(crate) budget: Budget,
    pub(crate) trust: TrustStore,
    pub(crate) cache_dir: Option<PathBuf>,
    pub(crate) progress: Option<ProgressFn>,
    pub(crate) today: Option<Date>,
    pub(crate) spill_after: usize,
}

impl Config {
    /// A run over `paths` (unit folders, province folders, single files) with the defaults: each
    /// unit's workbook as its catalog, Vietnamese, every rule, the built-in trust anchors, no cache,
    /// one thread per core.
    pub fn builder(paths: impl IntoIterator<Item = impl Into<PathBuf>>) -> ConfigBuilder {
        ConfigBuilder {
            config: Config {
                paths: paths.into_iter().map(Into::into).collect(),
                catalog: None,
                year: None,
                cutoff: None,
                lang: Lang::Vi,
                jobs: std::thread::available_parallelism().map_or(1, |n| n.get()),
                select: Vec::new(),
                ignore: Vec::new(),
                budget: Budget::default(),
                trust: TrustStore::builtin(),
                cache_dir: None,
                progress: None,
                today: None,
                spill_after: crate::spill::IN_MEMORY,
            },
        }
    }

    pub fn lang(&self) -> Lang {
        self.lang
    }
}

/// Builds a [`Config`]; every setting has a default.
pub struct ConfigBuilder {
    config: Config,
}

impl ConfigBuilder {
    /// The criteria to judge against; without one, each unit's workbook is its own catalog.
    pub fn catalog(mut self, catalog: Option<Catalog>) -> Self {
        self.config.catalog = catalog;
        self
    }
    /// The assessment year; else the catalog's, else the submission's.
    pub fn year(mut self, year: Option<i32>) -> Self {
        self.config.year = year;
        self
    }
    /// Replaces the catalog's cutoff (per-criterion overrides still apply).
    pub fn cutoff(mut self, cutoff: Option<Date>) -> Self {
        self.config.cutoff = cutoff;
        self
    }
    pub fn lang(mut self, lang: Lang) -> Self {
        self.config.lang = lang;
        self
    }
    /// Worker threads (at least one).
    pub fn jobs(mut self, jobs: usize) -> Self {
        self.config.jobs = jobs.max(1);
        self
    }
    /// Rule codes or prefixes to keep (`KC1`, `KC202`); empty = all. Validate user input first
    /// with `checks::registry::parse_code_list`.
    pub fn select(mut self, codes: Vec<String>) -> Self {
        self.config.select = codes;
        self
    }
    pub fn ignore(mut self, codes: Vec<String>) -> Self {
        self.config.ignore = codes;
        self
    }
    pub fn budget(mut self, budget: Budget) -> Self {
        self.config.budget = budget;
        self
    }
    /// Trust anchors for signature verification (the built-in roots unless replaced).
    pub fn trust(mut self, trust: TrustStore) -> Self {
        self.config.trust = trust;
        self
    }
    /// Where facts are cached by content hash (outside every input folder); `None` = no cache.
    pub fn cache_dir(mut self, dir: Option<PathBuf>) -> Self {
        self.config.cache_dir = dir;
        self
    }
    /// Told as files are read (for a progress bar); the library draws nothing itself.
    pub fn progress(mut self, progress: impl Fn(Progress) + Send + Sync + 'static) -> Self {
        self.config.progress = Some(Arc::new(progress));
        self
    }
    /// The day the run is judged on (the last-resort assessment year); default: the clock's.
    pub fn today(mut self, today: Date) -> Self {
        self.config.today = Some(today);
        self
    }
    /// Bytes of records and findings held in memory before the rest go to a temporary file
    /// (default 16 MiB: a province stays in memory, a country goes to disk).
    pub fn spill_after(mut self, bytes: usize) -> Self {
        self.config.spill_after = bytes;
        self
    }
    pub fn build(self) -> Config {
        self.config
    }
}
