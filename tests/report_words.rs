//! Reports a clerk can act on (issue 17): a Vietnamese report shows no English status, severity,
//! signature, coverage, modification-level or rule-name token; no report and no registry text
//! doubles a word or says "1 points"; every finding in text, html and xlsx leads to its fix.

use calamine::{open_workbook_from_rs, Reader, Xlsx};
use kiemchung::facts::signature::TrustStore;
use kiemchung::model::Lang;
use kiemchung::report::{render, Format, RenderOptions};
use kiemchung::rules::RULES;
use kiemchung::{check, Config, Report};
use regex::Regex;

const DEMO: &str = "fixtures/demo";

fn demo_report(lang: Lang) -> Report {
    let mut trust = TrustStore::builtin();
    trust.add_dir(std::path::Path::new("fixtures/trust")).unwrap();
    let config = Config::builder([DEMO]).lang(lang).jobs(2).trust(trust).today(jiff::civil::date(2026, 12, 7)).build();
    check(&config).expect("the demo checks").report
}

fn rendered(report: &Report, format: Format, lang: Lang) -> Vec<u8> {
    render(report, format, &RenderOptions { lang, color: false }).unwrap()
}

/// The pieces of text a person reads in each human format: text lines, html text nodes (no tags,
/// scripts or styles), xlsx cells. Words are only compared within one piece.
fn pieces(report: &Report, lang: Lang) -> Vec<(&'static str, String)> {
    let mut out = Vec::new();
    let text = String::from_utf8(rendered(report, Format::Text, lang)).unwrap();
    out.extend(text.lines().map(|l| ("text", l.to_string())));
    let html = String::from_utf8(rendered(report, Format::Html, lang)).unwrap();
    out.extend(html_text(&html).into_iter().map(|t| ("html", t)));
    out.extend(xlsx_cells(&rendered(report, Format::Xlsx, lang)).into_iter().map(|t| ("xlsx", t)));
    out
}

fn html_text(html: &str) -> Vec<String> {
    let hidden = Regex::new(r"(?s)<script>.*?</script>|<style>.*?</style>").unwrap();
    let visible = hidden.replace_all(html, "");
    let tags = Regex::new(r"<[^>]*>").unwrap();
    tags.split(&visible)
        .map(|t| {
            t.replace("&lt;", "<")
                .replace("&gt;", ">")
                .replace("&quot;", "\"")
                .replace("&#39;", "'")
                .replace("&amp;", "&")
        })
        .filter(|t| !t.trim().is_empty())
        .collect()
}

fn xlsx_cells(bytes: &[u8]) -> Vec<String> {
    let mut workbook: Xlsx<_> = open_workbook_from_rs(std::io::Cursor::new(bytes.to_vec())).unwrap();
    let mut cells = Vec::new();
    for name in workbook.sheet_names() {
        let range = workbook.worksheet_range(&name).unwrap();
        cells.extend(range.rows().flatten().map(|c| c.to_string()).filter(|c| !c.is_empty()));
    }
    cells
}

fn words(text: &str) -> Vec<&str> {
    text.split(|c: char| !(c.is_alphanumeric() || c == '-' || c == '_')).filter(|w| !w.is_empty()).collect()
}

/// "the the", "của của": a word said twice in a row. Punctuation between the two ends the phrase
/// ("….pdf: PDF", "[0 điểm] Điểm"); numbers ("1 1" in a table) are not words.
fn doubled_word(text: &str) -> Option<String> {
    let tokens: Vec<&str> = text.split_whitespace().collect();
    tokens.windows(2).find_map(|pair| {
        let [first, second] = [pair[0], pair[1]];
        let word = |t: &str| t.trim_matches(|c: char| !c.is_alphanumeric()).to_lowercase();
        let ends_phrase = first.ends_with(|c: char| !c.is_alphanumeric());
        let is_word = |w: &str| w.chars().count() > 1 && w.chars().all(char::is_alphabetic);
        (!ends_phrase && is_word(&word(first)) && word(first) == word(second)).then(|| format!("{first} {second}"))
    })
}

/// "1 points", "1 findings": an English plural after the number one.
fn one_with_plural(text: &str) -> Option<String> {
    let plural = Regex::new(r"(?:^|[^0-9.,])(1 [a-z]+s)\b").unwrap();
    let found = plural
        .captures_iter(text)
        .map(|c| c[1].to_string())
        .find(|found| !["ss", "us", "is", "as"].iter().any(|end| found.ends_with(end)));
    found
}

#[test]
fn registry_texts_say_no_word_twice_and_agree_in_number() {
    let mut problems = Vec::new();
    for rule in RULES {
        let texts =
            [rule.vi_name, rule.vi.what, rule.vi.why, rule.vi.fix, rule.name, rule.en.what, rule.en.why, rule.en.fix];
        for text in texts {
            if let Some(found) = doubled_word(text).or_else(|| one_with_plural(text)) {
                problems.push(format!("{}: {found:?} in {text:?}", rule.code));
            }
        }
        assert_ne!(rule.vi_name, rule.name, "{} needs a Vietnamese name", rule.code);
        assert!(!rule.vi_name.is_ascii(), "{}: {:?} does not read as Vietnamese", rule.code, rule.vi_name);
    }
    assert!(problems.is_empty(), "{problems:#?}");
}

#[test]
fn the_checkers_own_detectors_catch_what_they_look_for() {
    assert_eq!(doubled_word("from the the signature").as_deref(), Some("the the"));
    assert_eq!(one_with_plural("Unit x — 1 points claimed").as_deref(), Some("1 points"));
    assert_eq!(one_with_plural("0.1 points, 1 point, 21 files, 1 of them"), None);
    assert_eq!(doubled_word("1 1 tệp"), None);
    assert_eq!(doubled_word("tệp.pdf: PDF 2 trang; KC101×1, KC603×1"), None);
}

#[test]
fn every_report_reads_well_in_both_languages() {
    let mut problems = Vec::new();
    for lang in [Lang::Vi, Lang::En] {
        let report = demo_report(lang);
        for (format, piece) in pieces(&report, lang) {
            if let Some(found) = doubled_word(&piece) {
                problems.push(format!("{lang:?} {format}: doubled {found:?} in {piece:?}"));
            }
            if lang == Lang::En {
                if let Some(found) = one_with_plural(&piece) {
                    problems.push(format!("{format}: {found:?} in {piece:?}"));
                }
            }
        }
    }
    assert!(problems.is_empty(), "{problems:#?}");
}

/// The English values of the JSON contract, which a Vietnamese reader must never see.
fn english_tokens() -> Vec<&'static str> {
    let mut tokens = vec![
        // severities
        "zero",
        "warning",
        "info",
        // file statuses
        "ok",
        "unreferenced",
        "unreadable",
        "encrypted",
        "over-budget",
        "skipped",
        // signature verdicts
        "intact",
        "valid",
        "trusted",
        "unsigned",
        // coverage and modification levels (pyHanko's names)
        "ENTIRE_FILE",
        "ENTIRE_REVISION",
        "CONTIGUOUS_BLOCK_FROM_START",
        "UNCLEAR",
        "NONE",
        "LTA_UPDATES",
        "FORM_FILLING",
        "ANNOTATIONS",
        "OTHER",
        // where text comes from
        "text-layer",
    ];
    tokens.extend(RULES.iter().map(|r| r.name));
    tokens
}

#[test]
fn a_vietnamese_report_shows_no_english_contract_value() {
    let report = demo_report(Lang::Vi);
    let tokens = english_tokens();
    let mut found = Vec::new();
    for (format, piece) in pieces(&report, Lang::Vi) {
        for word in words(&piece) {
            if tokens.iter().any(|t| t.eq_ignore_ascii_case(word)) {
                found.push(format!("{format}: {word:?} in {piece:?}"));
            }
        }
    }
    assert!(found.is_empty(), "{found:#?}");
    // The English report does use them: the list is not empty by accident.
    let english = pieces(&demo_report(Lang::En), Lang::En);
    assert!(english.iter().any(|(_, p)| words(p).contains(&"warning")));
    assert!(english.iter().any(|(_, p)| words(p).iter().any(|w| RULES.iter().any(|r| r.name == *w))));
}

#[test]
fn every_finding_leads_to_its_fix_in_text_html_and_xlsx() {
    let finding_line = Regex::new(r"^    (KC\d{3}) ").unwrap();
    for lang in [Lang::Vi, Lang::En] {
        let report = demo_report(lang);
        assert!(report.findings.len() > 3);
        let fix = |code: &str| kiemchung::rules::lookup(code).unwrap().explanation(lang).fix;

        // text: the fix line follows each finding, before any finding of another code
        let text = String::from_utf8(rendered(&report, Format::Text, lang)).unwrap();
        let lines: Vec<&str> = text.lines().collect();
        let mut seen = 0;
        for (index, line) in lines.iter().enumerate() {
            let Some(code) = finding_line.captures(line).map(|c| c[1].to_string()) else { continue };
            seen += 1;
            let next_fix = lines[index + 1..]
                .iter()
                .take_while(|l| finding_line.captures(l).is_none_or(|c| c[1] == code))
                .find(|l| l.trim_start().starts_with('→'));
            let next_fix = next_fix.unwrap_or_else(|| panic!("no fix after {line:?}"));
            assert!(next_fix.contains(fix(&code)), "{line:?} is followed by {next_fix:?}");
        }
        assert_eq!(seen, report.findings.len());

        // html: each finding row shows its fix, not folded away
        let html = String::from_utf8(rendered(&report, Format::Html, lang)).unwrap();
        let rows: Vec<&str> = html.split("<tr class=\"finding\"").skip(1).collect();
        assert_eq!(rows.len(), report.findings.len());
        for row in rows {
            let code = &row[row.find("data-code=\"").unwrap() + 11..][..5];
            let shown = row.split("<div class=\"fix\">").nth(1).expect("a visible fix").split("</div>").next().unwrap();
            let escaped = fix(code).replace('&', "&amp;").replace('"', "&quot;").replace('\'', "&#39;");
            assert!(shown.contains(&escaped), "{code}: {shown}");
        }

        // xlsx: a fix column beside each finding
        let bytes = rendered(&report, Format::Xlsx, lang);
        let mut workbook: Xlsx<_> = open_workbook_from_rs(std::io::Cursor::new(bytes)).unwrap();
        let sheet = workbook.sheet_names()[1].clone();
        let range = workbook.worksheet_range(&sheet).unwrap();
        let mut rows = range.rows();
        let header: Vec<String> = rows.next().unwrap().iter().map(|c| c.to_string()).collect();
        let column = header.iter().position(|h| h == lang.pick("Cách sửa", "How to fix")).expect("a fix column");
        let mut count = 0;
        for row in rows {
            count += 1;
            assert_eq!(row[column].to_string(), fix(&row[4].to_string()), "{row:?}");
        }
        assert_eq!(count, report.findings.len());
    }
}

/// `inspect` on every demo file, in both languages: words, never Rust's debug forms, and in
/// Vietnamese none of the English contract values (the page text sample, `| …`, is the document's).
#[test]
fn inspect_speaks_the_readers_language() {
    let debug_form =
        Regex::new(r"\b(Some|Missing|Dated|Blank|Invalid|NoSuchDay|Placeholder|Malformed|Ok)\b|\{ raw:|\[Ok\]")
            .unwrap();
    let tokens = english_tokens();
    let mut files: Vec<std::path::PathBuf> = Vec::new();
    let mut folders = vec![std::path::PathBuf::from(DEMO)];
    while let Some(folder) = folders.pop() {
        for entry in std::fs::read_dir(folder).unwrap() {
            let path = entry.unwrap().path();
            if path.is_dir() {
                folders.push(path);
            } else if path.extension().is_some_and(|e| e == "pdf") {
                files.push(path);
            }
        }
    }
    assert!(files.len() > 5);
    let mut seen_dates = 0;
    let date_line =
        Regex::new(r"^    (ngày|date): (\d\d/\d\d/\d{4} \(|để trống|left blank|không có|none|không hợp lệ|invalid)")
            .unwrap();
    for file in &files {
        for lang in ["vi", "en"] {
            let out = std::process::Command::new(env!("CARGO_BIN_EXE_kiemchung"))
                .args(["--lang", lang, "inspect"])
                .arg(file)
                .output()
                .unwrap();
            assert_eq!(out.status.code(), Some(0), "{}", file.display());
            let text = String::from_utf8(out.stdout).unwrap();
            let ours: Vec<&str> = text.lines().skip(1).filter(|l| !l.trim_start().starts_with('|')).collect();
            for line in &ours {
                assert!(!debug_form.is_match(line), "{lang} {}: {line:?}", file.display());
                if lang == "vi" {
                    let english: Vec<&str> =
                        words(line).into_iter().filter(|w| tokens.iter().any(|t| t.eq_ignore_ascii_case(w))).collect();
                    assert!(english.is_empty(), "{}: {english:?} in {line:?}", file.display());
                }
            }
            if ours.iter().any(|l| date_line.is_match(l)) {
                seen_dates += 1;
            }
        }
    }
    assert!(seen_dates >= 10, "the date lines read as words: {seen_dates}");
}

/// `kiemchung rule` lists and explains rules by their Vietnamese names and severities (the stable
/// English name is given once, for JSON and scripts), and in English with `--lang en`.
#[test]
fn the_rule_list_speaks_the_readers_language() {
    let run = |args: &[&str]| {
        let out = std::process::Command::new(env!("CARGO_BIN_EXE_kiemchung")).args(args).output().unwrap();
        assert_eq!(out.status.code(), Some(0), "{args:?}");
        String::from_utf8(out.stdout).unwrap()
    };
    let tokens = english_tokens();
    let list = run(&["rule"]);
    assert_eq!(list.lines().count(), RULES.len());
    for (line, rule) in list.lines().zip(RULES) {
        assert!(line.starts_with(&format!("{}  {}", rule.code, rule.vi_name)), "{line}");
        let english: Vec<&str> = words(line).into_iter().filter(|w| tokens.contains(w)).collect();
        assert!(english.is_empty(), "{english:?} in {line}");
    }
    let english = run(&["--lang", "en", "rule"]);
    assert!(english.lines().any(|l| l.starts_with("KC101  unsigned") && l.contains("zero")), "{english}");
    let explained = run(&["rule", "KC104"]);
    assert!(explained.starts_with("KC104 chứng thư số hết hiệu lực khi ký (0 điểm)"), "{explained}");
}
