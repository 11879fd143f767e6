//! The issuing body printed at the top left of a document (Nghị định 30/2020: the parent body, then
//! the issuing body in capitals, above `Số:`), and whether a certificate's organisation names it.
//!
//! Deliberately cautious (KC107 is a warning, and a false one costs trust): only the distinctive
//! words of the issuing body's own line are compared (`XÃ PHẤN MỄ` → `phan me`, `THANH TRA TỈNH` →
//! `thanh tra`); administrative words (`ủy ban nhân dân`, `xã`, `tỉnh`, `sở`…) never decide alone.

use super::text::fold;

/// Phrases and words that name a kind of body or a level, not which one. Phrases go first, so that
/// "Đồng" in "xã Đồng Tâm" or "Phấn" in "Phấn Mễ" still count.
const GENERIC_PHRASES: &[&str] = &[
    "uy ban nhan dan",
    "hoi dong nhan dan",
    "thanh pho",
    "thi xa",
    "thi tran",
    "cong ty",
    "co phan",
    "trung tam",
    "van phong",
    "chi cuc",
    "nha nuoc",
    "viet nam",
];
const GENERIC_WORDS: &[&str] = &[
    "xa", "phuong", "huyen", "quan", "tinh", "tp", "so", "phong", "cuc", "bo", "tong", "truong", "vien", "tnhh", "cua",
    "va",
];

/// The national motto, which shares the header lines in many layouts.
static MOTTO: std::sync::LazyLock<regex::Regex> = std::sync::LazyLock::new(|| {
    regex::Regex::new(
        r"(?i)c[ộo]ng\s+h[òoóoà]a\s+x[ãa]\s+h[ộo]i\s+ch[ủu]\s+ngh[ĩi]a\s+vi[ệe]t\s+nam|[đd][ộo]c\s+l[ậa]p\s*[-–]\s*t[ựu]\s+do\s*[-–]\s*h[ạa]nh\s+ph[úu]c|[-–_]{3,}",
    )
    .unwrap()
});

/// The issuing-body lines as printed (NFC): the capitalised header lines above `Số:`, with the motto
/// taken out. Empty when no `Số:` line closes the block: without it the block cannot be told from
/// the rest of the page.
pub fn issuer_lines(header_zone: &str) -> Vec<String> {
    let mut lines = Vec::new();
    for line in header_zone.lines().take(12) {
        // `Số:` ends the block; `Sở` (a department) does not, so compare before folding.
        let lower = line.trim_start().to_lowercase();
        if lower.starts_with("số") || lower.starts_with("so:") {
            return lines;
        }
        let kept = MOTTO.replace_all(line, " ");
        let kept = kept.split_whitespace().collect::<Vec<_>>().join(" ");
        // Names of bodies are printed in capitals; a sentence is not one.
        if kept.chars().any(char::is_alphabetic) && !kept.chars().any(char::is_lowercase) {
            lines.push(kept);
        }
    }
    Vec::new()
}

fn expand(folded: &str) -> String {
    folded.replace("ubnd", "uy ban nhan dan").replace("hdnd", "hoi dong nhan dan")
}

fn distinctive(words: &str) -> Vec<String> {
    let mut text = format!(" {} ", expand(&fold(words)));
    for phrase in GENERIC_PHRASES {
        text = text.replace(&format!(" {phrase} "), "  ");
    }
    text.split_whitespace().filter(|w| !GENERIC_WORDS.contains(w)).map(str::to_string).collect()
}

/// Does the certificate organisation `signer_org` name the body that issued the document?
/// `None` when the header gives nothing to compare.
pub fn names_issuer(issuer_lines: &[String], signer_org: &str) -> Option<bool> {
    let signer_words: Vec<String> = expand(&fold(signer_org)).split_whitespace().map(str::to_string).collect();
    // The issuing body is the last line; when it is all generic ("ỦY BAN NHÂN DÂN"), the place
    // follows on the next line, which is then the last one.
    let specific = issuer_lines.iter().rev().map(|line| distinctive(line)).find(|words| !words.is_empty())?;
    if signer_words.is_empty() {
        return None;
    }
    Some(specific.iter().all(|word| signer_words.contains(word)))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn lines(text: &str) -> Vec<String> {
        issuer_lines(text)
    }

    #[test]
    fn issuer_lines_skip_the_motto_and_stop_at_the_number() {
        let zone = "ỦY BAN NHÂN DÂN CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM\nXÃ PHẤN MỄ Độc lập - Tự do - Hạnh phúc\nSố: 271/BC-UBND\nBÁO CÁO";
        assert_eq!(lines(zone), vec!["ỦY BAN NHÂN DÂN", "XÃ PHẤN MỄ"]);
        let separate = "UBND TỈNH SƠN LA\nTHANH TRA TỈNH\nCỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM\nĐộc lập - Tự do - Hạnh phúc\nSố: 12/KH-TTr";
        assert_eq!(lines(separate), vec!["UBND TỈNH SƠN LA", "THANH TRA TỈNH"]);
    }

    #[test]
    fn the_issuing_body_must_appear_in_the_signer_organisation() {
        let commune = lines("ỦY BAN NHÂN DÂN\nXÃ PHẤN MỄ\nSố: 1/BC-UBND");
        assert_eq!(names_issuer(&commune, "Ủy ban nhân dân xã Phấn Mễ"), Some(true));
        assert_eq!(names_issuer(&commune, "UBND xã Phấn Mễ, tỉnh Thái Nguyên"), Some(true));
        assert_eq!(names_issuer(&commune, "Ủy ban nhân dân xã Đồng Tâm"), Some(false));
        let inspectorate = lines("UBND TỈNH SƠN LA\nTHANH TRA TỈNH\nSố: 1/KH-TTr");
        assert_eq!(names_issuer(&inspectorate, "Thanh tra tỉnh Sơn La"), Some(true));
        assert_eq!(names_issuer(&inspectorate, "Sở Nội vụ tỉnh Sơn La"), Some(false));
        // A department's name is not the number line, even though both fold to "so".
        let department = lines("UBND TỈNH THÁI NGUYÊN\nSỞ NÔNG NGHIỆP VÀ\nPHÁT TRIỂN NÔNG THÔN\nSố: 794/BC-SNN");
        assert_eq!(department.len(), 3);
        assert_eq!(names_issuer(&department, "Sở Nông nghiệp và Phát triển nông thôn"), Some(true));
        assert_eq!(names_issuer(&department, "Sở Tài chính"), Some(false));
        // NFD input (macOS) folds the same way.
        let nfd: String = unicode_normalization::UnicodeNormalization::nfd("Ủy ban nhân dân xã Phấn Mễ").collect();
        assert_eq!(names_issuer(&commune, &nfd), Some(true));
    }

    #[test]
    fn nothing_to_compare_is_no_verdict() {
        assert!(lines("Công ty ABC\nBáo cáo tháng").is_empty(), "no Số: line, no issuing body");
        assert_eq!(names_issuer(&[], "Ủy ban nhân dân xã Phấn Mễ"), None);
        assert_eq!(names_issuer(&lines("ỦY BAN NHÂN DÂN\nSố: 1/BC"), "UBND xã A"), None);
        assert_eq!(names_issuer(&lines("XÃ PHẤN MỄ\nSố: 1/BC"), ""), None);
    }
}
