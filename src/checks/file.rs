//! File rules: KC601 unreadable, KC602 encrypted, KC603 no text layer, KC604 unsupported format,
//! KC605 cross-reference table rebuilt to read the file.

use super::{Code, FileContext};
use crate::facts::pdf::{PdfFacts, TextLayer, TextSource};
use crate::facts::sniff::Kind;
use crate::facts::{Outcome, Problem};
use crate::model::{Finding, Lang};

/// KC601/KC602/KC604; returns the PDF facts when the file is a readable PDF.
pub fn check<'a>(ctx: &FileContext<'a>, out: &mut Vec<Finding>) -> Option<&'a PdfFacts> {
    let facts = ctx.facts;
    match &facts.outcome {
        Outcome::Ok => {}
        Outcome::Unreadable(problem) => {
            let (vi, en) = describe(problem);
            out.push(ctx.finding(Code::KC601, vi, en));
            return None;
        }
        Outcome::Encrypted => {
            out.push(ctx.finding(
                Code::KC602,
                "Tệp PDF được đặt mật khẩu, không mở để kiểm tra được.".into(),
                "The PDF is password-protected and cannot be opened for checking.".into(),
            ));
            return None;
        }
        Outcome::OverBudget(which) => {
            out.push(ctx.finding(
                Code::KC601,
                format!(
                    "Tệp vượt giới hạn xử lý ({}); không kiểm tra được, cần người xem trực tiếp.",
                    which.words(Lang::Vi)
                ),
                format!("The file exceeds a processing limit ({which}); it was not checked and needs a human look."),
            ));
            return None;
        }
    }
    if facts.kind == Kind::Pdf {
        if let Some(legacy) = facts.pdf.as_ref().and_then(|pdf| pdf.legacy_encoding) {
            let (vi, en) = match legacy {
                crate::vn::legacy::Legacy::Tcvn3 => (
                    "Văn bản gõ bằng bảng mã cũ TCVN3/ABC (phông .VnTime): đã chuyển sang Unicode để kiểm tra; nên dùng bản Unicode.",
                    "The text uses the legacy TCVN3/ABC encoding (.VnTime fonts): converted to Unicode for checking; a Unicode version is preferable.",
                ),
                crate::vn::legacy::Legacy::Vni => (
                    "Văn bản gõ bằng bảng mã cũ VNI (phông VNI-Times): đã chuyển sang Unicode để kiểm tra; nên dùng bản Unicode.",
                    "The text uses the legacy VNI encoding (VNI-Times fonts): converted to Unicode for checking; a Unicode version is preferable.",
                ),
            };
            out.push(ctx.finding(Code::KC606, vi.into(), en.into()));
        }
        if facts.pdf.as_ref().is_some_and(|pdf| pdf.repaired) {
            out.push(ctx.finding(
                Code::KC605,
                "Mục lục bên trong tệp PDF bị hỏng, phải dựng lại mới đọc được: tệp có thể đã bị sửa bằng công cụ không chuẩn; nên mở kiểm tra trực tiếp.".into(),
                "The PDF's internal index was broken and had to be rebuilt to read it: the file may have been altered by a non-standard tool; check it by hand.".into(),
            ));
        }
        return facts.pdf.as_ref();
    }
    let (vi, en) = kind_name(facts.kind);
    out.push(ctx.finding(
        Code::KC604,
        format!("Tài liệu kiểm chứng là {vi}, không phải văn bản PDF đã ký số."),
        format!("The evidence is {en}, not a signed PDF."),
    ));
    None
}

/// KC603 for an image-only PDF, KC607 for a layer that does not decode; true when the PDF has text
/// to check: its own layer, or what OCR read from its page images.
pub fn has_text_layer(ctx: &FileContext, pdf: &PdfFacts, out: &mut Vec<Finding>) -> bool {
    let ocr = pdf.text_source == TextSource::Ocr;
    let (ocr_vi, ocr_en) = if ocr {
        (
            " Số và ngày đã được đọc bằng OCR từ ảnh trang (xem các phát hiện ghi nguồn OCR).",
            " Number and date were read by OCR from the page images (see the findings marked OCR).",
        )
    } else {
        ("", "")
    };
    match pdf.text_layer() {
        TextLayer::Readable => true,
        TextLayer::None => {
            out.push(ctx.finding(
                Code::KC603,
                format!(
                    "PDF {} trang chỉ có ảnh quét, không có lớp chữ: số, ngày và trích dẫn không tự kiểm tra được đầy đủ.{ocr_vi}",
                    pdf.pages
                ),
                format!(
                    "The {}-page PDF is image-only (no text layer): number, date and citations cannot be fully checked.{ocr_en}",
                    pdf.pages
                ),
            ));
            ocr
        }
        TextLayer::Unreadable => {
            let pages = pdf.unreadable_pages.iter().map(u32::to_string).collect::<Vec<_>>().join(", ");
            let page_en = if pdf.unreadable_pages.len() == 1 { "page" } else { "pages" };
            let mut finding = ctx.finding(
                Code::KC607,
                format!(
                    "Lớp chữ của PDF không giải mã được thành chữ đọc được (trang {pages}: phông chữ không có bảng mã Unicode dùng được, hoặc tệp \"in ra PDF\" qua PostScript): số, ngày và trích dẫn không tự kiểm tra được đầy đủ, cần người xem trực tiếp. Nên xuất lại PDF từ tệp gốc (Lưu thành PDF) rồi ký số.{ocr_vi}"
                ),
                format!(
                    "The PDF's text layer does not decode to readable text ({page_en} {pages}: fonts without a usable Unicode map, or a file \"printed to PDF\" through PostScript): number, date and citations cannot be fully checked and need a human look. Export the PDF again from the original (Save as PDF), then sign it.{ocr_en}"
                ),
            )
            .page(Some(pdf.header_page));
            if ocr {
                finding.source = Some("ocr");
            }
            out.push(finding);
            ocr
        }
    }
}

/// Rules that read a document's text and could not judge this file, and why: a scan (no text
/// layer), a layer that does not decode, a file whose end is lost (where a signature would be).
pub fn not_judged(facts: &crate::facts::FileFacts, lang: crate::model::Lang) -> Vec<crate::model::NotJudgedRule> {
    const TEXT_RULES: [Code; 8] =
        [Code::KC201, Code::KC202, Code::KC203, Code::KC301, Code::KC302, Code::KC303, Code::KC304, Code::KC305];
    let entries = |codes: &[Code], vi: &str, en: &str| -> Vec<crate::model::NotJudgedRule> {
        codes
            .iter()
            .map(|code| crate::model::NotJudgedRule { code: code.rule().code, reason: lang.pick(vi, en).to_string() })
            .collect()
    };
    match (&facts.outcome, facts.pdf.as_ref()) {
        (Outcome::Unreadable(Problem::Truncated { .. }), _) => entries(
            &[Code::KC101],
            "tệp bị cắt cụt: mất phần cuối, nơi chữ ký số thường nằm",
            "the file is truncated: its end, where a signature would be, is lost",
        ),
        (Outcome::Ok, Some(pdf)) if pdf.text_readable() => Vec::new(),
        (Outcome::Ok, Some(pdf)) => match pdf.text_layer() {
            TextLayer::Readable => Vec::new(),
            TextLayer::None => entries(
                &TEXT_RULES,
                "ảnh quét, không có lớp chữ (chưa đọc bằng OCR)",
                "a scan with no text layer (not read by OCR)",
            ),
            TextLayer::Unreadable => {
                entries(&TEXT_RULES, "lớp chữ không giải mã được (KC607)", "a text layer that does not decode (KC607)")
            }
        },
        _ => Vec::new(),
    }
}

/// A KC601 message. A parser's own English detail goes to the English message only: a clerk
/// cannot act on it.
fn describe(problem: &Problem) -> (String, String) {
    match problem {
        Problem::Empty => ("Tệp rỗng (0 byte).".into(), "The file is empty (0 bytes).".into()),
        Problem::NotWhatExtensionSays { extension, found } => {
            let (vi, en) = kind_name(*found);
            (
                format!("Tệp có đuôi .{extension} nhưng nội dung là {vi}: không phải tài liệu như tên gọi."),
                format!("The file is named .{extension} but holds {en}: not what its name says."),
            )
        }
        Problem::Truncated { size, detail } => {
            let detail = detail.as_ref().map(|d| format!("; {d}")).unwrap_or_default();
            (
                format!("Tệp PDF bị cắt cụt (không có dấu kết thúc tệp %%EOF; còn {size} byte): phần cuối, nơi chữ ký số thường nằm, đã mất. Tải lại hoặc sao chép lại bản đầy đủ của tệp."),
                format!("The PDF is truncated ({}{detail}; {size} bytes left): its end, where a signature would be, is lost. Download or copy the complete file again.", crate::facts::NO_EOF_EN),
            )
        }
        Problem::Corrupt(detail) => (
            "Tệp hỏng hoặc bị cắt cụt, không đọc được.".into(),
            format!("The file is corrupt or truncated and cannot be read ({detail})."),
        ),
        Problem::NoPages => (
            "Tệp PDF không có trang nào đọc được: tệp hỏng hoặc bị cắt cụt.".into(),
            "The file is corrupt or truncated and cannot be read (no pages).".into(),
        ),
        Problem::NoWorkbookHeader => (
            format!("Bảng tính không đọc được: {}.", problem_words(problem, Lang::Vi)),
            format!("The workbook cannot be read: {}.", crate::facts::NO_HEADER_EN),
        ),
        Problem::Io(failure) => (
            format!("Không đọc được tệp ({}).", failure.words(Lang::Vi)),
            format!("The file cannot be read ({}).", failure.detail),
        ),
        Problem::Panic(detail) => (
            "Bộ đọc gặp lỗi nội bộ khi đọc tệp; tệp cần người xem trực tiếp.".into(),
            format!("The reader failed internally on this file ({detail}); it needs a human look."),
        ),
    }
}

/// Why a file could not be read, in a few words (the file table's `problem`, `inspect`): plain
/// Vietnamese, or English with the parser's own detail.
pub fn problem_words(problem: &Problem, lang: Lang) -> String {
    match (problem, lang) {
        (other, Lang::En) => other.to_string(),
        (Problem::Empty, Lang::Vi) => "tệp rỗng".into(),
        (Problem::NotWhatExtensionSays { extension, found }, Lang::Vi) => {
            format!("tên có đuôi .{extension} nhưng nội dung là {}", kind_name(*found).0)
        }
        (Problem::Corrupt(_), Lang::Vi) => "tệp hỏng, không đọc được".into(),
        (Problem::NoPages, Lang::Vi) => "tệp PDF không có trang nào đọc được".into(),
        (Problem::NoWorkbookHeader, Lang::Vi) => {
            "không tìm thấy dòng tiêu đề (Mã tiêu chí, Điểm tự chấm, Giải trình, Tài liệu kiểm chứng) trong trang tính nào"
                .into()
        }
        (Problem::Truncated { size, .. }, Lang::Vi) => {
            format!("tệp bị cắt cụt: không có dấu kết thúc tệp %%EOF (còn {size} byte)")
        }
        (Problem::Io(failure), Lang::Vi) => format!("không đọc được tệp: {}", failure.words(Lang::Vi)),
        (Problem::Panic(_), Lang::Vi) => "bộ đọc gặp lỗi nội bộ khi đọc tệp".into(),
    }
}

/// How a kind is named in a sentence: (Vietnamese, English).
pub fn kind_name(kind: Kind) -> (&'static str, &'static str) {
    match kind {
        Kind::Empty => ("tệp rỗng", "an empty file"),
        Kind::Pdf => ("PDF", "a PDF"),
        Kind::Docx | Kind::Odt => ("bản Word (.docx/.odt)", "a Word document (.docx/.odt)"),
        Kind::Xlsx | Kind::Ods => ("bảng tính (.xlsx/.ods)", "a spreadsheet (.xlsx/.ods)"),
        Kind::Pptx => ("bản trình chiếu (.pptx)", "a presentation (.pptx)"),
        Kind::Ole => ("tệp Office cũ (.doc/.xls)", "a legacy Office file (.doc/.xls)"),
        Kind::Zip | Kind::Archive => ("tệp nén", "an archive"),
        Kind::Image => ("ảnh", "an image"),
        Kind::Html => ("trang HTML", "an HTML page"),
        Kind::Xml => ("tệp XML", "an XML file"),
        Kind::Rtf => ("tệp RTF", "an RTF file"),
        Kind::Text => ("tệp văn bản thô", "a plain text file"),
        Kind::Unknown => ("tệp không rõ định dạng", "a file of unknown format"),
    }
}
